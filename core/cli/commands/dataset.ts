import path from 'node:path';
import { EinthovenError } from '../../errors';
import { exportShards } from '../../interop/shards';
import { architectureNames } from '../../ml/models/registry';
import { defaultPipeline } from '../../train/pipelines';
import { parseCommandArgs } from '../args';
import type { JobFinished, JobProgress } from '../../contract/channels';
import { readingsTaskWords, ReadingsTaskSchema, type ReadingsDataset, type ReadingsTask } from '../../contract/clinic-schemas';
import type { Engine } from '../../engine/engine';
import type { CliCommand, CliIO } from '../command';
import { cliEngine } from './models-promote';
import { datasetFlags, datasetSpecFrom, datasetUsage, interruptSignal, normalisationFrom, numberFlag } from './train-flags';
import { jsonLine, textColumn } from '../text-column';

export const datasetCommand: CliCommand = {
  name: 'dataset',
  summary: "Export a dataset: NumPy shards for the distributed trainer, or the workstation's signed readings for fine-tuning",
  usage: `Usage: ecg dataset export-shards --data DIR --arch NAME --out SHARDS [--shard-size N] [--norm N] [--json]
       ecg dataset from-readings [--task ptbxl-superclass|cpsc-classes] [--data-dir DIR] [--json]

from-readings: the confirmed records whose current reading says something about the task's
classes, de-identified as WFDB under the data folder's exports/readings-dataset-<time>/ with
labels.csv (file,label,patient_id,split,sex,age: the reading's classes, a pseudonym kept stable
by this workstation's key, the split following the patient) and provenance.json; the folder is
allowed for reading, ready for \`ecg finetune --data DIR --labels DIR/labels.csv\` or the app's
fine-tune form. --task ptbxl-superclass (default, the starter's classes): PTB-XL's diagnostic
superclasses; readings without a diagnostic statement are left out. --task cpsc-classes (the
CPSC-class demonstration model's): NORM → SNR, AFIB → AF, 1AVB → IAVB, CLBBB → LBBB, CRBBB → RBBB,
PAC, PVC, STD_ → STD, STE_ → STE; a reading whose coded statements name none of them is a
negative for every class ('-'), one with free text only is left out. Left-out readings are
counted. Needs the trainer role under a site policy. Progress goes to stderr every 200
records; Ctrl-C stops the export and removes its half-written folder.

export-shards:
Writes the train and validation splits as NumPy shards (train/x-00000.npy [n, 12, T] float32,
y-00000.npy [n, classes]) with index.json: the dataset's provenance, classes and the pipeline of
--arch with its training-set statistics fitted. Each record is stored after the stages before the
crop (resampling, padding, filtering) exactly as the engine caches it; the trainer crops,
normalises and augments per sample as the engine does. The locked test split is not exported:
evaluate the imported package on it with \`ecg evaluate\`.

  --arch NAME       ${architectureNames.join(' | ')} (sets the rate, length and filters)
  --out SHARDS      folder to write
  --shard-size N    records per shard (default 1024)
  --norm N          per-lead normalisation instead of the architecture's default
  --augment none|paper   the trainer's per-sample augmentation (default: the architecture's,
                    as \`ecg train\` uses it); recorded in index.json and in the imported package

${datasetUsage}`,
  async run(args, io) {
    if (args[0] === 'from-readings') return fromReadings(args.slice(1), io);
    const { values, positionals } = parseCommandArgs(args, { ...datasetFlags, arch: { type: 'string' }, out: { type: 'string' }, 'shard-size': { type: 'string' }, norm: { type: 'string' }, augment: { type: 'string' }, json: { type: 'boolean' } });
    if (positionals[0] !== 'export-shards' || positionals.length > 1) throw new EinthovenError('E_VALIDATION', 'usage: ecg dataset export-shards … (see ecg dataset --help)');
    if (!values.arch) throw new EinthovenError('E_VALIDATION', '--arch NAME is required');
    if (!values.out) throw new EinthovenError('E_VALIDATION', '--out SHARDS is required');
    const normalisation = normalisationFrom(values.norm);
    if (values.augment !== undefined && values.augment !== 'none' && values.augment !== 'paper') throw new EinthovenError('E_VALIDATION', `--augment must be none or paper, got '${values.augment}'`);
    const shardSize = numberFlag(values['shard-size'], '--shard-size', { integer: true, min: 1, max: 1_000_000 });
    const index = await exportShards({
      spec: datasetSpecFrom(values),
      pipeline: defaultPipeline(values.arch, { ...(normalisation ? { normalisation } : {}), ...(values.augment ? { augment: values.augment === 'paper' } : {}) }),
      architecture: values.arch,
      out: path.resolve(values.out),
      ...(shardSize ? { shardSize } : {}),
      signal: interruptSignal(io),
      onProgress: (done, total) => {
        if (done === total || done % 200 === 0) io.stderr(`exported ${done}/${total} records`);
      },
      // It names the labels CSV's rows by their file, as whoever wrote the CSV spelled it.
      onLeftOut: (text) => io.stderr(textColumn(text)),
    });
    const counts = { train: index.splits.train.ids.length, val: index.splits.val.ids.length, failed: index.failures.length };
    io.stdout(values.json ? jsonLine({ out: path.resolve(values.out), counts, dataset: index.dataset, classes: index.classes }) : `exported ${counts.train} training and ${counts.val} validation records (${counts.failed} unreadable) of ${textColumn(index.dataset.name)} to ${textColumn(path.resolve(values.out))}`);
    return 0;
  },
};

/** `ecg dataset from-readings`: the engine's datasets:from-readings job, as the app's fine-tune form starts it. */
async function fromReadings(args: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs([...args], { 'data-dir': { type: 'string' }, task: { type: 'string' }, json: { type: 'boolean' } });
  if (positionals.length > 0) throw new EinthovenError('E_VALIDATION', `unexpected argument '${positionals[0]}'`);
  const task = taskFrom(values.task);
  const engine = cliEngine(values['data-dir'], io.stderr);
  try {
    const d = await readingsDatasetJob(engine, task, io);
    if (values.json) {
      io.stdout(jsonLine(d));
      return 0;
    }
    const positives = Object.entries(d.classes).map(([c, n]) => `${textColumn(c)} ${n}`);
    const classes = [...positives, ...(d.negativeForEveryClass > 0 ? [`negative for every class ${d.negativeForEveryClass}`] : [])].join(', ');
    io.stdout(`${d.records} record(s) from signed readings in ${textColumn(d.folder)} (${classes}; train ${d.splits.train}, validation ${d.splits.val}, locked test ${d.splits.test})`);
    io.stdout(`left out: ${d.skipped.unlabelled} reading(s) ${readingsTaskWords[d.task].unlabelled}${d.skipped.demonstration > 0 ? `, ${d.skipped.demonstration} of the bundled demonstration records` : ''}; signed with a prediction on screen: ${d.withPredictionOnScreen}`);
    io.stdout(`labels: ${textColumn(d.labels)}`);
    return 0;
  } finally {
    await engine.close();
  }
}

/** --task: ptbxl-superclass (the default) or cpsc-classes. */
function taskFrom(text: string | undefined): ReadingsTask {
  const parsed = ReadingsTaskSchema.safeParse(text ?? 'ptbxl-superclass');
  if (!parsed.success) throw new EinthovenError('E_VALIDATION', `--task must be one of ${ReadingsTaskSchema.options.join(', ')}, got '${text}'`);
  return parsed.data;
}

/**
 * Runs the export job to its end, its progress on stderr as export-shards prints it; Ctrl-C
 * cancels it (the engine removes the half-written folder). Resolves with the dataset; a refusal,
 * failure or cancel is thrown as the engine states it.
 */
async function readingsDatasetJob(engine: Engine, task: ReadingsTask, io: CliIO): Promise<ReadingsDataset> {
  let jobId: string | null = null;
  let resolveFinished: (event: JobFinished) => void = () => undefined;
  const finished = new Promise<JobFinished>((resolve) => (resolveFinished = resolve));
  const early: JobFinished[] = [];
  // Subscribed before the start: the job's end must not slip past before its id is known.
  const off = engine.onEvent((event, payload) => {
    if (event === 'jobs:progress') printProgress(payload as JobProgress, io);
    if (event !== 'jobs:finished') return;
    const end = payload as JobFinished;
    if (jobId === null) early.push(end);
    else if (end.jobId === jobId) resolveFinished(end);
  });
  const interrupt = () => {
    io.stderr('interrupted: stopping the export and removing its folder');
    if (jobId !== null) void engine.handle('jobs:cancel', { jobId });
  };
  process.once('SIGINT', interrupt);
  try {
    const started = await engine.handle('datasets:from-readings', { task });
    if (!started.ok) throw new EinthovenError(started.error.code, started.error.message);
    const id = (started.value as { jobId: string }).jobId;
    jobId = id;
    const already = early.find((e) => e.jobId === id);
    if (already) resolveFinished(already);
    const end = await finished;
    if (end.status === 'failed') throw new EinthovenError(end.error.code, end.error.message);
    if (end.status === 'cancelled') throw new EinthovenError('E_CANCELLED', 'the export was cancelled; its half-written folder was removed');
    if (end.kind !== 'readings-dataset') throw new EinthovenError('E_INTERNAL', `the export ended as a ${end.kind} job`);
    return end.result;
  } finally {
    off();
    process.off('SIGINT', interrupt);
  }
}

/** Every 200 records and the last, as export-shards prints its progress (this process runs no other job of this kind). */
function printProgress({ kind, done, total }: JobProgress, io: CliIO): void {
  if (kind === 'readings-dataset' && done > 0 && (done === total || done % 200 === 0)) io.stderr(`exported ${done}/${total} records`);
}
