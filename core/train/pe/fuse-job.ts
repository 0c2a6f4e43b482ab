import type { DatasetSpec } from '../../data/load';
import type { DatasetItem } from '../../data/types';
import { EinthovenError } from '../../errors';
import type { BackendName } from '../../ml/backend/init';
import { aucCounts, aucInterval } from '../../ml/metrics/auc-interval';
import { percentile } from '../../ml/metrics/bootstrap';
import { drawResamples, resamplePlan } from '../../ml/metrics/resample';
import { rocAuc } from '../../ml/metrics/ranking';
import { calibrationTemperature, probabilities } from '../calibration';
import { jsonSafe, scoreWithCi } from '../finalize';
import { duplicatesProvenance, sameSplitCopies, sameSplitWarning } from '../duplicates';
import { fusionDatasetSha256, hashedRows, indexDataset } from '../jobs/prepare';
import { loadPackage, readPackage } from '../package/archive';
import { writePackageFolder } from '../package/io';
import { modelManifestSchema, type ModelManifest } from '../package/manifest';
import { sealManifest } from '../package/seal';
import { recordLogits } from '../predict';
import type { JobContext } from '../progress';
import { ensureBackend, loadStore } from '../setup';
import { operatingThresholds, type ThresholdMethod } from '../thresholds';
import { fitLogistic, logisticLogit, type LogisticModel } from './logistic';
import { fusionItemFeatures, fusionSchema, itemFeatures, logitOf, type FusionBlock, type FusionItemFeature } from './fusion';
import { requireNewOutput } from '../../storage/new-output';

export interface FuseJobOptions {
  /** The ECG-only PE package (one output). */
  readonly model: string;
  /** A hospital dataset whose labels CSV carries the score items (README, "Hospital labels CSV"). */
  readonly dataset: DatasetSpec;
  readonly out: string;
  readonly name?: string;
  /** Also use log10 D-dimer (then every row needs a D-dimer). */
  readonly withDDimer?: boolean;
  readonly thresholds?: ThresholdMethod;
  /** Bootstrap seed of the validation intervals (default 20, as every other command's), recorded in the fusion block. */
  readonly seed?: number;
  readonly backend?: BackendName;
  readonly cacheDir?: string;
}

export const fusionNotice =
  'A logistic regression on the ECG model’s logit plus clinical score items, fitted on the training rows and calibrated on validation; ' +
  'the ECG logit on its own training rows is optimistic, so the fused weights lean on it — judge the model by its locked-test figures only. Research use only.';

export interface Rows {
  readonly x: number[][];
  readonly ecg: number[];
  readonly y: number[];
  /** Each row's patient id, where the dataset gives one. */
  readonly patients: (string | undefined)[];
  readonly skipped: number;
}

/**
 * The rows' patient ids when every row has one, for a bootstrap that draws patients: a patient's
 * ECGs are not independent, and counted as such they narrow the interval (patientIdsOf's rule).
 */
export function rowGroups(rows: Pick<Rows, 'patients'>): string[] | undefined {
  return rows.patients.every((p): p is string => p !== undefined) ? rows.patients : undefined;
}

/** Rows of one split that have every item feature, with the ECG model's calibrated probability. */
function rowsOf(items: readonly DatasetItem[], probs: ReadonlyMap<string, number>, features: readonly FusionItemFeature[]): Rows {
  const x: number[][] = [];
  const ecg: number[] = [];
  const y: number[] = [];
  const patients: (string | undefined)[] = [];
  let skipped = 0;
  for (const item of items) {
    const p = probs.get(item.id);
    const f = item.peScores ? itemFeatures(item.peScores.items, features) : { missing: ['all'] };
    if (p === undefined || 'missing' in f) {
      skipped++;
      continue;
    }
    x.push(f.values);
    ecg.push(p);
    y.push(item.labels[0] as number);
    patients.push(item.patientId);
  }
  return { x, ecg, y, patients, skipped };
}

/**
 * A fitted fusion's temperature (calibrationTemperature: none, with the note, where validation
 * separates the classes perfectly), threshold and validation AUC with its bootstrap interval,
 * drawn by patient when `groups` gives each row's patient id (as every other evaluation's) and
 * widened to cover Newcombe's on its positive and negative patients.
 */
export function calibrate(model: LogisticModel, x: readonly number[][], y: readonly number[], method: ThresholdMethod, seed: number, groups?: readonly string[]): FusionBlock['fused'] {
  const logits = x.map((row) => [logisticLogit(model, row)]);
  const labels = y.map((v) => [v]);
  const { temperature, note } = calibrationTemperature(labels, logits);
  const probs = probabilities(logits, temperature);
  const threshold = operatingThresholds(labels, probs, method)[0] as number;
  const scores = probs.map((r) => r[0] as number);
  const auc = rocAuc(y, scores);
  const boot = drawResamples(resamplePlan(y.map((v) => [v]), groups), 1000, seed)
    .map((idx) => rocAuc(Array.from(idx, (i) => y[i] as number), Array.from(idx, (i) => scores[i] as number)))
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  // Widened to cover Newcombe's, as every evaluation's AUC (aucInterval): a validation set the fusion separates perfectly bootstraps to 1–1.
  const { positives, negatives } = aucCounts(y, groups);
  const ci = aucInterval(boot.length ? { low: percentile(boot, 2.5), high: percentile(boot, 97.5) } : undefined, auc, positives, negatives);
  const bound = (v: number) => (Number.isFinite(v) ? v : null);
  return { model, temperature, ...(note ? { calibrationNote: note } : {}), threshold, method, validation: { n: y.length, auc: Number.isFinite(auc) ? auc : null, low: bound(ci.low), high: bound(ci.high) } };
}

/**
 * The fusion's own validation figures, in the shape of any package's (metrics and bootstrap CIs
 * at its threshold, by patient where every row has one): a fusion package once listed its ECG
 * network's here, under its own name.
 */
export function fusedValidation(fused: FusionBlock['fused'], rows: Rows, classes: readonly string[], seed: number): ModelManifest['provenance']['validation'] {
  const probs = rows.x.map((r, i) => [1 / (1 + Math.exp(-logisticLogit(fused.model, [logitOf(rows.ecg[i] as number), ...r]) / fused.temperature))]);
  const { metrics, ci } = scoreWithCi(rows.y.map((v) => [v]), probs, classes, [fused.threshold], seed, rowGroups(rows));
  return { n: rows.y.length, metrics: metrics as unknown as Record<string, unknown>, ci };
}

/**
 * Fits the PE fusion model and its score-only companion on the training rows, calibrates and
 * thresholds both on validation, and writes an ordinary package: the ECG network's own files
 * with a `fusion` block in the manifest. Reads no test record.
 */
export async function fuseJob(options: FuseJobOptions, context: JobContext = {}): Promise<ModelManifest> {
  requireNewOutput(options.out, 'a fusion model package');
  await ensureBackend(options.backend);
  const loaded = await loadPackage(options.model);
  try {
    const { manifest } = loaded;
    if (manifest.classes.length !== 1) throw new EinthovenError('E_VALIDATION', `${manifest.name} has ${manifest.classes.length} outputs; a PE fusion needs a one-output (PE) model`);
    if (manifest.fusion) throw new EinthovenError('E_VALIDATION', `${manifest.name} is already a fusion package; fuse its base model ${manifest.fusion.baseModel.name}`);
    const dataset = await indexDataset(options.dataset, manifest.preprocessing, false);
    const train = dataset.items.filter((i) => i.split === 'train');
    const val = dataset.items.filter((i) => i.split === 'val');
    const store = await loadStore([...train, ...val], manifest.preprocessing, context, options.cacheDir);
    // The fitting rows are checked for copies as a training's are: across train and validation refused, within one kept and recorded.
    const copies = sameSplitCopies(hashedRows(store, [...train, ...val]));
    const warning = sameSplitWarning(copies);
    if (warning) context.onProgress?.({ kind: 'phase', phase: 'loading', message: warning });
    const ids = [...train, ...val].filter((i) => store.has(i.id)).map((i) => i.id);
    context.onProgress?.({ kind: 'phase', phase: 'evaluating', message: `ECG probabilities of ${ids.length} training and validation records` });
    const stride = manifest.inference.stride ?? Math.max(1, Math.floor((manifest.architecture.buildOptions.inputLength ?? 2) / 2));
    const logits = await recordLogits(loaded.model, store, ids, { ...manifest.inference, stride });
    const probs = new Map(ids.map((id, k) => [id, (probabilities([logits[k] as number[]], manifest.operatingPoint.temperature)[0] as number[])[0] as number]));
    const features: FusionItemFeature[] = fusionItemFeatures.filter((f) => f !== 'log10DDimer' || options.withDDimer === true);
    const trainRows = rowsOf(train, probs, features);
    const valRows = rowsOf(val, probs, features);
    if (trainRows.y.length < 10 || valRows.y.length < 5) {
      throw new EinthovenError('E_VALIDATION', `too few rows with every score item (${features.join(', ')}): ${trainRows.y.length} training, ${valRows.y.length} validation`);
    }
    const method = options.thresholds ?? 'youden';
    const seed = options.seed ?? 20;
    const fusedModel = fitLogistic(trainRows.x.map((r, i) => [logitOf(trainRows.ecg[i] as number), ...r]), trainRows.y);
    const pretestModel = fitLogistic(trainRows.x, trainRows.y);
    const fusion: FusionBlock = fusionSchema.parse({
      version: 1,
      baseModel: { id: manifest.id, name: manifest.name, weightsSha256: manifest.weightsSha256 },
      items: features,
      fused: calibrate(fusedModel, valRows.x.map((r, i) => [logitOf(valRows.ecg[i] as number), ...r]), valRows.y, method, seed, rowGroups(valRows)),
      pretest: calibrate(pretestModel, valRows.x, valRows.y, method, seed, rowGroups(valRows)),
      seed,
      rows: { train: trainRows.y.length, val: valRows.y.length, trainSkipped: trainRows.skipped, valSkipped: valRows.skipped },
      notice: fusionNotice,
    });
    const name = options.name ?? `${manifest.name}-fusion`;
    const bytes = await readPackage(options.model);
    // Sealed like any package: the seal covers the fusion block, and the id follows from it.
    const sealed = sealManifest(
      jsonSafe({
        ...manifest,
        name,
        // The top-level operating point stays its ECG network's: the predictor's ECG part uses it, and
        // the fusion was fitted on probabilities at that temperature. Every figure listed under this
        // package's name is the fusion's own; what describes the network says it is the base's.
        description: `PE fusion of ${manifest.name}: ${fusionNotice} Its validation figures are the fusion's (AUC ${fusion.fused.validation.auc?.toFixed(3) ?? 'undefined'}; score items alone ${fusion.pretest.validation.auc?.toFixed(3) ?? 'undefined'}); the fused probability is decided at the fusion's own threshold (${fusion.fused.threshold.toFixed(3)}); its training history and training records, and the operating point of its ECG part, are those of its ECG network, the base model ${manifest.name} (${manifest.id}).`,
        createdAt: new Date().toISOString(),
        provenance: {
          ...manifest.provenance,
          dataset: { name: dataset.name, sha256: fusionDatasetSha256(dataset.items), records: { train: train.length, val: val.length, test: dataset.items.length - train.length - val.length }, split: `${dataset.name}: fusion fitted on train, calibrated on validation, test never read` },
          validation: fusedValidation(fusion.fused, valRows, manifest.classes, seed),
          // The fitting rows' own check; the base's training data and its duplicates stay the base's, labelled so.
          duplicates: duplicatesProvenance(copies, ['train', 'val']),
          base: { id: manifest.id, name: manifest.name, mode: 'fusion', inference: manifest.inference, training: { dataset: manifest.provenance.dataset, ...(manifest.provenance.duplicates ? { duplicates: manifest.provenance.duplicates } : {}) } },
          // The base's closing comparison with its own base is about the base, on test records this fusion never read.
          comparison: undefined,
          test: undefined,
          // Earlier readings of the base's locked test are the base's too (on its card).
          replacedTests: undefined,
          // A site operating point's minimum and the site data its thresholds were chosen on describe that
          // choice, not this fusion, which is decided at its own threshold and holds figures to its own rows.
          operatingPointMinValExamples: undefined,
          operatingPointDataset: undefined,
        },
        fusion,
        integrity: undefined,
        signature: undefined,
      }),
    );
    // The bytes written are exactly what was sealed (the schema's defaults are not applied to them).
    await writePackageFolder(options.out, { ...bytes, manifest: new TextEncoder().encode(`${JSON.stringify(sealed, null, 2)}\n`) });
    const fused = modelManifestSchema.parse(sealed);
    return fused;
  } finally {
    loaded.model.dispose();
  }
}
