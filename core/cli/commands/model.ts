import path from 'node:path';
import { EinthovenError } from '../../errors';
import { exportPytorch } from '../../interop/export-pytorch';
import { importPytorch } from '../../interop/import-pytorch';
import { ensureBackend } from '../../train/setup';
import { parseCommandArgs } from '../args';
import type { CliCommand, CliIO } from '../command';
import { jsonLine, textColumn } from '../text-column';
import { runInspect } from './model-inspect';
import { resolveModel } from './model-path';
import { backendChoices, backendFrom } from './train-flags';

const usage = `Usage: ecg model inspect MODEL [--json]
       ecg model export-pytorch MODEL DIR [--json]
       ecg model import-pytorch DIR OUT [--shards SHARDS] [--name TEXT] [--description TEXT] [--json]

Round trips between Einthoven packages and PyTorch (distributed/einthoven_ddp, the distributed
trainer: README "Training beyond one workstation").

inspect         prints MODEL's card (a package folder or .ecgmodel file, a bundled model name
                such as starter, or an installed model's id or name; its seal is checked, its
                weights not loaded): its data (a cross-validation fold's test rows called its
                held-out rows, the duplicate rows it kept), base, operating point, and its
                figures named for their rows — a fold's held-out figures never as a locked
                test. --json: the description the app's Models card shows.
export-pytorch  writes MODEL (a package folder or .ecgmodel file, a bundled model name such
                as starter, or an installed model's id or name) as an exchange folder:
                einthoven.json (architecture, classes, preprocessing, operating point)
                and weights.safetensors (every weight, engine order). In Python:
                einthoven_ddp.exchange.load_exported(DIR) gives the PyTorch twin with them.
                One network only: an ensemble is refused (export its members, members/NN in
                its folder), and so is a PE fusion (export its base model, its ECG network).
import-pytorch  builds a package at OUT from a training result written by
                \`torchrun … -m einthoven_ddp train --out DIR\`: the weights go into the
                engine's own model, then temperature and per-class thresholds are fitted on
                validation with the engine's calibration. With --shards (the folder the run
                trained on) the engine recomputes the validation logits itself and refuses a
                result whose logits differ from the trainer's by more than 1e-3.

  --backend B   ${backendChoices} (default: the best that starts)
  --json        print the manifest (and the largest logit difference) as JSON`;

async function runExport(positionals: string[], json: boolean | undefined, io: CliIO): Promise<number> {
  const [model, dir] = positionals;
  if (!model || !dir || positionals.length > 2) throw new EinthovenError('E_VALIDATION', 'export-pytorch needs MODEL and DIR (see ecg model --help)');
  const config = await exportPytorch(await resolveModel(model), path.resolve(dir));
  // The package's id holds its name (NAME@digest), whatever its maker typed; DIR is the user's.
  io.stdout(json ? jsonLine({ dir: path.resolve(dir), source: config.source, architecture: config.architecture }) : `exported ${textColumn(config.source?.id ?? config.name)} (${config.architecture.name}) to ${textColumn(path.resolve(dir))}`);
  return 0;
}

export const modelCommand: CliCommand = {
  name: 'model',
  summary: "Print a package's card; export a package to PyTorch, or import a PyTorch (DDP) training result as a package",
  usage,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      json: { type: 'boolean' },
      backend: { type: 'string' },
      shards: { type: 'string' },
      name: { type: 'string' },
      description: { type: 'string' },
    });
    const [verb, ...rest] = positionals;
    // Reading a manifest needs no backend.
    if (verb === 'inspect') return runInspect(rest, values.json, io);
    await ensureBackend(backendFrom(values.backend));
    if (verb === 'export-pytorch') return runExport(rest, values.json, io);
    if (verb !== 'import-pytorch') throw new EinthovenError('E_VALIDATION', `unknown subcommand '${verb ?? ''}' (inspect | export-pytorch | import-pytorch)`);
    const [dir, out] = rest;
    if (!dir || !out || rest.length > 2) throw new EinthovenError('E_VALIDATION', 'import-pytorch needs DIR and OUT (see ecg model --help)');
    const result = await importPytorch(path.resolve(dir), path.resolve(out), {
      ...(values.shards ? { shardsDir: path.resolve(values.shards) } : {}),
      ...(values.name ? { name: values.name } : {}),
      ...(values.description ? { description: values.description } : {}),
    });
    const m = result.manifest;
    if (values.json) io.stdout(jsonLine({ out: path.resolve(out), manifest: m, maxLogitDifference: result.maxLogitDifference ?? null }));
    else {
      const check = result.maxLogitDifference === undefined ? 'trainer validation logits used (pass --shards to recompute them here)' : `engine vs trainer validation logits within ${result.maxLogitDifference.toExponential(1)}`;
      io.stdout(`imported ${textColumn(m.id)} (${m.architecture.name}, ${m.classes.length} classes) to ${textColumn(path.resolve(out))}; ${check}`);
    }
    return 0;
  },
};
