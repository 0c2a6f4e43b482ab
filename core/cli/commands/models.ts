import { backendNames, initBackend } from '../../ml/backend/init';
import { buildModel, countTrainableParams, listArchitectures } from '../../ml/models/registry';
import { EinthovenError } from '../../errors';
import { choiceFlag, parseCommandArgs, wholeNumberFlag } from '../args';
import type { CliCommand } from '../command';
import { promoteUsage, runPromote } from './models-promote';
import { backendChoices } from './train-flags';
import { jsonLine } from '../text-column';

export const modelsCommand: CliCommand = {
  name: 'models',
  summary: 'List the model architectures with parameter counts at their design input',
  usage: `Usage: ecg models [--json] [--paper-exact] [--classes N] [--backend B]
       ecg models promote MODEL --by NAME --yes   (see ecg models promote --help)

Builds every architecture of the model zoo (untrained) at its design input — the paper's
12 × 2048 at 500 Hz; xresnet1d at 12 × 250 at 100 Hz — and counts its trainable parameters.
With --json prints [{"name","params","inputLength","fs"}, …].

Options:
  --json          JSON instead of a table
  --paper-exact   the variants that reproduce the paper code's quirks (VGG's 49-feature
                  pooling, AttResNet's 8 heads, CRNN's last step only)
  --classes N     outputs (default 5, the paper's PTB-XL superclasses)
  --backend B     ${backendChoices} (default: the best that starts)`,
  subcommandUsage: { promote: promoteUsage },
  async run(args, io) {
    if (args[0] === 'promote') return runPromote(args.slice(1), io);
    const { values, positionals } = parseCommandArgs(args, {
      json: { type: 'boolean' },
      'paper-exact': { type: 'boolean' },
      classes: { type: 'string', default: '5' },
      backend: { type: 'string' },
    });
    if (positionals.length > 0) throw new EinthovenError('E_VALIDATION', `unexpected argument '${positionals[0]}'`);
    const numClasses = wholeNumberFlag('classes', values.classes, 1, 1000);
    const force = choiceFlag('backend', values.backend, backendNames);
    await initBackend(force ? { force } : {});
    const paperExact = values['paper-exact'] === true;
    const rows = listArchitectures().map((arch) => {
      const model = buildModel(arch.name, { numClasses, paperExact });
      try {
        return { name: arch.name, params: countTrainableParams(model), inputLength: arch.inputLength, fs: arch.fs, summary: arch.summary };
      } finally {
        model.dispose();
      }
    });
    if (values.json) {
      io.stdout(jsonLine(rows.map(({ name, params, inputLength, fs }) => ({ name, params, inputLength, fs }))));
      return 0;
    }
    const width = Math.max(...rows.map((r) => r.name.length));
    io.stdout(`${numClasses} outputs${paperExact ? ', paper-exact variants' : ''}`);
    for (const r of rows) {
      io.stdout(`${r.name.padEnd(width)}  ${(r.params / 1e6).toFixed(3).padStart(7)}M  12 × ${String(r.inputLength).padEnd(4)} @ ${String(r.fs).padStart(3)} Hz  ${r.summary}`);
    }
    return 0;
  },
};
