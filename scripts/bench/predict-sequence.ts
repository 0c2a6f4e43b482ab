/**
 * `npm run bench -- predict-sequence [--json] [--records N] [--passes N] [--data DIR] [--rest MS] [--reference REV]`:
 * predictions one record after another, as `ecg predict` over a folder and `ecg evaluate` make
 * them, with no rest between records: on the first N records (default 30) of the PTB-XL pool at
 * 100 Hz and at 500 Hz with the bundled starter, the forward pass on onnxruntime where it loads.
 * Per engine (this checkout's, and with --reference REV git revision REV's, its core/ extracted
 * into .tmp/ and imported beside this checkout's, so it builds its own onnxruntime sessions with
 * its own options), three runs over the records:
 * - sequence: decoding the files and the whole predictRecord, record after record;
 * - parts: the same work split up, record after record: the quality gate and scope check
 *   (predictionGates), then the model (windows, forward pass, probabilities);
 * - forward alone: the forward pass of each record's windows after --rest ms (default 100) of
 *   rest, so that nothing runs beside it and nothing it leaves running slows what follows.
 * An engine runs each pass's three runs in a block (the other engine's threads cannot spin beside
 * it), after --rest ms; which engine goes first alternates between passes (default 3). Each figure
 * is the mean over the records of the record's median over the passes. The predictions of the two
 * engines are compared record by record (probabilities, decisions, abstention, reasons, quality).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { decodeRecordFiles } from '../../core/data/records';
import type { EcgRecord } from '../../core/formats/record';
import { probabilities } from '../../core/train/calibration';
import type { LoadedPackage } from '../../core/train/package/io';
import * as predictModule from '../../core/train/predict';
import * as predictorModule from '../../core/train/predictor';
import type { BenchArea } from './main';
import { engineStageTable, poolHeaders, revisionCore } from './revision';
import { benchStarterAtBothRates } from './starter-at-both-rates';

/** What a prediction is timed through: this checkout's engine, or a revision's. */
interface SequenceEngine {
  readonly label: string;
  readonly predictor: Pick<typeof predictorModule, 'predictRecord' | 'predictionGates'>;
  readonly predict: Pick<typeof predictModule, 'logitsOf' | 'aggregateLogits'>;
}

const thisCheckout: SequenceEngine = { label: 'this checkout', predictor: predictorModule, predict: predictModule };

async function revisionEngine(rev: string): Promise<SequenceEngine> {
  const core = revisionCore(rev, 'bench-predict-sequence');
  return {
    label: core.label,
    predictor: await core.load<typeof predictorModule>('train/predictor.ts'),
    predict: await core.load<typeof predictModule>('train/predict.ts'),
  };
}

const stages = ['sequence', 'gates', 'model', 'parts', 'forwardRested'] as const;
type Stage = (typeof stages)[number];

const stageText: Record<Stage, string> = {
  sequence: 'sequence: decoding and the whole predictRecord, record after record',
  gates: 'parts: quality gate and scope check (predictionGates), right after the previous record\'s model',
  model: 'parts: model (windows, forward pass, probabilities), right after the gates',
  parts: 'parts: both',
  forwardRested: 'forward pass alone, after a rest',
};

const median = (v: readonly number[]) => [...v].sort((a, b) => a - b)[v.length >> 1] as number;
const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
const round = (v: number, digits = 2) => Number(v.toFixed(digits));

async function timed<T>(run: () => T | Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await run();
  return { value, ms: performance.now() - t0 };
}

/** The model's windows of a record, as predictRecord makes them (gated records have none). */
function windowsOf(loaded: LoadedPackage, record: EcgRecord, leads: readonly (Float32Array | null)[]): (readonly Float32Array[])[] {
  const n = record.leads[0]?.samples.length ?? 0;
  const { inference } = loaded.manifest;
  const crop = loaded.manifest.preprocessing.stages.find((s) => s.kind === 'crop');
  const stride = inference.stride ?? Math.max(1, Math.floor((crop?.kind === 'crop' ? crop.length : 2) / 2));
  const signal = { fs: record.fs, signal: leads.map((l) => l ?? new Float32Array(n)) };
  return loaded.pipeline.evalInputs(signal, { mode: inference.mode, stride }).map((w) => w.signal);
}

/** predictRecord's work split in two, as it runs it: the gates, then (where they let it) the model. */
async function parts(engine: SequenceEngine, loaded: LoadedPackage, record: EcgRecord): Promise<{ gates: number; model: number }> {
  const gates = await timed(() => engine.predictor.predictionGates(loaded, record));
  const { quality, scope, leads } = gates.value;
  if (scope.reasons.length > 0 || quality.abstain) return { gates: gates.ms, model: 0 };
  const model = await timed(async () => {
    const windows = windowsOf(loaded, record, leads);
    const logits = await engine.predict.logitsOf(loaded.model, windows, Math.max(1, windows.length));
    return probabilities([engine.predict.aggregateLogits(logits, loaded.manifest.inference.aggregate)], loaded.manifest.operatingPoint.temperature);
  });
  return { gates: gates.ms, model: model.ms };
}

type Samples = Map<string, number[]>;
const push = (into: Samples, key: string, ms: number) => into.set(key, [...(into.get(key) ?? []), ms]);

interface RateFigures {
  readonly records: number;
  /** Records the gates let through to the model. */
  readonly modelled: number;
  /** Per engine label, mean ms per record (the model and the forward pass over the records that reach it). */
  readonly engines: Record<string, Partial<Record<Stage, number>>>;
  readonly referenceOverThis?: Partial<Record<Stage, number>>;
  readonly differingPredictions?: string[];
}

/** One engine's three runs over the records, timings added to `perRecord`; its predictions returned. */
async function engineBlock(engine: SequenceEngine, loaded: LoadedPackage, headers: readonly string[], restMs: number, perRecord: readonly Samples[]): Promise<string[]> {
  const decodeOf = (hea: string) => decodeRecordFiles([hea, hea.replace(/\.hea$/, '.dat')]);
  const key = (stage: Stage) => `${engine.label}:${stage}`;
  const outputs: string[] = [];
  await sleep(restMs);
  for (const [k, hea] of headers.entries()) {
    const predicted = await timed(async () => engine.predictor.predictRecord(loaded, await decodeOf(hea)));
    push(perRecord[k]!, key('sequence'), predicted.ms);
    outputs.push(JSON.stringify(predicted.value));
  }
  const records = await Promise.all(headers.map(decodeOf));
  await sleep(restMs);
  const windows: ((readonly Float32Array[])[] | null)[] = [];
  for (const [k, record] of records.entries()) {
    const { gates, model } = await parts(engine, loaded, record);
    push(perRecord[k]!, key('gates'), gates);
    push(perRecord[k]!, key('parts'), gates + model);
    if (model > 0) push(perRecord[k]!, key('model'), model);
    const { quality, scope, leads } = engine.predictor.predictionGates(loaded, record);
    windows.push(scope.reasons.length > 0 || quality.abstain ? null : windowsOf(loaded, record, leads));
  }
  for (const [k, w] of windows.entries()) {
    if (!w) continue;
    await sleep(restMs);
    push(perRecord[k]!, key('forwardRested'), (await timed(() => engine.predict.logitsOf(loaded.model, w, w.length))).ms);
  }
  return outputs;
}

async function benchRate(dir: string, count: number, passes: number, restMs: number, engines: readonly SequenceEngine[], loaded: LoadedPackage): Promise<RateFigures> {
  const headers = poolHeaders(dir, count);
  const perRecord = headers.map((): Samples => new Map());
  const outputs = new Map<string, string[]>();
  // Warm-up: every path once on the first records (compiled code, each engine's session built).
  for (const engine of engines) await engineBlock(engine, loaded, headers.slice(0, 3), restMs, headers.slice(0, 3).map(() => new Map()));
  for (let pass = 0; pass < passes; pass++) {
    const order = pass % 2 === 0 ? engines : [...engines].reverse();
    for (const engine of order) outputs.set(engine.label, await engineBlock(engine, loaded, headers, restMs, perRecord));
  }
  const meanOf = (key: string) => {
    const values = perRecord.flatMap((m) => (m.get(key) ? [median(m.get(key)!)] : []));
    return values.length > 0 ? round(mean(values)) : undefined;
  };
  const figures = Object.fromEntries(engines.map((e) => [e.label, Object.fromEntries(stages.map((s) => [s, meanOf(`${e.label}:${s}`)]))])) as Record<string, Partial<Record<Stage, number>>>;
  const modelled = perRecord.filter((m) => m.has(`${thisCheckout.label}:model`)).length;
  const base: RateFigures = { records: headers.length, modelled, engines: figures };
  const reference = engines[1];
  if (!reference) return base;
  const ours = figures[thisCheckout.label]!;
  const theirs = figures[reference.label]!;
  const referenceOverThis = Object.fromEntries(stages.map((s) => [s, round(theirs[s]! / ours[s]!, 2)]));
  const mine = outputs.get(thisCheckout.label)!;
  const other = outputs.get(reference.label)!;
  const differingPredictions = headers.filter((_, k) => mine[k] !== other[k]).map((h) => path.relative(path.dirname(dir), h));
  return { ...base, referenceOverThis, differingPredictions };
}

function report(rate: string, f: RateFigures, engines: readonly SequenceEngine[], log: (line: string) => void): void {
  log(`#### ${rate}: ${f.records} records (${f.modelled} reach the model)`);
  log('');
  engineStageTable(log, { heading: 'ms per record', stages, stageText }, engines, (label, stage) => f.engines[label]?.[stage], f.referenceOverThis);
  log('');
  if (f.differingPredictions) log(`Predictions that differ from the reference's: ${f.differingPredictions.length === 0 ? 'none' : f.differingPredictions.join(', ')}.`);
  log('');
}

export const area: BenchArea = {
  name: 'predict-sequence',
  summary: 'predictions record after record with no rest (ecg predict over a folder), whole and in parts, and the forward pass alone, on PTB-XL at 100 and 500 Hz',
  bench: ({ args, log }) => benchStarterAtBothRates(args, log, { defaultRecords: 30, backend: 'cpu', rest: { flag: '--rest', defaultMs: 100, key: 'restMs', text: 'ms of rest before each engine\'s runs and before each rested forward pass' }, thisCheckout, revisionEngine, benchRate, report }),
};
