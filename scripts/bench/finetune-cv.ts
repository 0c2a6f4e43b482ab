/**
 * `npm run bench -- finetune-cv [--json] [--records N] [--folds K] [--passes N] [--data DIR] [--reference REV] [--mode M] [--epochs N] [--backend B]`:
 * a whole `ecg finetune --cv` (core/train/jobs/finetune-cv-job.ts) of the bundled starter, head
 * mode, one epoch and one feature crop per record (so that what is not training weighs as it does
 * in head mode's quickest folds; `--mode full --epochs N` trains the whole model through the
 * training loop instead, validating every epoch), on the first N rows (default 150) of the PTB-XL pool at 100 Hz
 * and then at 500 Hz, labelled NORM or not in a hospital labels CSV with the database's patients
 * and splits, K folds (default 3), cpu backend, one worker. Timed per job: the whole job, and
 * within it the folds' evaluations after training (from a fold's "held out" message to the
 * cross-validation's scoring of the fold once it has the fold's records: the held-out records
 * decoded and scored by the fine-tuned model and the base, the search of the data folder for
 * copies at another sampling rate of them and of the validation records, and the scoring's
 * decoding of them), and the epochs' validations (from an epoch's last step message to its epoch
 * message: the validation records' inputs and logits, and the figures). With --reference REV the engine of git revision REV runs the same job (its core/ extracted into .tmp/ and imported beside this checkout's), the
 * two engines alternating which goes first over the passes (default 3), and the bench says
 * whether the two jobs' cv.json (every fold's predictions, figures, overlaps and scope notes, less
 * the model ids and folders) differ. Each figure is the median over the passes, in seconds.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { JobContext } from '../../core/train/progress';
import * as ftcvModule from '../../core/train/jobs/finetune-cv-job';
import type { BenchArea } from './main';
import { benchEngines, benchPool, engineStageTable, flag, inTurn, loadWatch, median, poolLabelsCsv, repoRoot, revisionCore, round } from './revision';

/** The cross-validation a job is timed through: this checkout's, or a revision's. */
interface FtcvEngine {
  readonly label: string;
  readonly finetuneCvJob: typeof ftcvModule.finetuneCvJob;
}

const thisCheckout: FtcvEngine = { label: 'this checkout', finetuneCvJob: ftcvModule.finetuneCvJob };

async function revisionEngine(rev: string): Promise<FtcvEngine> {
  const core = revisionCore(rev, 'bench-finetune-cv');
  return { label: core.label, finetuneCvJob: (await core.load<typeof ftcvModule>('train/jobs/finetune-cv-job.ts')).finetuneCvJob };
}

const stages = ['validation', 'closing', 'job'] as const;
type Stage = (typeof stages)[number];
const stageText: Record<Stage, string> = {
  validation: 'the epochs\' validations (from each epoch\'s last step to its figures)',
  closing: 'the folds\' evaluations after training (closing evaluation, search for copies at other rates, the scoring\'s decoding)',
  job: '**the whole finetune --cv**',
};

/** The dataset a job runs on: a hospital labels CSV over the pool. */
interface CsvSpec {
  readonly kind: 'csv';
  readonly root: string;
  readonly labels: string;
}

/**
 * Seconds in the folds' evaluations after training, from their progress: each from a fold's "held
 * out" message to the cross-validation's scoring of the fold once it has its records ("N records,
 * MODE", said after they are decoded, or found decoded; its "decoding" message is said only where
 * it decodes them).
 */
function closingClock(): { context: JobContext; seconds: () => number; validationSeconds: () => number } {
  let since: number | undefined;
  let total = 0;
  let lastStep: number | undefined;
  let validation = 0;
  const context: JobContext = {
    onProgress: (event) => {
      // An epoch's validation: from its last step to its figures (head mode's epochs too: its validation is on cached features).
      if (event.kind === 'step' && event.step === event.steps) lastStep = performance.now();
      if (event.kind === 'epoch' && lastStep !== undefined) {
        validation += performance.now() - lastStep;
        lastStep = undefined;
      }
      if (event.kind !== 'phase') return;
      if (/^cross-validation fold \d+ held out:/.test(event.message)) since = performance.now();
      else if (since !== undefined && /^\d+ records, \w+$/.test(event.message)) {
        total += performance.now() - since;
        since = undefined;
      }
    },
  };
  return { context, seconds: () => total / 1000, validationSeconds: () => validation / 1000 };
}

/** The job's cv.json less what differs between two runs of the same job (its model ids and folders). */
function comparable(workDir: string): string {
  const cv = JSON.parse(readFileSync(path.join(workDir, 'cv.json'), 'utf8')) as { out?: string; folds?: { out?: string; modelId?: string }[] };
  delete cv.out;
  for (const fold of cv.folds ?? []) {
    delete fold.out;
    delete fold.modelId;
  }
  return JSON.stringify(cv);
}

/** What a job trains: the fine-tuning mode, its epochs and the backend. */
interface JobShape {
  readonly mode: 'head' | 'full' | 'scratch';
  readonly epochs: number;
  readonly backend: 'cpu' | 'wasm';
}

async function runJob(engine: FtcvEngine, spec: CsvSpec, k: number, dir: string, shape: JobShape): Promise<{ ms: Record<Stage, number>; output: string }> {
  const workDir = mkdtempSync(path.join(dir, 'cv-'));
  const clock = closingClock();
  const t0 = performance.now();
  await engine.finetuneCvJob({ base: path.join(repoRoot, 'resources', 'models', 'starter'), dataset: spec, mode: shape.mode, folds: k, workDir, train: { epochs: shape.epochs, minExamples: { train: 1, val: 1 } }, featureCrops: 1, backend: shape.backend, workers: 1 }, clock.context);
  const ms = { job: (performance.now() - t0) / 1000, closing: clock.seconds(), validation: clock.validationSeconds() };
  const output = comparable(workDir);
  rmSync(workDir, { recursive: true, force: true });
  return { ms, output };
}

interface RateFigures {
  readonly rows: number;
  readonly seconds: Record<string, Partial<Record<Stage, number>>>;
  /** Every pass's figures, per engine, in the order run: the spread the medians hide. */
  readonly perPass: Record<string, Record<Stage, number[]>>;
  readonly referenceOverThis?: Partial<Record<Stage, number>>;
  readonly outputsDiffer?: boolean;
}

async function benchRate(pool: string, fs: 100 | 500, count: number, k: number, passes: number, engines: readonly FtcvEngine[], dir: string, shape: JobShape): Promise<RateFigures> {
  const spec: CsvSpec = { kind: 'csv', root: pool, labels: (await poolLabelsCsv(pool, fs, dir, count)).labels };
  const times = new Map(engines.map((e) => [e.label, { validation: [] as number[], closing: [] as number[], job: [] as number[] }]));
  const outputs = new Map<string, string>();
  for (let pass = 0; pass < passes; pass++) {
    for (const engine of inTurn(engines, pass)) {
      const run = await runJob(engine, spec, k, dir, shape);
      const into = times.get(engine.label) as Record<Stage, number[]>;
      for (const stage of stages) into[stage].push(run.ms[stage]);
      if (!outputs.has(engine.label)) outputs.set(engine.label, run.output);
    }
  }
  const seconds = Object.fromEntries(engines.map((e) => [e.label, Object.fromEntries(stages.map((s) => [s, round(median((times.get(e.label) as Record<Stage, number[]>)[s]))]))]));
  const reference = engines[1];
  const perPass = Object.fromEntries(engines.map((e) => [e.label, Object.fromEntries(stages.map((s) => [s, (times.get(e.label) as Record<Stage, number[]>)[s].map((v) => round(v))]))])) as Record<string, Record<Stage, number[]>>;
  if (!reference) return { rows: count, seconds, perPass };
  const [ours, theirs] = [seconds[thisCheckout.label] as Record<Stage, number>, seconds[reference.label] as Record<Stage, number>];
  const referenceOverThis = Object.fromEntries(stages.map((s) => [s, round(theirs[s] / ours[s])]));
  return { rows: count, seconds, perPass, referenceOverThis, outputsDiffer: outputs.get(thisCheckout.label) !== outputs.get(reference.label) };
}

/** --mode (head, full or scratch; default head), --epochs (default 1), --backend (cpu or wasm; default cpu). */
function jobShape(args: readonly string[]): JobShape {
  const mode = flag(args, '--mode') ?? 'head';
  const backend = flag(args, '--backend') ?? 'cpu';
  const epochs = Number(flag(args, '--epochs') ?? 1);
  if (mode !== 'head' && mode !== 'full' && mode !== 'scratch') throw new Error(`--mode must be head, full or scratch, got ${mode}`);
  if (backend !== 'cpu' && backend !== 'wasm') throw new Error(`--backend must be cpu or wasm, got ${backend}`);
  if (!Number.isInteger(epochs) || epochs < 1) throw new Error(`--epochs must be a positive integer, got ${String(epochs)}`);
  return { mode, epochs, backend };
}

export const area: BenchArea = {
  name: 'finetune-cv',
  summary: 'a whole finetune --cv (head mode, one epoch, unless --mode and --epochs say otherwise), its epochs\' validations and its folds\' closing evaluations, on PTB-XL at 100 and 500 Hz',
  async bench({ args, log }) {
    const pool = benchPool(args, log);
    if (!pool) return {};
    const count = Number(flag(args, '--records') ?? 150);
    const k = Number(flag(args, '--folds') ?? 3);
    const passes = Number(flag(args, '--passes') ?? 3);
    const shape = jobShape(args);
    const engines = await benchEngines(args, thisCheckout, revisionEngine);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-bench-ftcv-'));
    const load = loadWatch();
    const figures: Record<string, unknown> = { passes, folds: k, base: 'the bundled starter', mode: `${shape.mode}, ${shape.epochs} epoch(s), 1 feature crop, ${shape.backend}, 1 worker`, engines: engines.map((e) => e.label) };
    for (const fs of [100, 500] as const) {
      const f = await benchRate(pool, fs, count, k, passes, engines, dir, shape);
      log(`#### records${fs}: the pool's first ${f.rows} rows, ${k} folds (seconds, median of ${passes})`);
      log('');
      engineStageTable(log, { heading: 'stage', stages, stageText, unit: 's' }, engines.map((e) => ({ label: e.label })), (label, stage) => f.seconds[label]?.[stage], f.referenceOverThis);
      log('');
      log(`Per pass (s): ${engines.map((e) => `${e.label}: validation ${f.perPass[e.label]?.validation.join(', ')}; closing ${f.perPass[e.label]?.closing.join(', ')}; job ${f.perPass[e.label]?.job.join(', ')}`).join('; ')}.`);
      if (f.outputsDiffer !== undefined) log(`cv.json (less model ids and folders) ${f.outputsDiffer ? 'DIFFERS from' : 'is identical to'} the reference's.`);
      log('');
      figures[`records${fs}`] = f;
    }
    rmSync(dir, { recursive: true, force: true });
    figures.load = load.end(log);
    return figures;
  },
};
