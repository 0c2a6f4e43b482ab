import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dDimerFloorNgMlFeu } from '../../clinic/pe-scores/items';
import type { CliCommand } from '../../cli/command';
import { evaluateCommand, printPeComparison } from '../../cli/commands/evaluate';
import { finetuneCommand } from '../../cli/commands/finetune';
import { modelCommand } from '../../cli/commands/model';
import { peFuseCommand } from '../../cli/commands/pe-fuse';
import { predictCommand } from '../../cli/commands/predict';
import { itemsNeededText } from '../../cli/commands/predict-fusion';
import type { JobFinished } from '../../contract/channels';
import type { ModelDetail, StoredPrediction } from '../../contract/clinic-schemas';
import type { PeProbabilities } from '../../contract/pe-schemas';
import type { ModelSummary, TrainFinished } from '../../contract/training-schemas';
import { readTable } from '../../data/csv';
import { Engine } from '../../engine/engine';
import { modelDetail } from '../../engine/model-detail';
import { modelCardLines } from '../../cli/commands/model-inspect';
import { parseScpCodes } from '../../data/scp-codes';
import { peItemColumns } from '../../data/pe-columns';
import { fixturePath } from '../../test/shared-data';
import { finetuneJob } from '../jobs/finetune-job';
import { loadPackage } from '../package/archive';
import { comparePe, wilson } from './comparison';
import { delongPaired } from '../../ml/metrics/paired';
import type { EvaluationReport } from '../jobs/evaluate-job';
import { temperatureRange } from '../calibration';
import { calibrate, fuseJob } from './fuse-job';
import { operatingPointJob } from '../jobs/operating-point-job';
import { applyFusion, fusedOperatingPoint, fusedProbabilities } from './fusion';
import { fitLogistic, logisticLogit } from './logistic';
import { peEcgFindings, syntheticPeCsv } from './synthetic';

interface Golden {
  x: number[][];
  y: number[];
  l2: number;
  weights: number[];
  intercept: number;
  mean: number[];
  std: number[];
  wilson: { k: number; n: number; interval: [number, number] }[];
}
const golden = JSON.parse(readFileSync(fixturePath('pe', 'logistic.json'), 'utf8')) as Golden;

describe('PE fusion numerics against scipy', () => {
  it('fits the penalised logistic regression scipy finds (standardised features, intercept free)', () => {
    const model = fitLogistic(golden.x, golden.y, golden.l2);
    model.weights.forEach((w, j) => expect(w).toBeCloseTo(golden.weights[j] as number, 5));
    expect(model.intercept).toBeCloseTo(golden.intercept, 5);
    model.std.forEach((s, j) => expect(s).toBeCloseTo(golden.std[j] as number, 10));
    expect(() => fitLogistic([[1], [2]], [1, 1])).toThrow(/both outcomes/);
  });

  it('draws synthetic D-dimers the labels CSV accepts: none under the floor, even in a PTB-XL-sized set (seed 23 drew a 12)', () => {
    const sources = Array.from({ length: 21_799 }, (_, i) => ({ file: `r${i}.hea`, patientId: `p${i}`, ecgRisk: i % 3 === 0 }));
    const dDimers = syntheticPeCsv(sources, 23).trim().split('\n').slice(1).map((row) => Number(row.split(',')[6]));
    expect(Math.min(...dDimers)).toBe(dDimerFloorNgMlFeu);
  });

  it('fits a fusion whose validation rows separate the classes perfectly with no temperature, saying why, and one that ranks them with a fitted one', () => {
    // Every positive's logit above 0 and every negative's below: a fitted temperature would run to
    // its bound (0.05) and make every fused probability 0 or 1 (a 7-row PE split gave 0.0 %).
    const x = [[0], [1], [2], [3], [4], [5]];
    const y = [0, 0, 0, 1, 1, 1];
    const model = fitLogistic(x, y);
    const separated = calibrate(model, x, y, 'f1', 20);
    expect(separated).toMatchObject({ temperature: 1, calibrationNote: expect.stringMatching(/^not calibrated: the 6 validation rows separate the classes perfectly/), validation: { n: 6, auc: 1 } });
    // Ranked the same (AUC 1), but a negative at 3 lies on the positives' side: the likelihood has a finite best.
    const ranked = calibrate(model, [[0], [1], [3], [4], [5]], [0, 0, 0, 1, 1], 'f1', 20);
    expect(ranked.validation).toMatchObject({ n: 5, auc: 1 });
    expect(ranked.calibrationNote).toBeUndefined();
    expect(ranked.temperature).toBeGreaterThan(temperatureRange.low * 1.001);
    expect(ranked.temperature).not.toBe(1);
  });

  it('gives Wilson score intervals', () => {
    for (const { k, n, interval } of golden.wilson) {
      const r = wilson(k, n);
      expect(r.low).toBeCloseTo(interval[0], 12);
      expect(r.high).toBeCloseTo(interval[1], 12);
    }
  });

  it('compares the model with each score on the records that have it, naming absent scores', () => {
    const records = [0, 1, 0, 1, 0, 1, 0, 0].map((label, i) => ({
      label: label as 0 | 1,
      probability: [0.1, 0.8, 0.3, 0.6, 0.2, 0.4, 0.7, 0.05][i] as number,
      scores: { items: {}, values: i < 6 ? { wells: { value: [1, 6, 2, 4.5, 0, 3][i] as number, provenance: i < 3 ? ('items' as const) : ('total' as const) } } : {}, ...(i < 5 ? { source: i < 2 ? 'synthetic' : 'ward form' } : {}) },
    }));
    const c = comparePe(records, { split: 'test', modelName: 'ecg', threshold: 0.5 });
    const [model, wellsCurve] = c.curves;
    expect(c).toMatchObject({ n: 8, positives: 3, absent: ['revisedGeneva', 'simplifiedGeneva', 'years', 'peged', 'ageAdjustedDdimer'] });
    expect(model).toMatchObject({ id: 'model', n: 8, auc: 13 / 15 });
    expect(wellsCurve).toMatchObject({ id: 'wells', n: 6, positives: 3, auc: 1, provenance: { items: 3, total: 3 } });
    expect(wellsCurve?.operatingPoints.map((o) => [o.label, o.sensitivity.value, o.specificity.value])).toEqual([
      ['Wells > 4 (PE likely)', 2 / 3, 1],
      ['Wells ≥ 2 (moderate or high)', 1, 2 / 3],
    ]);
    expect(wellsCurve?.vsModel?.n).toBe(6);
    // Where the site says the items came from, most records first: a synthetic source is never silent.
    expect(c.scoreSources).toEqual([{ source: 'ward form', records: 3 }, { source: 'synthetic', records: 2 }]);
  });

  it("counts an operating point's Wilson interval in patients where every record names one, showing k/n in records", () => {
    // Six patients with three ECGs each: two with PE (all flagged), four without (none flagged).
    const records = Array.from({ length: 18 }, (_, i) => {
      const patient = Math.floor(i / 3);
      const label = (patient < 2 ? 1 : 0) as 0 | 1;
      return { label, probability: label === 1 ? 0.9 : 0.1, patient: `p${patient}` };
    });
    const [op] = comparePe(records, { split: 'test', modelName: 'ecg', threshold: 0.5 }).curves[0]?.operatingPoints ?? [];
    // 12 of 12 negative records specific, from 4 patients: Wilson's 4 of 4, not 12 of 12.
    expect(op?.specificity).toEqual({ value: 1, k: 12, n: 12, low: wilson(4, 4).low, high: 1 });
    expect(op?.sensitivity).toEqual({ value: 1, k: 6, n: 6, low: wilson(2, 2).low, high: 1 });
    expect(op?.npv).toMatchObject({ k: 12, n: 12, low: wilson(4, 4).low });
    // One record without its patient: the records' counts stand.
    const unnamed = records.map((r, i) => (i === 0 ? { label: r.label, probability: r.probability } : r));
    const [fallback] = comparePe(unnamed, { split: 'test', modelName: 'ecg', threshold: 0.5 }).curves[0]?.operatingPoints ?? [];
    expect(fallback?.specificity).toEqual(wilson(12, 12));
  });

  it('tests each score against the model over patients where every record names one, and says which test it used', () => {
    // Eight patients with three ECGs each: a patient's ECGs share its outcome, its Wells score
    // and most of the model's output, so they are not three independent records.
    const records = Array.from({ length: 24 }, (_, i) => {
      const patient = Math.floor(i / 3);
      const label = ([1, 0, 1, 0, 0, 1, 0, 0][patient] as number) as 0 | 1;
      return { label, probability: ([0.7, 0.3, 0.4, 0.5, 0.2, 0.8, 0.6, 0.1][patient] as number) + (i % 3) * 0.01, scores: { items: {}, values: { wells: { value: [5, 1, 3, 4, 0, 6, 2, 1][patient] as number, provenance: 'total' as const } } }, patient: `p${patient}` };
    });
    const lines = (c: ReturnType<typeof comparePe>) => {
      const out: string[] = [];
      printPeComparison(c, (line) => out.push(line));
      return out.find((l) => l.includes('Wells (score')) ?? '';
    };
    const y = records.map((r) => r.label);
    const wells = records.map((r) => r.scores.values.wells.value);
    const model = records.map((r) => r.probability);
    const clustered = comparePe(records, { split: 'test', modelName: 'ecg', threshold: 0.5 }).curves[1]?.vsModel;
    expect(clustered).toMatchObject({ unit: 'patient', se: delongPaired(y, wells, model, records.map((r) => r.patient)).se });
    // Taken as independent, 24 records of 8 patients would give a narrower interval than the data hold.
    expect(clustered?.se).toBeGreaterThan(delongPaired(y, wells, model).se);
    expect(lines(comparePe(records, { split: 'test', modelName: 'ecg', threshold: 0.5 }))).toMatch(/vs ECG model ΔAUC .*, p \S+ \(n = 24; DeLong, clustered by patient \(Obuchowski 1997\)\)$/);
    // One record without its patient: the test falls back to records, and says so.
    const unnamed = records.map((r, i) => (i === 0 ? { label: r.label, probability: r.probability, scores: r.scores } : r));
    expect(comparePe(unnamed, { split: 'test', modelName: 'ecg', threshold: 0.5 }).curves[1]?.vsModel?.unit).toBe('record');
    expect(lines(comparePe(unnamed, { split: 'test', modelName: 'ecg', threshold: 0.5 }))).toMatch(/\(n = 24; DeLong \(records taken as independent\)\)$/);
  });

  it('says why a score recorded on too few PE records is not tested against the model, and still compares every other curve', () => {
    // Wells given on four records, one of them PE: DeLong has no variance there. Its refusal
    // stopped the whole comparison, and with it `ecg evaluate`'s every figure.
    const records = [0, 1, 0, 1, 0, 1, 0, 0].map((label, i) => ({
      label: label as 0 | 1,
      probability: [0.1, 0.8, 0.3, 0.6, 0.2, 0.4, 0.7, 0.05][i] as number,
      scores: { items: {}, values: i >= 4 ? { wells: { value: i, provenance: 'items' as const } } : {} },
    }));
    const c = comparePe(records, { split: 'test', modelName: 'ecg', threshold: 0.5 });
    const wellsCurve = c.curves.find((curve) => curve.id === 'wells');
    expect(wellsCurve).toMatchObject({ n: 4, positives: 1, vsModelUntested: "DeLong's test needs at least 2 positives and 2 negatives, got 1 and 3" });
    expect(wellsCurve?.vsModel).toBeUndefined();
    const out: string[] = [];
    printPeComparison(c, (line) => out.push(line));
    expect(out.find((line) => line.includes('Wells (score'))).toMatch(/; vs ECG model not tested: DeLong's test needs at least 2 positives and 2 negatives, got 1 and 3$/);
  });

  it("names a never-flagged operating point as such, not 'threshold 1.000'", () => {
    // A PE head whose validation showed no discrimination gets threshold 1 (never flagged): its
    // point on the Fig. 3 plot and in evaluate's lines read as a threshold the tuning chose.
    const records = [0, 1, 0, 1].map((label, i) => ({ label: label as 0 | 1, probability: [0.2, 0.9, 0.4, 0.3][i] as number, fused: [0.1, 0.8, 0.3, 0.6][i] as number }));
    const c = comparePe(records, { split: 'test', modelName: 'ecg', threshold: 1, fusionName: 'fused', fusionThreshold: 0.5 });
    expect(c.curves.map((curve) => curve.operatingPoints.map((o) => o.label))).toEqual([['no threshold (no discrimination on validation: never flagged)'], ['threshold 0.500']]);
  });
});

/**
 * The whole flow on real ECGs with SYNTHETIC PE labels and items (core/train/pe/synthetic.ts):
 * a one-output PE head fine-tuned from the bundled starter, a fusion package fitted on its
 * training rows, and `ecg evaluate` reporting the model, every score and the fusion on test.
 */
async function cli(command: CliCommand, args: string[]): Promise<string[]> {
  const out: string[] = [];
  const code = await command.run(args, { stdout: (t) => out.push(t), stderr: () => undefined });
  expect(code).toBe(0);
  return out;
}

/** The error a command is refused with. */
async function refusal(command: CliCommand, args: string[]): Promise<string> {
  try {
    await command.run(args, { stdout: () => undefined, stderr: () => undefined });
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('not refused');
}

/** The advice every refusal of a fusion package ends with (a prediction, a comparison, an evaluation without its items). */
const fusionAdvice =
  'For the ECG alone use pe-ecg-synthetic; the fused probability is in the PE panel of a record once its score items are entered; ' +
  'the fusion is evaluated against its network and each score on a labels CSV with the items \\(the comparison with the clinical scores on its Models card, or ecg evaluate --model pe-ecg-synthetic-fusion\\)';
const fusionIs = '^pe-ecg-synthetic-fusion is a fusion of the ECG model pe-ecg-synthetic \\(pe-ecg-synthetic@[0-9a-f]{12}\\) with clinical score items: ';

/**
 * The one refusal of a fusion package used as a plain model, whether predicted with or compared:
 * the two once gave different advice (run the base; compare the base and see ecg evaluate).
 */
const fusionRefusal = new RegExp(`${fusionIs}its number needs those items\\. ${fusionAdvice}$`);

// The fixture's fold 10 holds six records (PTB-XL 38, 57, 65, 128, 175, 299): the test split below.
const root = fixturePath('train', 'ptbxl');
let labels: string;
let model: string;
let fusion: string;

beforeAll(async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'einthoven-pe-eval-'));
  const rows = await readTable(path.join(root, 'ptbxl_database.csv'));
  const sources = rows.map((r) => {
    const fold = Number(r.strat_fold);
    return { file: `${r.filename_lr}.hea`, patientId: `p${r.patient_id}`, ecgRisk: [...parseScpCodes(r.scp_codes ?? '{}').keys()].some((c) => peEcgFindings.includes(c)), split: fold === 10 ? ('test' as const) : fold === 9 ? ('val' as const) : ('train' as const) };
  });
  labels = path.join(dir, 'labels.csv');
  await writeFile(labels, syntheticPeCsv(sources, 23));
  model = path.join(dir, 'pe-ecg');
  fusion = path.join(dir, 'pe-fusion');
  await finetuneJob({ base: path.resolve('resources/models/starter'), dataset: { kind: 'csv', root, labels, positiveClass: 'PE' }, out: model, mode: 'head', featureCrops: 2, train: { epochs: 3, batchSize: 6, seed: 3, minExamples: { train: 1, val: 1 } }, backend: 'wasm', name: 'pe-ecg-synthetic' });
}, 240_000);

/**
 * `ecg evaluate --model <fusion> --json` on the test split, run once for the two tests that read it:
 * the same command gives the same report (its resampling is seeded), and each run took seconds.
 */
let fusionEvaluation: Promise<EvaluationReport> | undefined;
function fusionReport(): Promise<EvaluationReport> {
  fusionEvaluation ??= cli(evaluateCommand, ['--model', fusion, '--data', root, '--labels', labels, '--json']).then((out) => JSON.parse(out[0] as string) as EvaluationReport);
  return fusionEvaluation;
}

describe('ecg pe-fuse and ecg evaluate on a PE dataset whose labels CSV carries score items', () => {
  it('fits the fusion on training rows only and packages it like any model', async () => {
    await cli(peFuseCommand, ['--model', model, '--data', root, '--labels', labels, '--out', fusion, '--quiet']);
    const loaded = await loadPackage(fusion);
    loaded.model.dispose();
    const base = JSON.parse(await readFile(path.join(model, 'manifest.json'), 'utf8')) as { id: string; weightsSha256: string };
    // Sealed like any package (loading checked the seal); the same ECG weights as its base.
    expect(loaded.manifest.id).toMatch(/^pe-ecg-synthetic-fusion@[0-9a-f]{12}$/);
    expect(loaded.manifest.integrity?.sha256.startsWith(loaded.manifest.id.split('@')[1] as string)).toBe(true);
    expect(loaded.manifest.weightsSha256).toBe(base.weightsSha256);
    const block = loaded.manifest.fusion;
    expect(block?.baseModel.id).toBe(base.id);
    expect(block?.items).toEqual(['dvtSigns', 'peMostLikely', 'tachycardia', 'immobilisationOrSurgery4w', 'previousVte', 'haemoptysis', 'activeCancer']);
    expect(block?.rows).toMatchObject({ trainSkipped: 0, valSkipped: 0 });
    if (!block) throw new Error('no fusion block');
    // What the package lists under its own name is the fusion's: its validation figures are the
    // fused probability's; the network is labelled as its base's, and the base's closing
    // comparison (a test-split figure of another model) is not inherited.
    const { provenance } = loaded.manifest;
    expect(provenance.base).toMatchObject({ id: base.id, name: 'pe-ecg-synthetic', mode: 'fusion' });
    expect(provenance.comparison).toBeUndefined();
    expect(provenance.validation.n).toBe(block.fused.validation.n);
    expect(provenance.validation.metrics.aucMacro).toBeCloseTo(block.fused.validation.auc as number, 12);
    expect((provenance.validation.metrics.perClass as Record<string, { threshold: number }>).PE?.threshold).toBe(block.fused.threshold);
    // Its 7 validation rows rank PE above the rest, but not every fused logit lies on its side of
    // 0 (on the remade starter's features): a finite temperature fits them best, and is applied
    // with no note. ('fits a fusion whose validation rows separate…' covers the perfect case.)
    expect(block.fused.validation).toMatchObject({ n: 7, auc: 1 });
    expect(block.fused.calibrationNote).toBeUndefined();
    expect(block.fused.temperature).toBeGreaterThan(temperatureRange.low * 1.001);
    expect(block.fused.temperature).toBeLessThan(1);
    expect(block.pretest.calibrationNote).toBeUndefined();
    // An ECG probability like the training records' (their mean logit, 1 SD above).
    const ecgLogit = (block.fused.model.mean[0] as number) + (block.fused.model.std[0] as number);
    const ecgProbability = 1 / (1 + Math.exp(-ecgLogit));
    const items = { dvtSigns: true, peMostLikely: true, heartRateBpm: 120, immobilisationOrSurgery4w: false, previousVte: false, haemoptysis: false, activeCancer: false };
    const outcome = applyFusion(block, ecgProbability, items);
    expect(outcome.ok && outcome.fused > 0 && outcome.fused < 1).toBe(true);
    expect(applyFusion(block, ecgProbability, { dvtSigns: true })).toMatchObject({ ok: false, missing: ['peMostLikely', 'heartRateBpm', 'immobilisationOrSurgery4w', 'previousVte', 'haemoptysis', 'activeCancer'] });
    // Far outside the ECG outputs it was fitted on, the fusion gives no number rather than a confident one.
    const far = 1 / (1 + Math.exp(-(ecgLogit + 10 * (block.fused.model.std[0] as number))));
    expect(applyFusion(block, far, items)).toMatchObject({ ok: false, reason: expect.stringMatching(/outside what the fusion model was fitted on/) });
    const direct = logisticLogit(block.fused.model, [Math.log(ecgProbability / (1 - ecgProbability)), 1, 1, 1, 0, 0, 0, 0]) / block.fused.temperature;
    expect(outcome.ok && outcome.fused).toBeCloseTo(1 / (1 + Math.exp(-direct)), 12);
    // Shown at its own temperature, with no note; a fusion left uncalibrated (as one whose
    // validation separated the classes is: the test of calibrate above) carries its note wherever
    // its number is shown, and in its operating point.
    const named = { id: loaded.manifest.id, name: loaded.manifest.name };
    const shown = fusedProbabilities({ ...named, block }, ecgProbability, items);
    expect(shown.ok && shown.fused.temperature).toBe(block.fused.temperature);
    expect(shown.ok && 'calibrationNote' in shown.fused).toBe(false);
    const note = 'not calibrated: the 7 validation rows separate the classes perfectly, so no temperature is best (one would claim certainty)';
    const uncalibrated = { ...block, fused: { ...block.fused, temperature: 1, calibrationNote: note } };
    const shownUncalibrated = fusedProbabilities({ ...named, block: uncalibrated }, ecgProbability, items);
    expect(shownUncalibrated.ok && shownUncalibrated.fused).toMatchObject({ temperature: 1, calibrationNote: note });
    expect(fusedOperatingPoint(uncalibrated)).toEqual({ method: block.fused.method, thresholds: [block.fused.threshold], temperature: 1, calibrationNote: note });
  });

  it('takes the bootstrap seed of its validation intervals as --seed, records it in the fusion block and prints it with them', async () => {
    const out = path.join(await mkdtemp(path.join(tmpdir(), 'einthoven-pe-seed-')), 'fused');
    const printed = await cli(peFuseCommand, ['--model', model, '--data', root, '--labels', labels, '--out', out, '--seed', '7']);
    const fusionOf = async (dir: string) => (JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as { fusion?: { seed?: number } }).fusion;
    const block = await fusionOf(out);
    expect(block?.seed).toBe(7);
    expect(printed.find((l) => l.startsWith('  validation AUC: '))).toMatch(/ \(95 % intervals, bootstrap seed 7\) — evaluate on the locked test split/);
    // The default is the seed every other command's bootstrap starts from, and is recorded too.
    expect((await fusionOf(fusion))?.seed).toBe(20);
  });

  it("keeps the rows it was fitted on and their duplicate check as its own, and its base's training data and duplicates as the base's, on its card and in ecg model inspect", async () => {
    const loaded = await loadPackage(fusion);
    loaded.model.dispose();
    const base = JSON.parse(await readFile(path.join(model, 'manifest.json'), 'utf8')) as { id: string; provenance: { dataset: unknown; duplicates: unknown } };
    const { provenance, fusion: block } = loaded.manifest;
    // Before: the base's training duplicates, copied as if the fusion's rows had been checked and held them.
    expect(provenance.duplicates).toEqual({ recordings: 0, rows: 0, groups: [], method: 'recording-content', splits: ['train', 'val'] });
    expect(provenance.base?.training).toEqual({ dataset: base.provenance.dataset, duplicates: base.provenance.duplicates });
    const detail = modelDetail({ manifest: loaded.manifest, location: fusion, bundled: false });
    const lines = modelCardLines(detail);
    expect(lines).toContain(`  fitted on ${block?.rows.train} training rows with every score item, calibrated and thresholded on ${block?.rows.val} validation rows; the test split never read`);
    expect(lines).toContain('  duplicates: none found (checked training and validation rows for the same recording by content, or the same ECG at another sampling rate)');
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^ {2}base's training: the ECG network of the base model pe-ecg-synthetic \\(${base.id}\\): trained on .*; duplicates in that training: none found \\(checked training, validation and test rows`)));

    // A fusion made before: its provenance copied its base's, duplicates included, and kept no base training apart.
    const { training, ...olderBase } = provenance.base ?? { id: '', name: '', mode: 'fusion' as const };
    const copied = { recordings: 1, rows: 2, groups: [[{ id: 'a.hea', split: 'train' as const }, { id: 'copies/a.hea', split: 'train' as const }]] };
    const older = modelDetail({ manifest: { ...loaded.manifest, provenance: { ...provenance, duplicates: copied, base: olderBase } }, location: fusion, bundled: false });
    expect(training).toBeDefined();
    const olderLines = modelCardLines(older);
    expect(olderLines).toContain('  duplicates: not checked: the rows this fusion was fitted on were not compared for copies (a fusion made before fusions checked their own)');
    expect(olderLines).toContain(`  base's training: the ECG network of the base model pe-ecg-synthetic (${base.id}): its training data is not kept in this package (a fusion made before it was): see its own card; duplicates in that training, as this package copied them: 1 recording listed in 2 rows of one split each, kept, so each weighed more than once: a.hea = copies/a.hea (train)`);
  });

  it("keeps none of a site operating point's own provenance when fused from one: its minimum and site data describe that choice, not the fusion", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'einthoven-pe-op-fusion-'));
    const dataset = { kind: 'csv' as const, root, labels, positiveClass: 'PE' };
    const site = await operatingPointJob({ model, dataset, goal: 'youden', minValExamples: 1, out: path.join(dir, 'site'), backend: 'wasm', workers: 1 });
    expect(site.manifest.provenance).toMatchObject({ operatingPointMinValExamples: 1, operatingPointDataset: { sha256: expect.any(String) } });
    const fused = await fuseJob({ model: site.out, dataset, out: path.join(dir, 'fused'), backend: 'wasm' });
    expect(fused.provenance.base).toMatchObject({ id: site.manifest.id, mode: 'fusion' });
    expect(fused.provenance.operatingPointMinValExamples).toBeUndefined();
    expect(fused.provenance.operatingPointDataset).toBeUndefined();
  });

  it('prints, on the test split, AUC with CI for the model, each score and the fusion, and each score at its cut-offs', async () => {
    const text = (await cli(evaluateCommand, ['--model', fusion, '--data', root, '--labels', labels, '--class', 'PE'])).join('\n');
    expect(text).toMatch(/PE: ECG model vs clinical scores on the test split \(n = 6, \d PE\)/);
    expect(text).toMatch(/score items' source \(pe_scores_source\): synthetic \(core\/train\/pe\/synthetic\.ts\), 6 of 6 records/);
    expect(text).toMatch(/pe-ecg-synthetic \(ECG only\) \(model, n = 6\): AUC/);
    for (const name of ['Wells', 'Revised Geneva', 'Simplified Geneva', 'YEARS', 'PEGeD', 'Age-adjusted D-dimer']) expect(text).toMatch(new RegExp(`\\n  ${name} \\(score, n = 6, 6 from items, 0 from totals\\): AUC`));
    expect(text).toMatch(/pe-ecg-synthetic-fusion \(fusion, n = 6\): AUC/);
    expect(text).toMatch(/Wells > 4 \(PE likely\): sens .* spec .* PPV .* NPV/);
    const report = await fusionReport();
    expect(report.split).toBe('test');
    expect(report.peComparison?.curves.map((c) => c.id)).toEqual(['model', 'wells', 'revisedGeneva', 'simplifiedGeneva', 'years', 'peged', 'ageAdjustedDdimer', 'fusion']);
  });

  it("reports a fusion package by the fusion's own figures, its network's under the base's name, each AUC with one interval", async () => {
    const loaded = await loadPackage(fusion);
    loaded.model.dispose();
    const block = loaded.manifest.fusion;
    if (!block) throw new Error('no fusion block');
    const report = await fusionReport();
    const curve = (id: string) => report.peComparison?.curves.find((c) => c.id === id);
    // The headline (what --record and --attach keep) was the ECG network's, under the fusion's id.
    expect(report.model).toMatchObject({ id: loaded.manifest.id, operatingPoint: { method: block.fused.method, thresholds: [block.fused.threshold], temperature: block.fused.temperature } });
    expect(report.metrics.aucMacro).toBeCloseTo(curve('fusion')?.auc as number, 12);
    expect(report.fusion).toMatchObject({ baseModel: { id: block.baseModel.id, name: 'pe-ecg-synthetic' }, unscored: { count: 0 }, ecgOnly: { n: 6, operatingPoint: loaded.manifest.operatingPoint } });
    expect(report.fusion?.ecgOnly.metrics.aucMacro).toBeCloseTo(curve('model')?.auc as number, 12);
    // The headline interval and the comparison's for the same AUC were drawn by two resampling schemes.
    expect(curve('fusion')?.aucCi).toEqual(report.ci.aucMacro);
    expect(curve('model')?.aucCi).toEqual(report.fusion?.ecgOnly.ci.aucMacro);
    expect(report.notLockedTest).toBeNull();
    const text = (await cli(evaluateCommand, ['--model', fusion, '--data', root, '--labels', labels])).join('\n');
    // A synthetic-label fusion is a demonstration model, and its header says so.
    expect(loaded.manifest.demonstration).toBe(true);
    expect(text).toMatch(/^pe-ecg-synthetic-fusion \(fused ECG \+ score items\) on .* \(test, n = 6, \w+\), a demonstration model, Research use only:/);
    expect(text).toMatch(new RegExp(`ECG network alone \\(base model pe-ecg-synthetic, ${block.baseModel.id}; not the fusion's figures, n = 6\\)`));
    expect(text).toContain(`threshold ${block.fused.threshold.toFixed(3)}`);
    expect(text).not.toMatch(/warning: not locked-test/);
  });

  it("attaches a fusion package's locked test on the rows and score items it was fitted beside, and refuses figures read with other score items", async () => {
    const copy = `${fusion}-attached`;
    await cp(fusion, copy, { recursive: true });
    const own = (await loadPackage(copy)).manifest.provenance.dataset;
    // One test row's heart rate changed by 1/min: the same records, but not the data the fusion's digest names.
    const rows = (await readFile(labels, 'utf8')).split('\n');
    const column = (rows[0] ?? '').split(',').indexOf(peItemColumns.heartRateBpm);
    const at = rows.findIndex((row) => row.split(',')[3] === 'test');
    const cells = (rows[at] ?? '').split(',');
    expect(column).toBeGreaterThan(-1);
    cells[column] = String(Number(cells[column]) + 1);
    const edited = path.join(path.dirname(labels), 'labels-one-item-changed.csv');
    await writeFile(edited, rows.map((row, i) => (i === at ? cells.join(',') : row)).join('\n'));
    expect(await refusal(evaluateCommand, ['--model', copy, '--data', root, '--labels', edited, '--attach'])).toMatch(new RegExp(`^${copy.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} was trained on ${own.name} \\(index ${own.sha256.slice(0, 12)}\\)`));
    const attached = JSON.parse((await cli(evaluateCommand, ['--model', copy, '--data', root, '--labels', labels, '--attach', '--json']))[0] as string) as EvaluationReport;
    expect(attached.datasetSha256).toBe(own.sha256);
    expect((await loadPackage(copy)).manifest.provenance.test?.n).toBe(attached.n);
  });

  it("says when the test split holds records the model trained on, whatever the dataset's split says", async () => {
    const clean = JSON.parse((await cli(evaluateCommand, ['--model', model, '--data', root, '--labels', labels, '--json']))[0] as string) as EvaluationReport;
    expect(clean.trainingOverlap).toMatchObject({ checked: 6, inTraining: 0 });
    // The same records with train and test swapped: the "test" rows are the model's own training rows.
    const swapped = path.join(path.dirname(labels), 'labels-swapped.csv');
    const text = (await readFile(labels, 'utf8')).replace(/,(train|test),/g, (_, split: string) => (split === 'train' ? ',test,' : ',train,'));
    await writeFile(swapped, text);
    const report = JSON.parse((await cli(evaluateCommand, ['--model', model, '--data', root, '--labels', swapped, '--json']))[0] as string) as EvaluationReport;
    expect(report.trainingOverlap.inTraining).toBe(report.trainingOverlap.checked);
    // Not a locked test, then: said as figures off the test split are, so nothing keeps them as one.
    const seen = /^not locked-test figures: (\d+) of the \1 test records are among pe-ecg-synthetic's training and validation records: its figures on them are optimistic; a locked test holds no record the model saw \(here (e\.g\. )?[^)]+\): leave them out of the test split$/;
    expect(report.notLockedTest).toMatch(seen);
    const warning = (await cli(evaluateCommand, ['--model', model, '--data', root, '--labels', swapped]))[1] ?? '';
    expect(warning).toMatch(/^ {2}warning: not locked-test figures: /);
    expect(warning.replace(/^ {2}warning: /, '')).toMatch(seen);
  });

  it('says that validation figures are not locked-test figures, in the text and in --json', async () => {
    const report = JSON.parse((await cli(evaluateCommand, ['--model', model, '--data', root, '--labels', labels, '--split', 'val', '--json']))[0] as string) as EvaluationReport;
    expect(report.notLockedTest).toMatch(/^not locked-test figures: the validation split is where the epoch, the temperature and the thresholds .* were chosen, so they are optimistic/);
    const text = await cli(evaluateCommand, ['--model', model, '--data', root, '--labels', labels, '--split', 'all']);
    expect(text[1]).toMatch(/^ {2}warning: not locked-test figures: "all" includes the training and validation records/);
  });

  it('refuses to evaluate a fusion package on records without its score items (its network alone is its base)', async () => {
    const bare = path.join(path.dirname(labels), 'labels-no-items.csv');
    const rows = (await readFile(labels, 'utf8')).trim().split('\n').map((line) => line.split(',').slice(0, 4).join(','));
    await writeFile(bare, `${rows.join('\n')}\n`);
    expect(await refusal(evaluateCommand, ['--model', fusion, '--data', root, '--labels', bare, '--record'])).toMatch(
      // The same advice as every other fusion refusal, where this one said 'evaluate that package' of its base alone.
      new RegExp(`${fusionIs}its figures need those items \\(dvtSigns, .*\\) in the labels CSV, and none of the 6 records could be fused \\(.+\\)\\. ${fusionAdvice}$`),
    );
    // Nor is a fusion compared as a plain model: its network's outputs would be reported under its name.
    expect(await refusal(evaluateCommand, ['--model', fusion, '--compare', model, '--data', root, '--labels', labels])).toMatch(fusionRefusal);
  });

  it('refuses to fine-tune from a fusion package with the one fusion refusal: its network is its base model', async () => {
    const out = path.join(await mkdtemp(path.join(tmpdir(), 'einthoven-pe-ft-')), 'from-fusion');
    expect(await refusal(finetuneCommand, ['--base', fusion, '--data', root, '--labels', labels, '--out', out, '--epochs', '1'])).toMatch(fusionRefusal);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses to export a fusion package to PyTorch with the one fusion refusal, where it wrote its ECG network under the fusion’s name', async () => {
    const out = path.join(await mkdtemp(path.join(tmpdir(), 'einthoven-pe-pt-')), 'fusion-pt');
    const noTwin = 'export writes a single network: a trained, fine-tuned or imported model, or a site operating point of one, and its regression on the ECG logit and the score items has no PyTorch twin';
    expect(await refusal(modelCommand, ['export-pytorch', fusion, out, '--backend', 'wasm'])).toMatch(new RegExp(`${fusionIs}${noTwin}\\. ${fusionAdvice}$`));
    expect(existsSync(out)).toBe(false);
  });

  it("predicts with a fusion package: the ECG part under its base's id, the fused probability only from score items", async () => {
    const loaded = await loadPackage(fusion);
    loaded.model.dispose();
    const block = loaded.manifest.fusion;
    if (!block) throw new Error('no fusion block');
    const file = path.join(root, 'records100', '00000', '00010_lr.hea');
    const [line, fusedLine] = await cli(predictCommand, ['--model', fusion, file, '--backend', 'wasm']);
    expect(line).toContain(`ECG part (pe-ecg-synthetic, the network of pe-ecg-synthetic-fusion): PE `);
    expect(line).toContain(`(${block.baseModel.id}, `);
    expect(line).not.toContain(loaded.manifest.id);
    expect(fusedLine).toBe(`  fused (${loaded.manifest.id}): none — ${itemsNeededText}`);
    const items = { dvtSigns: true, peMostLikely: true, heartRateBpm: 120, immobilisationOrSurgery4w: false, previousVte: false, haemoptysis: false, activeCancer: false };
    const json = JSON.parse((await cli(predictCommand, ['--model', fusion, file, '--backend', 'wasm', '--json', '--pe-items', JSON.stringify(items)]))[0] as string) as { model: { id: string }; probabilities: { PE: number }; fusion: { fused: { probability: number; modelId: string; threshold: number } } };
    expect(json.model.id).toBe(block.baseModel.id);
    // The same numbers, from the same code, as the app's PE panel.
    const expected = fusedProbabilities({ id: loaded.manifest.id, name: loaded.manifest.name, block }, json.probabilities.PE, items);
    expect(expected.ok && json.fusion.fused).toEqual(expected.ok && expected.fused);
    expect(json.fusion.fused).toMatchObject({ modelId: loaded.manifest.id, threshold: block.fused.threshold });
    expect(await refusal(predictCommand, ['--model', model, file, '--pe-items', JSON.stringify(items)])).toMatch(/--pe-items applies to a PE fusion package/);
  });

  it('shows, in the app, the ECG, pre-test and fused probabilities of a record, each with its model and operating point; and the comparison as an evaluation job', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'einthoven-pe-app-'));
    await cp(model, path.join(dataDir, 'models', 'pe-ecg'), { recursive: true });
    await cp(fusion, path.join(dataDir, 'models', 'pe-fusion'), { recursive: true });
    const engine = new Engine({ dataDir, shell: 'test' });
    for (const folder of [root, path.dirname(labels)]) engine.folders.allow(folder);
    try {
      const value = async <T>(channel: string, request: object): Promise<T> => {
        const r = await engine.handle(channel, request);
        if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
        return r.value as T;
      };
      const dir = path.join(root, 'records100', '00000');
      const files = ['hea', 'dat'].map((ext) => ({ name: `00010_lr.${ext}`, bytes: new Uint8Array(readFileSync(path.join(dir, `00010_lr.${ext}`))) }));
      const { jobId } = await value<{ jobId: string }>('records:import', { files });
      const imported = await new Promise<JobFinished>((resolve) => engine.onEvent((e, p) => e === 'jobs:finished' && (p as JobFinished).jobId === jobId && resolve(p as JobFinished)));
      const recordId = imported.status === 'succeeded' && imported.kind === 'import' ? (imported.result.reports[0]?.recordId as number) : 0;
      // Run as a plain model, a fusion package would store its network's probability under its own name: refused, saying where the fused one is.
      expect(await engine.handle('models:predict', { modelId: 'pe-ecg-synthetic-fusion', recordId })).toMatchObject({ ok: false, error: { code: 'E_VALIDATION', message: expect.stringMatching(fusionRefusal) } });
      // Nor is one fine-tuned: refused before a job starts (the app's base list leaves it out).
      const fromFusion = { baseModelId: 'pe-ecg-synthetic-fusion', dataset: { kind: 'csv', root, labels }, name: 'from-fusion' };
      expect(await engine.handle('train:finetune', fromFusion)).toMatchObject({ ok: false, error: { code: 'E_VALIDATION', message: expect.stringMatching(fusionRefusal) } });
      // Nor made the default for predictions, each of which it would refuse.
      const promote = await engine.handle('models:promote', { modelId: 'pe-ecg-synthetic-fusion', promotedBy: 'Dr. T', confirmed: true });
      expect(promote).toMatchObject({ ok: false, error: { code: 'E_VALIDATION', message: expect.stringMatching(new RegExp(`${fusionIs}it predicts no record by itself, so it cannot be the default for predictions\\. ${fusionAdvice}$`)) } });
      await value('models:predict', { modelId: 'pe-ecg-synthetic', recordId });
      const [prediction] = (await value<{ items: StoredPrediction[] }>('predictions:list', { recordId })).items;
      if (!prediction) throw new Error('no prediction stored');
      const before = await value<PeProbabilities>('pe:probabilities', { recordId, predictionId: prediction.id });
      expect(before).toMatchObject({ ecg: { modelName: 'pe-ecg-synthetic', probability: prediction.probabilities?.PE }, pretest: null, fused: null, fusionUnavailable: 'no PE score items entered for this record' });
      await value('pe:assess', { recordId, items: { dvtSigns: true, heartRateBpm: 120 }, heartRateSource: 'entered', assessor: 'Dr. T' });
      expect((await value<PeProbabilities>('pe:probabilities', { recordId, predictionId: prediction.id })).fusionUnavailable).toBe('items not assessed: peMostLikely, immobilisationOrSurgery4w, previousVte, haemoptysis, activeCancer');
      const [current] = (await value<{ items: { id: number }[] }>('pe:list', { recordId })).items;
      await value('pe:assess', { recordId, items: { dvtSigns: true, heartRateBpm: 120, peMostLikely: true, immobilisationOrSurgery4w: false, previousVte: false, haemoptysis: false, activeCancer: false }, heartRateSource: 'entered', assessor: 'Dr. T', supersedes: current?.id });
      const shown = await value<PeProbabilities>('pe:probabilities', { recordId, predictionId: prediction.id });
      expect(shown).toMatchObject({ fused: { modelName: 'pe-ecg-synthetic-fusion', method: 'youden' }, pretest: { modelName: 'pe-ecg-synthetic-fusion' }, fusionUnavailable: null });
      expect(engine.audit.recent(1)[0]).toMatchObject({ action: 'pe.fused', subject: `record:${recordId}`, details: { prediction: prediction.id, fused: shown.fused?.probability } });

      const { jobId: evalJob } = await value<{ jobId: string }>('models:evaluate', { modelId: 'pe-ecg-synthetic-fusion', dataset: { kind: 'csv', root, labels }, split: 'test' });
      const finished = await new Promise<TrainFinished>((resolve) => engine.onEvent((e, p) => e === 'train:finished' && (p as TrainFinished).jobId === evalJob && resolve(p as TrainFinished)));
      expect(finished).toMatchObject({ status: 'succeeded', result: { kind: 'evaluate', split: 'test', peComparison: { n: 6 } } });
      // The app's result carries what `ecg evaluate` says of these figures (the contract dropped it): the
      // fusion's own operating point, its network's figures under its base's name and id, the split and the overlap.
      const fused = await loadPackage(fusion);
      fused.model.dispose();
      const block = fused.manifest.fusion;
      if (finished.status !== 'succeeded' || finished.result?.kind !== 'evaluate' || !block) throw new Error('no evaluation of a fusion package');
      expect(finished.result).toMatchObject({
        operatingPoint: { method: block.fused.method, thresholds: { PE: block.fused.threshold } },
        notLockedTest: null,
        trainingOverlap: { checked: 6, inTraining: 0 },
        fusion: { baseModel: { id: block.baseModel.id, name: 'pe-ecg-synthetic' }, unscored: { count: 0 }, ecgOnly: { n: 6, operatingPoint: { thresholds: { PE: expect.any(Number) } } } },
      });
      expect(finished.result.fusion?.ecgOnly.metrics.aucMacro).toBe(finished.result.peComparison?.curves.find((c) => c.id === 'model')?.auc);

      // The Models page lists a fusion package by its own operating point; its network's is its base's, named so.
      const { models } = await value<{ models: ModelSummary[] }>('models:list', {});
      const network = models.find((m) => m.id === block.baseModel.id)?.operatingPoint;
      const listed = models.find((m) => m.name === 'pe-ecg-synthetic-fusion');
      const detail = await value<ModelDetail>('models:get', { modelId: 'pe-ecg-synthetic-fusion' });
      for (const shown of [listed, detail]) {
        expect(shown?.operatingPoint).toEqual({ method: block.fused.method, temperature: block.fused.temperature, thresholds: { PE: block.fused.threshold }, ...(block.fused.calibrationNote ? { calibrationNote: block.fused.calibrationNote } : {}) });
        expect(shown?.fusion).toEqual({ baseModel: { id: block.baseModel.id, name: 'pe-ecg-synthetic' }, networkOperatingPoint: network, items: block.items, notice: block.notice, rows: block.rows });
      }
      expect(network?.thresholds.PE).not.toBe(block.fused.threshold);
    } finally {
      await engine.close();
    }
  });
});
