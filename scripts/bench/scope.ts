/**
 * `npm run bench -- scope [--json] [--records N] [--passes N] [--data DIR] [--reference REV]`: what
 * judging a record against a model's intended input costs (core/train/scope.ts scopeFindings, which
 * `ecg predict`, `ecg evaluate`, training's validation scoping and the cross-validation check before
 * any fold trains call on every record), per record, on the first N records (default 50) of the
 * PTB-XL pool at 100 Hz and at 500 Hz, split into its stages: decoding the files, the checks other
 * than pacing, spike detection, and the QRS width measured where spikes cannot be seen (under
 * 250 Hz). Reference, side by side in the same run: the decoding of the same files, and with
 * --reference REV the same judgement by the engine of git revision REV (its core/ extracted into
 * .tmp/ and imported beside this checkout's), each record judged by both in alternating order, with
 * a count of the records whose verdicts (reasons and notes) differ. The intended input is the
 * bundled starter's. Each stage's figure is the mean over records of its median over the passes.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { decodeRecordFiles } from '../../core/data/records';
import type { EcgRecord } from '../../core/formats/record';
import * as measureModule from '../../core/signal/measure';
import * as pacingModule from '../../core/signal/pacing';
import * as scopeModule from '../../core/train/scope';
import type { BenchArea } from './main';
import { benchEngines, benchPool, engineStageTable, flag, inTurn, loadWatch, median, poolHeaders, repoRoot, revisionCore, round } from './revision';

/** The parts of an engine the judgement is timed through: this checkout's, or a revision's. */
interface ScopeEngine {
  readonly label: string;
  readonly scope: typeof scopeModule;
  readonly pacing: typeof pacingModule;
  /** A revision from before measuredQrsMs measured the QRS width with a whole analyseEcg. */
  readonly measure: Omit<typeof measureModule, 'measuredQrsMs'> & Partial<Pick<typeof measureModule, 'measuredQrsMs'>>;
}

const stages = ['decode', 'checks', 'spikes', 'qrsWidth', 'whole'] as const;
type Stage = (typeof stages)[number];

const stageText: Record<Stage, string> = {
  decode: 'decoding the files (reference; this checkout\'s decoder for both)',
  checks: 'checks other than pacing (channels, rate, leads, duration, age)',
  spikes: 'pacemaker spike detection (detectPacing)',
  qrsWidth: 'QRS width where spikes cannot be seen (measuredQrsMs; before it, a whole analyseEcg)',
  whole: 'whole judgement (scopeFindings)',
};

/** The scope check of git revision `rev`, imported beside this checkout's (revision.ts). */
async function revisionEngine(rev: string): Promise<ScopeEngine> {
  const core = revisionCore(rev, 'bench-scope');
  return {
    label: core.label,
    scope: await core.load<typeof scopeModule>('train/scope.ts'),
    pacing: await core.load<typeof pacingModule>('signal/pacing.ts'),
    measure: await core.load<typeof measureModule>('signal/measure.ts'),
  };
}

const thisCheckout: ScopeEngine = { label: 'this checkout', scope: scopeModule, pacing: pacingModule, measure: measureModule };

function timed<T>(run: () => T): { value: T; ms: number } {
  const t0 = performance.now();
  const value = run();
  return { value, ms: performance.now() - t0 };
}

/** The QRS width the engine's scope check measures where spikes cannot be seen. */
function qrsWidthOf(engine: ScopeEngine, record: EcgRecord): number | null {
  const { measuredQrsMs, analyseEcg } = engine.measure;
  return measuredQrsMs ? measuredQrsMs(record.leads, record.fs) : analyseEcg(record.leads, record.fs).measurements.qrsMs;
}

type Judged = { readonly times: Partial<Record<Stage, number>>; readonly verdict: string };

/** One record judged by one engine, stage by stage, and its whole verdict in words (for the comparison). */
function judge(engine: ScopeEngine, record: EcgRecord, intended: scopeModule.IntendedInput): Judged {
  const input = { fs: record.fs, leads: record.leads, patient: { ageYears: record.patient.ageYears } };
  const times: Partial<Record<Stage, number>> = {};
  times.checks = timed(() => engine.scope.scopeFindings(input, { ...intended, pacing: 'allowed' })).ms;
  const spikes = timed(() => engine.pacing.detectPacing(record.leads.map((l) => l.samples), record.fs));
  times.spikes = spikes.ms;
  if (!spikes.value.assessed) times.qrsWidth = timed(() => qrsWidthOf(engine, record)).ms;
  const whole = timed(() => engine.scope.scopeFindings(input, intended));
  times.whole = whole.ms;
  return { times, verdict: JSON.stringify(whole.value) };
}

const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);

interface RateFigures {
  readonly records: number;
  /** Per engine label, per stage: mean ms per record (over the records that have the stage). */
  readonly msPerRecord: Record<string, Partial<Record<Stage, number>>>;
  /** Records whose spikes could not be looked for (their QRS width measured). */
  readonly widthMeasured: number;
  readonly wholeOverDecode: Record<string, number>;
  readonly referenceOverThis?: Partial<Record<Stage, number>>;
  readonly differingVerdicts?: string[];
}

async function benchRate(dir: string, count: number, passes: number, engines: readonly ScopeEngine[], intended: scopeModule.IntendedInput): Promise<RateFigures> {
  const headers = poolHeaders(dir, count);
  const decodeOf = (hea: string) => decodeRecordFiles([hea, hea.replace(/\.hea$/, '.dat')]);
  // Warm-up: the first records judged once by each engine, so the timed passes run compiled code.
  for (const hea of headers.slice(0, 5)) {
    const record = await decodeOf(hea);
    for (const engine of engines) judge(engine, record, intended);
  }
  const perRecord = headers.map(() => new Map<string, Partial<Record<Stage, number[]>>>());
  const verdicts = headers.map(() => new Map<string, string>());
  for (let pass = 0; pass < passes; pass++) {
    for (const [k, hea] of headers.entries()) {
      const t0 = performance.now();
      const record = await decodeOf(hea);
      const decodeMs = performance.now() - t0;
      for (const engine of inTurn(engines, k + pass)) {
        const { times, verdict } = judge(engine, record, intended);
        const into = perRecord[k]!.get(engine.label) ?? {};
        for (const [stage, ms] of Object.entries({ ...times, decode: decodeMs }) as [Stage, number][]) (into[stage] ??= []).push(ms);
        perRecord[k]!.set(engine.label, into);
        verdicts[k]!.set(engine.label, verdict);
      }
    }
  }
  const msPerRecord: Record<string, Partial<Record<Stage, number>>> = {};
  for (const engine of engines) {
    const figures: Partial<Record<Stage, number>> = {};
    for (const stage of stages) {
      const values = perRecord.flatMap((m) => (m.get(engine.label)?.[stage] ? [median(m.get(engine.label)![stage]!)] : []));
      if (values.length > 0) figures[stage] = round(mean(values));
    }
    msPerRecord[engine.label] = figures;
  }
  const widthMeasured = perRecord.filter((m) => m.get(thisCheckout.label)?.qrsWidth).length;
  const wholeOverDecode = Object.fromEntries(engines.map((e) => [e.label, round((msPerRecord[e.label]!.whole ?? 0) / (msPerRecord[e.label]!.decode ?? 1), 1)]));
  const figures: RateFigures = { records: headers.length, msPerRecord, widthMeasured, wholeOverDecode };
  const reference = engines[1];
  if (!reference) return figures;
  const ours = msPerRecord[thisCheckout.label]!;
  const theirs = msPerRecord[reference.label]!;
  const referenceOverThis = Object.fromEntries(stages.filter((s) => s !== 'decode' && ours[s] && theirs[s]).map((s) => [s, round(theirs[s]! / ours[s]!, 1)]));
  const differingVerdicts = headers.filter((_, k) => verdicts[k]!.get(thisCheckout.label) !== verdicts[k]!.get(reference.label)).map((h) => path.relative(path.dirname(dir), h));
  return { ...figures, referenceOverThis, differingVerdicts };
}

function report(rate: string, f: RateFigures, engines: readonly ScopeEngine[], log: (line: string) => void): void {
  log(`#### ${rate}: ${f.records} records (QRS width measured on ${f.widthMeasured}, whose spikes could not be looked for)`);
  log('');
  engineStageTable(log, { heading: 'stage', stages, stageText }, engines, (label, stage) => f.msPerRecord[label]?.[stage], f.referenceOverThis);
  log('');
  log(`Whole judgement ÷ decoding: ${engines.map((e) => `${e.label} ${f.wholeOverDecode[e.label]}×`).join(', ')}.`);
  if (f.differingVerdicts) log(`Verdicts (reasons and notes) that differ from the reference's: ${f.differingVerdicts.length === 0 ? 'none' : f.differingVerdicts.join(', ')}.`);
  log('');
}

export const area: BenchArea = {
  name: 'scope',
  summary: 'judging a record against a model\'s intended input (checkScope), stage by stage, on PTB-XL at 100 and 500 Hz',
  async bench({ args, log }) {
    const pool = benchPool(args, log);
    if (!pool) return {};
    const count = Number(flag(args, '--records') ?? 50);
    const passes = Number(flag(args, '--passes') ?? 3);
    const engines = await benchEngines(args, thisCheckout, revisionEngine);
    const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'resources', 'models', 'starter', 'manifest.json'), 'utf8')) as { intendedInput: unknown };
    const intended = scopeModule.intendedInputSchema.parse(manifest.intendedInput);
    const load = loadWatch();
    const figures: Record<string, unknown> = { passes, intendedInput: 'the bundled starter\'s', engines: engines.map((e) => e.label) };
    for (const rate of ['records100', 'records500']) {
      const f = await benchRate(path.join(pool, rate), count, passes, engines, intended);
      report(rate, f, engines, log);
      figures[rate] = f;
    }
    figures.load = load.end(log);
    return figures;
  },
};
