import { backendNameSchema, backendNames, backendSettingName, initBackend, type BackendReport, type GpuAdapterReport } from '../../ml/backend/init';
import { EinthovenError } from '../../errors';
import { ortKernelsUnavailable } from '../../ml/backend/ort-kernels';
import { inferenceEngineReport } from '../../ml/onnx/runtime';
import { onnxSettingName } from '../../ml/onnx/setting';
import { workersReport } from '../../parallel/worker-count';
import { parseCommandArgs } from '../args';
import type { CliCommand } from '../command';
import { jsonLine, textColumn } from '../text-column';

const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;

/** One line for an adapter: what it is, how Dawn drives it, and the limits that bound a batch. */
export function adapterLine(a: GpuAdapterReport): string {
  const who = [a.vendor, a.architecture].filter(Boolean).join(' ');
  const kind = a.hardware ? 'hardware' : `software — ${a.softwareReason ?? 'runs on the CPU'}`;
  return (
    `${a.description}${who ? ` (${who})` : ''}; Dawn ${a.dawnBackend}${a.featureLevel === 'compatibility' ? ' (compatibility mode)' : ''}; ${kind}; ` +
    `max buffer ${mib(a.limits.maxBufferSize)}, max storage binding ${mib(a.limits.maxStorageBufferBindingSize)}, ` +
    `workgroup memory ${a.limits.maxComputeWorkgroupStorageSize} B, ${a.limits.maxComputeInvocationsPerWorkgroup} invocations per workgroup`
  );
}

/**
 * The report as text lines. Each line goes through textColumn whole: the adapter's description,
 * vendor and architecture, Dawn's messages and a backend's load error are the driver's or a native
 * library's words, and one holding a line break or an escape sequence forged a line of this output
 * or drove the operator's terminal, as any other command's names would.
 */
export function printText(report: BackendReport, write: (line: string) => void): void {
  const out = (line: string) => write(textColumn(line));
  const how = report.forced ? ` (forced by ${report.forced.by === 'option' ? '--backend' : backendSettingName})` : '';
  out(`active: ${report.active}${how}`);
  if (report.adapter) out(`  GPU adapter: ${adapterLine(report.adapter)}`);
  for (const t of report.tried) {
    out(`  ${t.ok ? 'ok    ' : 'failed'} ${t.name}${t.detail ? ` — ${t.detail}` : ''}${t.error ? ` — ${t.error}` : ''}`);
    if (!t.ok && t.adapter) out(`         adapter found: ${adapterLine(t.adapter)}`);
    for (const message of t.dawnMessages ?? []) out(`         Dawn said: ${message}`);
  }
  for (const n of report.notTried) out(`  not tried ${n.name} — ${n.reason}`);
}

export const backendCommand: CliCommand = {
  name: 'backend',
  summary: 'Show the compute backend the engine chooses and what it tried',
  usage: `Usage: ecg backend [--json] [--backend ${backendNames.join('|')}]

Starts the compute backend as the engine does: tensorflow (the optional @tensorflow/tfjs-node-gpu,
else @tensorflow/tfjs-node), then webgpu (the optional Dawn 'webgpu' package) when a hardware GPU
adapter exists, then wasm (SIMD), then cpu; a backend that fails to load falls through to the next.
A software GPU adapter (llvmpipe, SwiftShader) is used only when webgpu is forced. Unforced, the
adapters are looked for in a child process, so that Dawn's own warnings (a missing Vulkan library, reduced
limits) stay off stderr: they are printed here ("Dawn said: …"). With --json prints
{"active","tfBackend","forced"?,"adapter"?,"tried":[{"name","ok","detail"?,"error"?,"adapter"?,"dawnMessages"?}],
"notTried":[{"name","reason"}],"workers":{"cores","default","minRowsPerTrainingWorker","max","mode","gc"},
"inference":{"engine","version"?,"threads"?,"reason"?},"trainingKernels"}
(workers: the data-parallel worker threads training and evaluation use on wasm/cpu; default
cores − 1; gc: whether each thread collects its own garbage, as the engine's V8 flags ask;
inference: on wasm/cpu the forward pass of every model but CRNN-GRU/LSTM and the
2048-sample Transformer runs on onnxruntime (the optional onnxruntime-node) with every core, unless
${onnxSettingName}=off; trainingKernels "onnxruntime" when wasm's conv1d and large matrix
products run on onnxruntime's kernels, else "tfjs"); an adapter is {"description","vendor","architecture","device",
"dawnBackend","featureLevel","hardware","softwareReason"?,"limits":{…}}.

Options:
  --json          JSON instead of text
  --backend B     force one backend, ${backendNames.join(' | ')} (fails if it cannot start); the ${backendSettingName}
                  environment variable does the same for the app and every command`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean' }, backend: { type: 'string' } });
    if (positionals.length > 0) throw new EinthovenError('E_VALIDATION', `unexpected argument '${positionals[0]}'`);
    let force;
    if (values.backend !== undefined) {
      const parsed = backendNameSchema.safeParse(values.backend);
      if (!parsed.success) throw new EinthovenError('E_VALIDATION', `--backend must be ${backendNames.join(', ')}, got '${values.backend}'`);
      force = parsed.data;
    }
    const report = await initBackend(force ? { force } : {});
    const workers = workersReport();
    const inference = await inferenceEngineReport();
    const trainingKernels = report.active === 'wasm' && ortKernelsUnavailable() === undefined ? 'onnxruntime' : 'tfjs';
    if (values.json) io.stdout(jsonLine({ ...report, workers, inference, trainingKernels }));
    else {
      printText(report, (line) => io.stdout(line));
      io.stdout(`workers: ${workers.default} by default (${workers.cores} cores, one kept for the app; a training loop at most one per ${workers.minRowsPerTrainingWorker} rows of its batch), up to ${workers.max} with --workers N; garbage collection: ${workers.gc}`);
      io.stdout(`inference: ${inference.engine === 'onnxruntime' ? `onnxruntime ${inference.version}, ${inference.threads} threads (all but the recurrent models and the long-input Transformer)` : `tfjs — ${inference.reason}`}`);
      const kernels = report.active === 'wasm' ? ortKernelsUnavailable() : `the ${report.active} backend`;
      io.stdout(`training kernels: ${kernels === undefined ? 'conv1d and large matrix products on onnxruntime (one thread per worker)' : `tfjs's own — ${kernels}`}`);
    }
    return 0;
  },
};
