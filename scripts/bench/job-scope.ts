/**
 * `npm run bench -- job-scope [--json] [--records N] [--folds K] [--passes N] [--data DIR] [--reference REV]`:
 * what the scope checks of a training job cost, per record, where the job judges the same records
 * against the same intended input more than once (core/train/judged-records.ts). The checks run
 * as each job runs them, on the first N records (default 40) of the PTB-XL pool at 100 Hz and at
 * 500 Hz (the database's ages), against the bundled starter's intended input and preprocessing:
 * `ecg finetune` (the records as its locked test rows: checked before training, then in its
 * closing evaluation, against the intended input its package states), `ecg train --cv` (K folds,
 * default 5, dealt in turn: the check before any fold trains, then each fold's scoring of its
 * held-out rows) and `ecg finetune --cv` (the check before the folds, then per fold: its
 * validation rows, its held-out rows before training and in its closing evaluation, and the
 * cross-validation's scoring of them). Nothing is trained: the checks are the jobs' own functions
 * (fold-scope.ts, validation-scope.ts, finetune-closing.ts, evaluation-scope.ts), called in the
 * jobs' order with the intended inputs the jobs hold them to. With --reference REV the engine of
 * git revision REV runs the same calls (its core/ extracted into .tmp/ and imported beside this
 * checkout's), each call of a job made by one engine then the other (which goes first
 * alternating; each engine keeps its own verdicts, as its job would), and the bench says whether any call's
 * result (rows kept, counts by reason, notes) differs. Each stage's figure is its median over the
 * passes (default 5), in ms per record.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadPtbxl } from '../../core/data/ptbxl';
import type { Dataset, DatasetItem } from '../../core/data/types';
import type { PipelineConfig } from '../../core/signal/pipeline-config';
import * as evaluationScopeModule from '../../core/train/evaluation-scope';
import * as judgedModule from '../../core/train/judged-records';
import * as closingModule from '../../core/train/jobs/finetune-closing';
import * as foldScopeModule from '../../core/train/jobs/fold-scope';
import * as validationScopeModule from '../../core/train/jobs/validation-scope';
import { defaultIntendedInput, intendedInputSchema, withValidatedDuration, type IntendedInput } from '../../core/train/scope';
import type { BenchArea } from './main';
import { benchEngines, benchPool, engineStageTable, flag, inTurn, loadWatch, median, repoRoot, revisionCore, round } from './revision';

/** The checks a job calls, of this checkout's engine or a revision's. */
interface JobScopeEngine {
  readonly label: string;
  readonly inScopeItems: typeof evaluationScopeModule.inScopeItems;
  readonly heldOutInScope: typeof foldScopeModule.heldOutInScope;
  readonly inScopeValidation: typeof validationScopeModule.inScopeValidation;
  readonly assertTestRowsInScope: typeof closingModule.assertTestRowsInScope;
  /** A job's kept verdicts: this checkout's; a revision from before them has none, and its checks ignore the argument. */
  readonly judged: () => judgedModule.JudgedRecords | undefined;
}

const thisCheckout: JobScopeEngine = {
  label: 'this checkout',
  inScopeItems: evaluationScopeModule.inScopeItems,
  heldOutInScope: foldScopeModule.heldOutInScope,
  inScopeValidation: validationScopeModule.inScopeValidation,
  assertTestRowsInScope: closingModule.assertTestRowsInScope,
  judged: () => new judgedModule.JudgedRecords(),
};

async function revisionEngine(rev: string): Promise<JobScopeEngine> {
  const core = revisionCore(rev, 'bench-job-scope');
  const judged = await core.load<Partial<typeof judgedModule>>('train/judged-records.ts').catch(() => ({}) as Partial<typeof judgedModule>);
  const Judged = judged.JudgedRecords;
  return {
    label: core.label,
    inScopeItems: (await core.load<typeof evaluationScopeModule>('train/evaluation-scope.ts')).inScopeItems,
    heldOutInScope: (await core.load<typeof foldScopeModule>('train/jobs/fold-scope.ts')).heldOutInScope,
    inScopeValidation: (await core.load<typeof validationScopeModule>('train/jobs/validation-scope.ts')).inScopeValidation,
    assertTestRowsInScope: (await core.load<typeof closingModule>('train/jobs/finetune-closing.ts')).assertTestRowsInScope,
    judged: () => (Judged ? new Judged() : undefined),
  };
}

const stages = ['ftBefore', 'ftClosing', 'ft', 'cvBefore', 'cvScoring', 'cv', 'ftcvBefore', 'ftcvValidation', 'ftcvTestBefore', 'ftcvClosing', 'ftcvScoring', 'ftcv'] as const;
type Stage = (typeof stages)[number];

const stageText: Record<Stage, string> = {
  ftBefore: 'finetune: test rows, before training',
  ftClosing: 'finetune: test rows, closing evaluation',
  ft: '**finetune: all its checks**',
  cvBefore: 'train --cv: every row, before any fold trains',
  cvScoring: 'train --cv: held-out rows, each fold\'s scoring',
  cv: '**train --cv: all its checks**',
  ftcvBefore: 'finetune --cv: every row, before the folds',
  ftcvValidation: 'finetune --cv: validation rows, each fold',
  ftcvTestBefore: 'finetune --cv: held-out rows, each fold before training',
  ftcvClosing: 'finetune --cv: held-out rows, each fold\'s closing evaluation',
  ftcvScoring: 'finetune --cv: held-out rows, the cross-validation\'s scoring',
  ftcv: '**finetune --cv: all its checks**',
};

/** What the jobs check: the records, their folds, the base's intended input and preprocessing. */
interface Setup {
  readonly dataset: Dataset;
  readonly rows: readonly DatasetItem[];
  readonly folds: Map<string, number>;
  readonly k: number;
  readonly intended: IntendedInput;
  readonly pipeline: PipelineConfig;
}

/** A job's checks in its order, each with its stage; `total` the stage of them all. */
interface JobCalls {
  readonly total: Stage;
  readonly calls: readonly (readonly [Stage, () => Promise<unknown>])[];
}

/** A job's stages timed (ms) and what each call gave, in words, for the comparison. */
interface JobRun {
  readonly ms: Partial<Record<Stage, number>>;
  readonly results: string[];
}

/**
 * Runs a job's calls by every engine, call after call, each call by one engine then the other
 * (which goes first alternating), so that a change in the machine's load falls on both alike;
 * each engine keeps its own verdicts, as its own job would.
 */
async function interleaved(engines: readonly JobScopeEngine[], job: (engine: JobScopeEngine) => JobCalls, turn: number): Promise<Map<string, JobRun>> {
  const runs = engines.map((engine) => ({ engine, job: job(engine), ms: {} as Partial<Record<Stage, number>>, results: [] as string[] }));
  const count = runs[0]?.job.calls.length ?? 0;
  for (let n = 0; n < count; n++) {
    for (const run of inTurn(runs, n + turn)) {
      const [stage, call] = run.job.calls[n] as JobCalls['calls'][number];
      const t0 = performance.now();
      const value = await call();
      run.ms[stage] = (run.ms[stage] ?? 0) + performance.now() - t0;
      run.results.push(JSON.stringify(value instanceof Map ? [...value] : (value ?? null)));
    }
  }
  for (const run of runs) run.ms[run.job.total] = Object.values(run.ms).reduce((a, b) => a + b, 0);
  return new Map(runs.map((run) => [run.engine.label, { ms: run.ms, results: run.results }]));
}

/** A fold's rows as its own view of the dataset lists them (a new row object each time, as each job indexes the dataset again). */
const foldRows = (s: Setup, fold: number, split: DatasetItem['split']) => s.rows.filter((i) => s.folds.get(i.id) === fold).map((i) => ({ ...i, split }));

/** `ecg finetune`: the rows as its locked test rows, held to the intended input its package states (its validation records 10 s). */
function finetune(engine: JobScopeEngine, s: Setup): JobCalls {
  const judged = engine.judged();
  const stated = withValidatedDuration(s.intended, s.pipeline, [10]);
  const test = s.rows.map((i) => ({ ...i, split: 'test' as const }));
  return {
    total: 'ft',
    calls: [
      ['ftBefore', () => engine.assertTestRowsInScope({ ...s.dataset, items: test }, { name: 'tuned', intendedInput: stated }, undefined, judged)],
      ['ftClosing', () => engine.inScopeItems('tuned', [stated], test, undefined, judged)],
    ],
  };
}

/** The intended input each fold's package states, as the check before the folds predicts it (this checkout's, given to both engines). */
async function statedByFold(s: Setup, intended: IntendedInput): Promise<Map<number, IntendedInput>> {
  const scopes = await foldScopeModule.foldScopes({ k: s.k, folds: s.folds }, s.rows, intended, s.pipeline);
  return new Map([...scopes].map(([fold, scope]) => [fold, JSON.parse(JSON.stringify(scope.stated)) as IntendedInput]));
}

/** `ecg train --cv`: the check before any fold trains, then each fold's scoring of its held-out rows. */
function trainCv(engine: JobScopeEngine, s: Setup, stated: Map<number, IntendedInput>): JobCalls {
  const judged = engine.judged();
  const intended = defaultIntendedInput(s.pipeline);
  const calls: [Stage, () => Promise<unknown>][] = [['cvBefore', () => engine.heldOutInScope({ k: s.k, folds: s.folds }, s.rows, intended, s.pipeline, undefined, judged)]];
  for (let fold = 1; fold <= s.k; fold++) calls.push(['cvScoring', () => engine.inScopeItems(`cv-fold-${fold}`, [stated.get(fold) as IntendedInput], foldRows(s, fold, 'test'), undefined, judged)]);
  return { total: 'cv', calls };
}

/** `ecg finetune --cv`: the check before the folds, then each fold's validation, held-out check, closing evaluation and scoring. */
function finetuneCv(engine: JobScopeEngine, s: Setup, stated: Map<number, IntendedInput>): JobCalls {
  const judged = engine.judged();
  const calls: [Stage, () => Promise<unknown>][] = [['ftcvBefore', () => engine.heldOutInScope({ k: s.k, folds: s.folds }, s.rows, s.intended, s.pipeline, undefined, judged)]];
  for (let fold = 1; fold <= s.k; fold++) {
    const name = `finetune-cv-fold-${fold}`;
    const tuned = { name, intendedInput: stated.get(fold) as IntendedInput };
    const held = () => foldRows(s, fold, 'test');
    calls.push(
      ['ftcvValidation', () => engine.inScopeValidation(s.dataset.name, s.intended, s.pipeline, foldRows(s, (fold % s.k) + 1, 'val'), undefined, judged)],
      ['ftcvTestBefore', () => engine.assertTestRowsInScope({ ...s.dataset, items: held() }, tuned, undefined, judged)],
      ['ftcvClosing', () => engine.inScopeItems(name, [tuned.intendedInput], held(), undefined, judged)],
      // As the cross-validation reads it from the fold's package (intendedInputOf its manifest).
      ['ftcvScoring', () => engine.inScopeItems(name, [JSON.parse(JSON.stringify(tuned.intendedInput)) as IntendedInput], held(), undefined, judged)],
    );
  }
  return { total: 'ftcv', calls };
}

interface RateFigures {
  readonly records: number;
  readonly msPerRecord: Record<string, Partial<Record<Stage, number>>>;
  readonly referenceOverThis?: Partial<Record<Stage, number>>;
  /** Calls whose result differs between the engines, by job. */
  readonly differingResults?: Record<string, number>;
}

async function benchRate(pool: string, fs: 100 | 500, count: number, k: number, passes: number, engines: readonly JobScopeEngine[]): Promise<RateFigures> {
  const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'resources', 'models', 'starter', 'manifest.json'), 'utf8')) as { intendedInput: unknown; preprocessing: PipelineConfig };
  const dataset = await loadPtbxl(pool, { fs });
  const rows = dataset.items.slice(0, count);
  const setup: Setup = { dataset, rows, folds: new Map(rows.map((r, n) => [r.id, (n % k) + 1])), k, intended: intendedInputSchema.parse(manifest.intendedInput), pipeline: manifest.preprocessing };
  const stated = await statedByFold(setup, setup.intended);
  const trainStated = await statedByFold(setup, defaultIntendedInput(setup.pipeline));
  const jobs = [(e: JobScopeEngine, s: Setup) => finetune(e, s), (e: JobScopeEngine, s: Setup) => trainCv(e, s, trainStated), (e: JobScopeEngine, s: Setup) => finetuneCv(e, s, stated)];
  // Warm-up: every job once by each engine on the first two rows of each fold, so the timed passes run compiled code.
  const warm = { ...setup, rows: rows.slice(0, 2 * k) };
  for (const job of jobs) await interleaved(engines, (e) => job(e, warm), 0);
  const times = new Map(engines.map((e) => [e.label, {} as Partial<Record<Stage, number[]>>]));
  const results = new Map<string, string[][]>();
  for (let pass = 0; pass < passes; pass++) {
    for (const [j, job] of jobs.entries()) {
      const runs = await interleaved(engines, (e) => job(e, setup), j + pass);
      for (const [label, run] of runs) {
        const into = times.get(label) as Partial<Record<Stage, number[]>>;
        for (const [stage, ms] of Object.entries(run.ms) as [Stage, number][]) (into[stage] ??= []).push(ms);
        if (pass === 0) results.set(label, [...(results.get(label) ?? []), run.results]);
      }
    }
  }
  const msPerRecord = Object.fromEntries(engines.map((e) => [e.label, Object.fromEntries(Object.entries(times.get(e.label) ?? {}).map(([stage, ms]) => [stage, round(median(ms) / rows.length)]))]));
  const reference = engines[1];
  if (!reference) return { records: rows.length, msPerRecord };
  const ours = msPerRecord[thisCheckout.label] as Partial<Record<Stage, number>>;
  const theirs = msPerRecord[reference.label] as Partial<Record<Stage, number>>;
  const referenceOverThis = Object.fromEntries(stages.filter((s) => ours[s] && theirs[s]).map((s) => [s, round(theirs[s]! / ours[s]!, 1)]));
  const [a, b] = [results.get(thisCheckout.label) ?? [], results.get(reference.label) ?? []];
  const differingResults = Object.fromEntries(['finetune', 'train --cv', 'finetune --cv'].map((job, j) => [job, (a[j] ?? []).filter((r, n) => r !== b[j]?.[n]).length]));
  return { records: rows.length, msPerRecord, referenceOverThis, differingResults };
}

export const area: BenchArea = {
  name: 'job-scope',
  summary: 'the scope checks of finetune, train --cv and finetune --cv as the jobs call them, on PTB-XL at 100 and 500 Hz',
  async bench({ args, log }) {
    const pool = benchPool(args, log);
    if (!pool) return {};
    const count = Number(flag(args, '--records') ?? 40);
    const k = Number(flag(args, '--folds') ?? 5);
    const passes = Number(flag(args, '--passes') ?? 5);
    const engines = await benchEngines(args, thisCheckout, revisionEngine);
    const load = loadWatch();
    const figures: Record<string, unknown> = { passes, folds: k, intendedInput: 'the bundled starter\'s', engines: engines.map((e) => e.label) };
    for (const fs of [100, 500] as const) {
      const f = await benchRate(pool, fs, count, k, passes, engines);
      log(`#### records${fs}: ${f.records} records, ${k} folds`);
      log('');
      engineStageTable(log, { heading: 'stage', stages, stageText }, engines, (label, stage) => f.msPerRecord[label]?.[stage], f.referenceOverThis);
      log('');
      if (f.differingResults) log(`Calls whose result (rows kept, counts by reason, notes) differs from the reference's: ${Object.entries(f.differingResults).map(([job, n]) => `${job} ${n}`).join(', ')}.`);
      log('');
      figures[`records${fs}`] = f;
    }
    figures.load = load.end(log);
    return figures;
  },
};
