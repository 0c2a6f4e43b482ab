import { backendNameSchema, backendSettingName, initBackend } from '../../ml/backend/init';
import { EinthovenError } from '../../errors';
import { workersReport } from '../../parallel/worker-count';
import { parseCommandArgs } from '../args';
import type { CliCommand } from '../command';

export const backendCommand: CliCommand = {
  name: 'backend',
  summary: 'Show the compute backend the engine chooses and what it tried',
  usage: `Usage: ecg backend [--json] [--backend tensorflow|wasm|cpu]

Starts the compute backend as the engine does: tensorflow (the optional @tensorflow/tfjs-node-gpu,
else @tensorflow/tfjs-node), then wasm (SIMD), then cpu; a backend that fails to load falls
through to the next. With --json prints {"active","tfBackend","forced"?,"tried":[{"name","ok",
"detail"?,"error"?}],"workers":{"cores","default","max","mode"}} (workers: the data-parallel
worker threads training and evaluation use on wasm/cpu; default cores − 1).

Options:
  --json          JSON instead of text
  --backend B     force one backend (fails if it cannot start); the ${backendSettingName}
                  environment variable does the same for the app and every command`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean' }, backend: { type: 'string' } });
    if (positionals.length > 0) throw new EinthovenError('E_VALIDATION', `unexpected argument '${positionals[0]}'`);
    let force;
    if (values.backend !== undefined) {
      const parsed = backendNameSchema.safeParse(values.backend);
      if (!parsed.success) throw new EinthovenError('E_VALIDATION', `--backend must be tensorflow, wasm or cpu, got '${values.backend}'`);
      force = parsed.data;
    }
    const report = await initBackend(force ? { force } : {});
    const workers = workersReport();
    if (values.json) {
      io.stdout(JSON.stringify({ ...report, workers }));
      return 0;
    }
    const how = report.forced ? ` (forced by ${report.forced.by === 'option' ? '--backend' : backendSettingName})` : '';
    io.stdout(`active: ${report.active}${how}`);
    for (const t of report.tried) io.stdout(`  ${t.ok ? 'ok    ' : 'failed'} ${t.name}${t.detail ? ` — ${t.detail}` : ''}${t.error ? ` — ${t.error}` : ''}`);
    io.stdout(`workers: ${workers.default} by default (${workers.cores} cores, one kept for the app), up to ${workers.max} with --workers N`);
    return 0;
  },
};
