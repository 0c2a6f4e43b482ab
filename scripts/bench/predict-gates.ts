/**
 * `npm run bench -- predict-gates [--json] [--records N] [--passes N] [--data DIR] [--backend cpu|wasm] [--settle MS] [--reference REV]`:
 * what a prediction (core/train/predictor.ts predictRecord: `ecg predict`, the app's predictions,
 * `ecg evaluate`) does before the model runs, per record, against the model's own forward pass:
 * the quality gate (QRS detection and per-lead quality on the model's leads) and the scope check
 * (the leads present: pacemaker spikes, which detect the QRS complexes again at 250 Hz and over,
 * and under 250 Hz the QRS width, which detects them and assesses the leads again; since
 * predictionGates, both read one RecordReadings, and these are made once), on the first N
 * records (default 50) of the PTB-XL pool at 100 Hz and at 500 Hz with the bundled starter.
 * Stages, this checkout's engine: decoding (reference), the gate's detection and quality, the
 * scope's checks other than pacing, spike detection and QRS width, within those the detection
 * (and quality) that repeat the gate's on the same leads, and the model (windows and forward
 * pass). Then per engine: the work before the model (gate and scope as predictRecord runs them)
 * and the whole predictRecord. With --reference REV, the engine of git revision REV too (its
 * core/ extracted into .tmp/ and imported beside this checkout's), each record predicted by both in
 * alternating order, with the records whose whole prediction (probabilities, abstention, reasons,
 * notes, quality) differs. Each figure is the mean over records of its median over the passes.
 * --settle ms (default 0) of rest after every forward pass: onnxruntime's threads spun for tens of
 * milliseconds after one, slowing whatever ran next on a machine with few cores, until the
 * forward-pass sessions stopped spinning (a037eb9; docs/benchmarks.md, predict-sequence). A
 * revision from before it given as --reference spins again: --settle 100 keeps its spinning off the
 * stages timed after it. With nothing spinning, a rest only made the stages after it slower (a
 * 100 Hz forward pass 15–18 ms after 100 ms of rest, 8.3 ms without, same hour).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { decodeRecordFiles } from '../../core/data/records';
import { canonicalLeads, type EcgRecord } from '../../core/formats/record';
import { measuredQrsMs } from '../../core/signal/measure';
import { detectPacing } from '../../core/signal/pacing';
import { detectQrs } from '../../core/signal/qrs';
import { assessRecord } from '../../core/signal/record-quality';
import { RecordReadings } from '../../core/signal/record-readings';
import { probabilities } from '../../core/train/calibration';
import type { LoadedPackage } from '../../core/train/package/io';
import * as manifestModule from '../../core/train/package/manifest';
import { aggregateLogits, logitsOf } from '../../core/train/predict';
import * as predictorModule from '../../core/train/predictor';
import * as gateModule from '../../core/train/quality-gate';
import * as scopeModule from '../../core/train/scope';
import type { BenchArea } from './main';
import { engineStageTable, flag, poolHeaders, revisionCore } from './revision';
import { benchStarterAtBothRates } from './starter-at-both-rates';

/** The parts of an engine a prediction is timed through: this checkout's, or a revision's. */
interface PredictEngine {
  readonly label: string;
  /** A revision from before predictionGates, whose gate and scope check each detected the QRS complexes themselves. */
  readonly predictor: Pick<typeof predictorModule, 'predictRecord'> & Partial<Pick<typeof predictorModule, 'predictionGates'>>;
  readonly gate: Pick<typeof gateModule, 'qualityGate'>;
  readonly scope: Pick<typeof scopeModule, 'checkScope'>;
  readonly manifest: Pick<typeof manifestModule, 'intendedInputOf'>;
}

const thisCheckout: PredictEngine = { label: 'this checkout', predictor: predictorModule, gate: gateModule, scope: scopeModule, manifest: manifestModule };

async function revisionEngine(rev: string): Promise<PredictEngine> {
  const core = revisionCore(rev, 'bench-predict-gates');
  return {
    label: core.label,
    predictor: await core.load<typeof predictorModule>('train/predictor.ts'),
    gate: await core.load<typeof gateModule>('train/quality-gate.ts'),
    scope: await core.load<typeof scopeModule>('train/scope.ts'),
    manifest: await core.load<typeof manifestModule>('train/package/manifest.ts'),
  };
}

/** Stages of this checkout's engine, each timed on its own. */
const stages = ['decode', 'gateQrs', 'gateQuality', 'scopeChecks', 'spikes', 'spikesQrs', 'qrsWidth', 'widthQrsQuality', 'model'] as const;
type Stage = (typeof stages)[number];
/** Per engine. */
const engineStages = ['preModel', 'predict'] as const;
type EngineStage = (typeof engineStages)[number];

const stageText: Record<Stage | EngineStage, string> = {
  decode: 'decoding the files (reference)',
  gateQrs: 'gate: QRS detection on the model\'s leads (detectQrs)',
  gateQuality: 'gate: per-lead quality and verdict (assessRecord)',
  scopeChecks: 'scope: checks other than pacing',
  spikes: 'scope: pacemaker spike detection (detectPacing)',
  spikesQrs: '… of which its QRS detection, the gate\'s on the same leads (made again before predictionGates)',
  qrsWidth: 'scope: QRS width where spikes cannot be seen (measuredQrsMs)',
  widthQrsQuality: '… of which its QRS detection and lead quality, the gate\'s on the same leads (made again before predictionGates)',
  model: 'model: windows and forward pass',
  preModel: 'before the model: quality gate and scope check, as predictRecord runs them',
  predict: 'whole predictRecord',
};

const median = (v: readonly number[]) => [...v].sort((a, b) => a - b)[v.length >> 1] as number;
const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
const round = (v: number, digits = 2) => Number(v.toFixed(digits));

function timed<T>(run: () => T): { value: T; ms: number } {
  const t0 = performance.now();
  const value = run();
  return { value, ms: performance.now() - t0 };
}

async function timedAsync<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await run();
  return { value, ms: performance.now() - t0 };
}

/** The model's 12 leads, as predictRecord picks them (null: the record lacks it). */
function modelLeads(record: EcgRecord): (Float32Array | null)[] {
  const byName = new Map(record.leads.map((l) => [l.name.toLowerCase(), l.samples]));
  return canonicalLeads.map((name) => byName.get(name.toLowerCase()) ?? null);
}

/** The model's crop length at its own rate, as predictRecord finds it. */
function minimumSeconds(loaded: LoadedPackage): number {
  const crop = loaded.manifest.preprocessing.stages.find((s) => s.kind === 'crop');
  const rate = loaded.manifest.preprocessing.stages.find((s) => s.kind === 'resample');
  return crop?.kind === 'crop' && rate?.kind === 'resample' ? crop.length / rate.targetHz : 0;
}

/** What the model needs of a record before its forward pass, as the engine's predictRecord finds it (predictionGates; before it, the gate then the scope check). */
function preModel(engine: PredictEngine, loaded: LoadedPackage, record: EcgRecord): unknown {
  if (engine.predictor.predictionGates) return engine.predictor.predictionGates(loaded, record);
  return { quality: engine.gate.qualityGate(record, modelLeads(record), minimumSeconds(loaded)), scope: engine.scope.checkScope(record, engine.manifest.intendedInputOf(loaded.manifest)) };
}

interface Breakdown {
  readonly times: Partial<Record<Stage, number>>;
  /** The scope reads the very leads the gate read (same arrays, names and order): its detection repeats the gate's. */
  readonly sameLeads: boolean;
  /** What this checkout's predictionGates read again instead of making it (RecordReadings). */
  readonly reused: { readonly detections: number; readonly qualities: number };
}

/** This checkout's stages on one record (the model's forward pass included, last, then `settleMs` of rest). */
async function breakdown(loaded: LoadedPackage, record: EcgRecord, settleMs: number): Promise<Breakdown> {
  const times: Partial<Record<Stage, number>> = {};
  const leads = modelLeads(record);
  const gateLeads = canonicalLeads.flatMap((name, i) => (leads[i] ? [{ name, samples: leads[i] }] : []));
  const detection = timed(() => detectQrs(gateLeads.map((l) => l.samples), record.fs));
  times.gateQrs = detection.ms;
  times.gateQuality = timed(() => assessRecord(gateLeads, record.fs, detection.value)).ms;
  const intended = manifestModule.intendedInputOf(loaded.manifest);
  times.scopeChecks = timed(() => scopeModule.scopeFindings(record, { ...intended, pacing: 'allowed' })).ms;
  const scopeLeads = record.leads.filter((l) => scopeModule.hasSignal(l.samples));
  const sameLeads = scopeLeads.length === gateLeads.length && scopeLeads.every((l, k) => l.samples === gateLeads[k]?.samples && l.name === gateLeads[k]?.name);
  const pacing = timed(() => detectPacing(scopeLeads.map((l) => l.samples), record.fs));
  times.spikes = pacing.ms;
  if (record.fs >= 250) times.spikesQrs = timed(() => detectQrs(scopeLeads.map((l) => l.samples), record.fs)).ms;
  if (!pacing.value.assessed && scopeLeads.length > 0) {
    times.qrsWidth = timed(() => measuredQrsMs(scopeLeads, record.fs)).ms;
    times.widthQrsQuality = timed(() => assessRecord(scopeLeads, record.fs, detectQrs(scopeLeads.map((l) => l.samples), record.fs))).ms;
  }
  times.model = (await timedAsync(() => modelStage(loaded, record, leads))).ms;
  await sleep(settleMs);
  const readings = new RecordReadings();
  predictorModule.predictionGates(loaded, record, readings);
  return { times, sameLeads, reused: readings.reused };
}

/** predictRecord's part after the gates: windows, forward pass, calibrated probabilities. */
async function modelStage(loaded: LoadedPackage, record: EcgRecord, leads: readonly (Float32Array | null)[]): Promise<number[]> {
  const n = record.leads[0]?.samples.length ?? 0;
  const { inference, operatingPoint } = loaded.manifest;
  const stride = inference.stride ?? Math.max(1, Math.floor(((loaded.manifest.preprocessing.stages.find((s) => s.kind === 'crop') as { length: number } | undefined)?.length ?? 2) / 2));
  const windows = loaded.pipeline.evalInputs({ fs: record.fs, signal: leads.map((l) => l ?? new Float32Array(n)) }, { mode: inference.mode, stride });
  const logits = await logitsOf(loaded.model, windows.map((w) => w.signal), Math.max(1, windows.length));
  return probabilities([aggregateLogits(logits, inference.aggregate)], operatingPoint.temperature)[0] as number[];
}

interface RateFigures {
  readonly records: number;
  /** Records whose scope check read the very leads the gate read. */
  readonly sameLeads: number;
  /** Records on which this checkout's predictionGates read the gate's detection again, and its lead quality. */
  readonly reused: { readonly detections: number; readonly qualities: number };
  /** This checkout's stages, mean ms per record (over the records that have the stage). */
  readonly stages: Partial<Record<Stage, number>>;
  /** Per engine label: before the model, whole prediction (mean ms per record). */
  readonly engines: Record<string, Partial<Record<EngineStage, number>>>;
  /** The detection (and lead quality) the scope made again before predictionGates, ms per record over all records, and as a share of this checkout's whole prediction and of the work before its model. */
  readonly duplicate: { readonly msPerRecord: number; readonly ofPrediction: number; readonly ofPreModel: number };
  readonly referenceOverThis?: Partial<Record<EngineStage, number>>;
  readonly differingPredictions?: string[];
}

type Samples = Map<string, number[]>;
const push = (into: Samples, key: string, ms: number) => into.set(key, [...(into.get(key) ?? []), ms]);

async function benchRate(dir: string, count: number, passes: number, settleMs: number, engines: readonly PredictEngine[], loaded: LoadedPackage): Promise<RateFigures> {
  const headers = poolHeaders(dir, count);
  const decodeOf = (hea: string) => decodeRecordFiles([hea, hea.replace(/\.hea$/, '.dat')]);
  // Warm-up: the first records through every path once, so the timed passes run compiled code (and the forward pass has its session).
  for (const hea of headers.slice(0, 5)) {
    const record = await decodeOf(hea);
    for (const engine of engines) {
      preModel(engine, loaded, record);
      await engine.predictor.predictRecord(loaded, record);
      await sleep(settleMs);
    }
    await breakdown(loaded, record, settleMs);
  }
  const perRecord = headers.map((): Samples => new Map());
  const outputs = headers.map(() => new Map<string, string>());
  const same = headers.map(() => false);
  const reused = headers.map(() => ({ detections: 0, qualities: 0 }));
  for (let pass = 0; pass < passes; pass++) {
    for (const [k, hea] of headers.entries()) {
      const samples = perRecord[k] as Samples;
      const decoded = await timedAsync(() => decodeOf(hea));
      push(samples, 'decode', decoded.ms);
      const record = decoded.value;
      // Alternating which engine goes first, so neither always runs on a warmer cache.
      const order = (k + pass) % 2 === 0 ? engines : [...engines].reverse();
      for (const engine of order) {
        push(samples, `${engine.label}:preModel`, timed(() => preModel(engine, loaded, record)).ms);
        const predicted = await timedAsync(() => engine.predictor.predictRecord(loaded, record));
        push(samples, `${engine.label}:predict`, predicted.ms);
        outputs[k]!.set(engine.label, JSON.stringify(predicted.value));
        await sleep(settleMs);
      }
      const parts = await breakdown(loaded, record, settleMs);
      for (const [stage, ms] of Object.entries(parts.times)) push(samples, stage, ms);
      same[k] = parts.sameLeads;
      reused[k] = parts.reused;
    }
  }
  const meanOf = (key: string, overAll = false) => {
    const values = perRecord.map((m) => (m.get(key) ? median(m.get(key)!) : overAll ? 0 : undefined)).filter((v): v is number => v !== undefined);
    return values.length > 0 ? round(mean(values)) : undefined;
  };
  const stageFigures = Object.fromEntries(stages.flatMap((s) => (meanOf(s) !== undefined ? [[s, meanOf(s)]] : []))) as Partial<Record<Stage, number>>;
  const engineFigures = Object.fromEntries(engines.map((e) => [e.label, Object.fromEntries(engineStages.map((s) => [s, meanOf(`${e.label}:${s}`)]))])) as Record<string, Partial<Record<EngineStage, number>>>;
  // The repeated work, over every record (none on a record whose scope read other leads).
  const repeated = round(mean(perRecord.map((m, k) => (same[k] ? (m.get('spikesQrs') ? median(m.get('spikesQrs')!) : 0) + (m.get('widthQrsQuality') ? median(m.get('widthQrsQuality')!) : 0) : 0))));
  const ours = engineFigures[thisCheckout.label]!;
  const duplicate = { msPerRecord: repeated, ofPrediction: round(repeated / (ours.predict ?? Number.NaN), 3), ofPreModel: round(repeated / (ours.preModel ?? Number.NaN), 3) };
  const reusedOn = { detections: reused.filter((r) => r.detections > 0).length, qualities: reused.filter((r) => r.qualities > 0).length };
  const figures: RateFigures = { records: headers.length, sameLeads: same.filter(Boolean).length, reused: reusedOn, stages: stageFigures, engines: engineFigures, duplicate };
  const reference = engines[1];
  if (!reference) return figures;
  const theirs = engineFigures[reference.label]!;
  const referenceOverThis = Object.fromEntries(engineStages.map((s) => [s, round(theirs[s]! / ours[s]!, 2)]));
  const differingPredictions = headers.filter((_, k) => outputs[k]!.get(thisCheckout.label) !== outputs[k]!.get(reference.label)).map((h) => path.relative(path.dirname(dir), h));
  return { ...figures, referenceOverThis, differingPredictions };
}

function report(rate: string, f: RateFigures, engines: readonly PredictEngine[], log: (line: string) => void): void {
  log(`#### ${rate}: ${f.records} records (the scope check read the gate's very leads on ${f.sameLeads}; this checkout's predictionGates read the gate's detection again on ${f.reused.detections}, its lead quality on ${f.reused.qualities})`);
  log('');
  log('| stage (this checkout) | ms/record |');
  log('| --- | ---: |');
  for (const stage of stages) log(`| ${stageText[stage]} | ${f.stages[stage] ?? '—'} |`);
  log('');
  engineStageTable(log, { heading: 'per engine', stages: engineStages, stageText }, engines, (label, stage) => f.engines[label]?.[stage], f.referenceOverThis);
  log('');
  log(`Detection (and lead quality) the scope check made again of the gate's leads before predictionGates: ${f.duplicate.msPerRecord} ms per record, ${round(100 * f.duplicate.ofPreModel, 1)} % of the work before the model and ${round(100 * f.duplicate.ofPrediction, 1)} % of this checkout's whole prediction.`);
  if (f.differingPredictions) log(`Predictions that differ from the reference's: ${f.differingPredictions.length === 0 ? 'none' : f.differingPredictions.join(', ')}.`);
  log('');
}

export const area: BenchArea = {
  name: 'predict-gates',
  summary: 'what a prediction does before the model (quality gate, scope check) against its forward pass, stage by stage, on PTB-XL at 100 and 500 Hz',
  bench: ({ args, log }) => benchStarterAtBothRates(args, log, { defaultRecords: 50, backend: flag(args, '--backend') ?? 'cpu', rest: { flag: '--settle', defaultMs: 0, key: 'settleMs', text: 'ms of rest after each forward pass' }, thisCheckout, revisionEngine, benchRate, report }),
};
