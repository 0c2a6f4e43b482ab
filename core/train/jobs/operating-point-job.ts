import { existsSync } from 'node:fs';
import path from 'node:path';
import { neverFlaggedThreshold, operatingPointMethodText } from '../../contract/training-schemas';
import type { DatasetSpec } from '../../data/load';
import { itemsOf, type Dataset, type DatasetItem } from '../../data/types';
import { EinthovenError } from '../../errors';
import type { BackendName } from '../../ml/backend/init';
import { calibrationByClass, type ClassCalibration, type Interval } from '../../ml/metrics/index';
import { withInferencePool, type InferencePool } from '../../parallel/inference';
import { resolveWorkers } from '../../parallel/worker-count';
import { calibrationTemperature, probabilities } from '../calibration';
import { isEnsemble, loadModel, disposeModel } from '../ensemble/package';
import { patientIdsOf } from '../finalize';
import { defaultMinExamples, learnabilityProblems } from '../learnability';
import { readPackage } from '../package/archive';
import { saveDerivedPackage } from '../package/derived';
import type { LoadedPackage } from '../package/io';
import type { ModelManifest, OperatingPoint } from '../package/manifest';
import type { JobContext } from '../progress';
import { scoreWithCi, type ScoredMetrics } from '../scores';
import { ensureBackend } from '../setup';
import { confusionAt, defaultTarget, operatingThresholds, targetRange, type TargetRule, type ThresholdMethod } from '../thresholds';
import { classMapping, rateCopiesOf, seenInTrainingNote, seenRecordIds } from './evaluate-job';
import { trainingRecordsOf } from '../base-records';
import { datasetSha256, indexDataset } from './prepare';
import { scoreItemLogits } from './score-items';
import { inScopeItems, type OutOfScope } from '../evaluation-scope';
import { intendedInputOf } from '../package/manifest';
import { counted } from '../../contract/counted';
import { trainingOverlap, type TrainingOverlap } from '../training-overlap';
import { unknownOverlapNote } from '../unknown-overlap';
import type { RecordProfile } from '../../engine/record-profile';

/** What the site wants the model for: a rule-out test (sensitivity target), a rule-in test (specificity target), or a score optimum. */
export const operatingPointGoals = ['rule-out', 'rule-in', 'f1', 'youden'] as const;
export type OperatingPointGoal = (typeof operatingPointGoals)[number];

export interface OperatingPointJobOptions {
  /** The base package (folder or single file); a single model, not an ensemble or fusion package. */
  readonly model: string;
  /** The site's dataset: its validation rows choose the operating point, its locked test rows report it. */
  readonly dataset: DatasetSpec;
  readonly goal: OperatingPointGoal;
  /** rule-out / rule-in: the validation sensitivity / specificity to reach (default 0.95). */
  readonly target?: number;
  /** Package folder to write (a single file when it ends in .ecgmodel); never an existing one. */
  readonly out?: string;
  /** Without `out`: the models folder to write it in, under its name. */
  readonly modelsDir?: string;
  /** Default: "<base name> — rule-out 0.95 (site)". */
  readonly name?: string;
  /** Fewest validation positives and negatives per class (default: the project's 3). */
  readonly minValExamples?: number;
  readonly seed?: number;
  readonly backend?: BackendName;
  readonly workers?: number;
  readonly cacheDir?: string;
}

/** A rate with its bootstrap 95 % interval (null where undefined, e.g. no positives). */
export interface RateWithInterval {
  readonly value: number;
  readonly low: number;
  readonly high: number;
}

/** One class at the new operating point and at the base's, on the same records. */
export interface ClassOperatingPoint {
  readonly name: string;
  /** The new threshold (1: never flagged) and the base package's. */
  readonly threshold: number;
  readonly baseThreshold: number;
  /** On the validation rows that chose the threshold: optimistic, never the headline. */
  readonly validation: { readonly positives: number; readonly negatives: number; readonly sensitivity: number; readonly specificity: number };
  /** Why the class is never flagged at the new operating point; null when it has a threshold. */
  readonly note: string | null;
  /** Locked test: the new operating point and the base's. */
  readonly test: { readonly sensitivity: RateWithInterval; readonly specificity: RateWithInterval };
  readonly baseTest: { readonly sensitivity: RateWithInterval; readonly specificity: RateWithInterval };
}

/** An evaluation's figures: count, metrics and bootstrap 95 % intervals. */
export interface Figures {
  readonly n: number;
  readonly metrics: ScoredMetrics;
  readonly ci: Record<string, Interval>;
}

export interface OperatingPointJobResult {
  readonly out: string;
  readonly manifest: ModelManifest;
  readonly goal: OperatingPointGoal;
  readonly operatingPoint: OperatingPoint;
  readonly base: { readonly id: string; readonly name: string; readonly operatingPoint: OperatingPoint };
  readonly dataset: string;
  readonly classes: string[];
  /** Where the temperature and thresholds were chosen: optimistic. */
  readonly validation: Figures & { readonly note: string };
  /** The locked test rows, read once after every choice: the new operating point, with its calibration … */
  readonly test: Figures & { readonly calibration: Record<string, ClassCalibration> };
  /** … and the base package's own operating point on the same records. */
  readonly baseTest: Figures;
  readonly perClass: ClassOperatingPoint[];
  /** The lowered minimum, in words, when one was asked for. */
  readonly override: string | null;
  readonly failed: { id: string; message: string }[];
  /** The locked test records among them: in none of the test figures. */
  readonly testFailed: { id: string; message: string }[];
  /** Records of each split outside the model's intended input, in no figure (what predict abstains on). */
  readonly outOfScope: { readonly validation: OutOfScope; readonly test: OutOfScope };
  /** How many validation and test records the base model trained or validated on (its package's training-record filter). */
  readonly trainingOverlap: { readonly validation: TrainingOverlap; readonly test: TrainingOverlap };
  /**
   * Why the test figures are not a locked test (the base model saw some of those records, named; or
   * whether it did cannot be checked, as it keeps no record of what it or a base trained on), or
   * null: then, and only then, they may be kept as the new model's site evaluation.
   */
  readonly notLockedTest: string | null;
}

/** The threshold rule of a goal. */
export function ruleOf(goal: OperatingPointGoal, target: number | undefined): ThresholdMethod | TargetRule {
  if (goal === 'f1' || goal === 'youden') {
    if (target !== undefined) throw new EinthovenError('E_VALIDATION', `a target applies to rule-out and rule-in, not to ${goal}`);
    return goal;
  }
  const value = target ?? defaultTarget;
  if (!(value >= targetRange.min && value <= targetRange.max)) throw new EinthovenError('E_VALIDATION', `the target must be from ${targetRange.min} to ${targetRange.max}, got ${value}`);
  return { method: goal === 'rule-out' ? 'sensitivity' : 'specificity', target: value };
}

const goalWords: Record<ThresholdMethod, string> = { f1: 'F1', youden: 'Youden' };

/** "<base name> — rule-out 0.95 (site)", the base name shortened to fit the manifest's 120 characters. */
export function derivedName(baseName: string, rule: ThresholdMethod | TargetRule): string {
  const goal = typeof rule === 'string' ? goalWords[rule] : `${rule.method === 'sensitivity' ? 'rule-out' : 'rule-in'} ${rule.target}`;
  const suffix = ` — ${goal} (site)`;
  return `${baseName.slice(0, 120 - suffix.length)}${suffix}`;
}

/** Where the package goes: `out`, else its name (made a safe folder name) in `modelsDir`; an existing package is never replaced. */
function outputOf(options: OperatingPointJobOptions, name: string): string {
  const safe = name.trim().replace(/[^\w .-]/g, '_');
  const out = options.out ?? (options.modelsDir && safe && !safe.startsWith('.') ? path.join(options.modelsDir, safe) : undefined);
  if (out === undefined) throw new EinthovenError('E_VALIDATION', 'a site operating point needs a package location to write (out) or a models folder');
  if (path.resolve(out) === path.resolve(options.model)) throw new EinthovenError('E_VALIDATION', 'the new package must not replace its base: choose another location');
  if (existsSync(out)) throw new EinthovenError('E_VALIDATION', `${out} already exists: a site operating point never replaces a package; choose another name or location`);
  return out;
}

/** A single-model package, refused otherwise: an ensemble or a PE fusion package has operating points of its own kind. */
async function loadSingle(location: string): Promise<LoadedPackage> {
  const loaded = await loadModel(location);
  if (isEnsemble(loaded)) {
    disposeModel(loaded);
    throw new EinthovenError('E_VALIDATION', `${loaded.manifest.name} is an ensemble: its operating point is fitted when it is built (ecg ensemble --thresholds)`);
  }
  if (loaded.manifest.fusion) {
    disposeModel(loaded);
    throw new EinthovenError('E_VALIDATION', `${loaded.manifest.name} is a PE fusion package: its fusion was fitted on its own temperature, which a site operating point would change`);
  }
  return loaded;
}

/** Refuses, before any record is scored, a dataset without locked test rows or with too few validation examples of a class. */
function checkSplits(dataset: Dataset, classes: readonly string[], columns: readonly number[], minimum: number): void {
  if (itemsOf(dataset, 'test').length === 0) throw new EinthovenError('E_VALIDATION', `${dataset.name}: no locked test rows: a site operating point ends with its evaluation on them; give some rows split 'test'`);
  assertChoosable(dataset.name, classes, itemsOf(dataset, 'val').map((i) => columns.map((c) => i.labels[c] as number)), minimum);
}

/** The project's minimum-examples rule (core/train/learnability.ts) on validation rows only: nothing is chosen on a class it cannot see. */
function assertChoosable(datasetName: string, classes: readonly string[], valLabels: readonly (readonly number[])[], minimum: number): void {
  const problems = learnabilityProblems(classes, { train: [], val: valLabels }, { train: 0, val: minimum });
  if (problems.length === 0) return;
  const more = problems.length > 3 ? ` (and ${problems.length - 3} more)` : '';
  throw new EinthovenError('E_VALIDATION', `${datasetName}: cannot choose an operating point: ${problems.slice(0, 3).join('; ')}${more}${overrideHint(classes, valLabels, minimum)}`);
}

/** Where the validation minimum is set: the model card's field and the CLI's flag. */
const minValExamplesWhere = '"minimum validation positives and negatives per class" on the model card, --min-val-examples in ecg operating-point';

/**
 * What a refusal adds so that a small site learns the override exists: the minimum the records
 * would pass, and where to set it. Nothing when a class has no validation positive or negative at
 * all: no override reaches below 1, and a threshold cannot be chosen on a class never seen.
 */
function overrideHint(classes: readonly string[], valLabels: readonly (readonly number[])[], minimum: number): string {
  const fewest = Math.min(...validationCounts(classes, valLabels).map((c) => Math.min(c.positives, c.negatives)));
  if (fewest < 1 || fewest >= minimum) return '';
  return `; a minimum of ${fewest} would let these records through, as an override (${minValExamplesWhere}) that the new model states: its thresholds would rest on that few examples`;
}

/** Per class, its positives and negatives among the validation rows. */
function validationCounts(classes: readonly string[], valLabels: readonly (readonly number[])[]): { positives: number; negatives: number }[] {
  return classes.map((_, j) => {
    const positives = valLabels.filter((r) => r[j] === 1).length;
    return { positives, negatives: valLabels.length - positives };
  });
}

/**
 * The lowered validation minimum in words, for the result, the manifest and the audit log; null at
 * the default or above. It names each class whose threshold rests on fewer validation examples
 * than the default, and how few, since that is what the override bought.
 */
function validationOverride(minimum: number, perClass: readonly Pick<ClassOperatingPoint, 'name' | 'validation'>[]): string | null {
  const usual = defaultMinExamples.val;
  if (minimum >= usual) return null;
  const thin = perClass.flatMap(({ name, validation }) =>
    (
      [
        ['positive', validation.positives],
        ['negative', validation.negatives],
      ] as const
    )
      .filter(([, n]) => n < usual)
      .map(([kind, n]) => `${counted(n, kind)} for class ${name}`),
  );
  const basis = thin.length > 0 ? `thresholds tuned on as few as ${thin.join(', ')}` : `every class still had at least ${usual} validation positives and negatives`;
  return `override: minimum examples per class lowered to ${minimum} in validation (default ${usual}); ${basis}; figures from so few examples are unreliable`;
}

interface Scored {
  readonly kept: DatasetItem[];
  readonly logits: number[][];
  readonly labels: number[][];
  readonly failed: { id: string; message: string }[];
  readonly outOfScope: OutOfScope;
  /** Content hash of each kept record: checked against the model's training records. */
  readonly contentHashes: ReadonlyMap<string, string>;
  /** Rate-free profile of each kept record: its copies at other sampling rates are looked for by it. */
  readonly profiles: ReadonlyMap<string, RecordProfile>;
}

/** Scores the split's records within the model's intended input (the others counted, as evaluate does): an operating point is chosen and reported on what predict gives numbers for. */
async function scoreSplit(loaded: LoadedPackage, items: readonly DatasetItem[], columns: readonly number[], options: OperatingPointJobOptions, pool: InferencePool | undefined, context: JobContext): Promise<Scored> {
  const { items: inScope, outOfScope } = await inScopeItems(loaded.manifest.name, [intendedInputOf(loaded.manifest)], items, context.signal);
  if (outOfScope.count > 0) context.onProgress?.({ kind: 'phase', phase: 'loading', message: `${items[0]?.split ?? ''} rows: ${outOfScope.note}` });
  const { kept, logits, failed, contentHashes, profiles } = await scoreItemLogits(loaded, inScope, { cacheDir: options.cacheDir, pool }, context);
  return { kept, logits, failed, outOfScope, contentHashes, profiles, labels: kept.map((i) => columns.map((c) => i.labels[c] as number)) };
}

function rate(metrics: ScoredMetrics, ci: Record<string, Interval>, name: string, figure: 'sensitivity' | 'specificity'): RateWithInterval {
  const value = metrics.perClass[name]?.[figure] ?? Number.NaN;
  const interval = ci[`${name}.${figure}`];
  return { value, low: interval?.low ?? Number.NaN, high: interval?.high ?? Number.NaN };
}

/** Why a class is left never flagged: no discrimination on validation, or only flagging nothing meets a rule-in target. */
function neverFlaggedNote(threshold: number, rule: ThresholdMethod | TargetRule): string | null {
  if (threshold < neverFlaggedThreshold) return null;
  const ruleIn = typeof rule !== 'string' && rule.method === 'specificity';
  return ruleIn ? `never flagged: no discrimination on validation, or no threshold but flagging nothing reaches specificity ≥ ${rule.target}` : 'never flagged: no discrimination on validation';
}

function perClassFigures(classes: readonly string[], val: Scored, valProbs: number[][], point: OperatingPoint, base: OperatingPoint, test: Figures, baseTest: Figures, rule: ThresholdMethod | TargetRule): ClassOperatingPoint[] {
  return classes.map((name, j) => {
    const y = val.labels.map((r) => r[j] as number);
    const threshold = point.thresholds[j] as number;
    const { tp, fp, fn, tn } = confusionAt(y, valProbs.map((r) => r[j] as number), threshold);
    return {
      name,
      threshold,
      baseThreshold: base.thresholds[j] as number,
      validation: { positives: tp + fn, negatives: tn + fp, sensitivity: tp / Math.max(1, tp + fn), specificity: tn / Math.max(1, tn + fp) },
      note: neverFlaggedNote(threshold, rule),
      test: { sensitivity: rate(test.metrics, test.ci, name, 'sensitivity'), specificity: rate(test.metrics, test.ci, name, 'specificity') },
      baseTest: { sensitivity: rate(baseTest.metrics, baseTest.ci, name, 'sensitivity'), specificity: rate(baseTest.metrics, baseTest.ci, name, 'specificity') },
    };
  });
}

/**
 * How many validation and test records the model trained or validated on, as `ecg evaluate`
 * counts them: by content, or by a copy at another sampling rate in the dataset's folder (PTB-XL
 * keeps each ECG at 100 and 500 Hz; a site labelling the 500 Hz files of records the model learned
 * at 100 Hz, as a labels CSV over records it learned or PTB-XL renumbered, holds such): thresholds
 * chosen on records it learned are optimistic, and test figures on them are no locked test
 * (seenInTrainingNote names which), so they are not kept as the site's evaluation.
 */
async function overlapWithTraining(loaded: LoadedPackage, dataset: Dataset, val: Scored, test: Scored, signal: AbortSignal | undefined): Promise<Pick<OperatingPointJobResult, 'trainingOverlap' | 'notLockedTest'>> {
  const { name } = loaded.manifest;
  // Its own records and those of every base its weights started from (a fine-tuning's), as evaluate counts them.
  const records = trainingRecordsOf(loaded.manifest);
  const hashes = (s: Scored) => s.kept.map((i) => s.contentHashes.get(i.id));
  // One search of the folder for both splits: each search decodes every record beside the dataset.
  const both = { contentHashes: new Map([...val.contentHashes, ...test.contentHashes]), profiles: new Map([...val.profiles, ...test.profiles]) };
  const copies = await rateCopiesOf(loaded, dataset, [...val.kept, ...test.kept], both, signal);
  const validation = trainingOverlap(name, records, hashes(val), 'the temperature and thresholds were chosen on records it had learned, so they and the validation figures are optimistic', 'validation record', copies);
  const onTest = trainingOverlap(name, records, hashes(test), undefined, 'test record', copies);
  // As evaluate's: test records the base saw, or whether it saw them unknown, make the figures no locked test.
  const notLockedTest = seenInTrainingNote(onTest, seenRecordIds(loaded, test.kept, test.contentHashes, copies)) ?? unknownOverlapNote([loaded.manifest], datasetSha256(dataset));
  return { trainingOverlap: { validation, test: onTest }, notLockedTest };
}

/** Says, as the job goes, what the overlap makes of its figures: the user of a long run should not learn it only at the end. */
function warnOfOverlap(overlap: Pick<OperatingPointJobResult, 'trainingOverlap' | 'notLockedTest'>, context: JobContext): void {
  const warnings = [overlap.trainingOverlap.validation.inTraining ? overlap.trainingOverlap.validation.note : null, overlap.notLockedTest];
  for (const warning of warnings) if (warning) context.onProgress?.({ kind: 'phase', phase: 'evaluating', message: `warning: ${warning}` });
}

/** The temperature fitted on the validation logits, then the goal's thresholds on the calibrated validation probabilities. */
function chooseOnValidation(val: Scored, rule: ThresholdMethod | TargetRule): { valProbs: number[][]; operatingPoint: OperatingPoint } {
  const { temperature, note } = calibrationTemperature(val.labels, val.logits);
  const valProbs = probabilities(val.logits, temperature);
  const operatingPoint: OperatingPoint = {
    method: typeof rule === 'string' ? rule : rule.method,
    ...(typeof rule === 'string' ? {} : { target: rule.target }),
    thresholds: operatingThresholds(val.labels, valProbs, rule),
    temperature,
    ...(note ? { calibrationNote: note } : {}),
  };
  return { valProbs, operatingPoint };
}

/**
 * A site operating point for a model package: its temperature (calibrationTemperature) and
 * per-class thresholds (by the goal: a sensitivity target for a rule-out test, a specificity
 * target for a rule-in test, or F1 / Youden) refit on the site dataset's validation rows only,
 * a class too thin there refused; then one evaluation on the locked test rows at the new
 * operating point, with the base package's own operating point on the same records beside it.
 * Both splits are checked against the base's training-record filter: test figures on records it
 * learned are said not to be a locked test (and are not kept as the site's evaluation); the package
 * is still written, since its operating point may still be the site's choice.
 * Writes a new sealed package: the base's weights and topology byte for byte, the new operating
 * point, provenance naming the base.
 */
export async function operatingPointJob(options: OperatingPointJobOptions, context: JobContext = {}): Promise<OperatingPointJobResult> {
  const rule = ruleOf(options.goal, options.target);
  const minimum = options.minValExamples ?? defaultMinExamples.val;
  const backend = await ensureBackend(options.backend);
  const loaded = await loadSingle(options.model);
  try {
    const { manifest } = loaded;
    const name = options.name ?? derivedName(manifest.name, rule);
    const out = outputOf(options, name);
    const dataset = await indexDataset(options.dataset, manifest.preprocessing, false);
    const columns = classMapping(manifest.classes, dataset);
    checkSplits(dataset, manifest.classes, columns, minimum);
    // Validation is scored and every choice made before a test record is decoded.
    const { val, valProbs, operatingPoint, test } = await withInferencePool(resolveWorkers(options.workers), async (pool) => {
      const scored = await scoreSplit(loaded, itemsOf(dataset, 'val'), columns, options, pool, context);
      // Records that failed to decode leave the counts: the rule holds on what was really scored.
      assertChoosable(dataset.name, manifest.classes, scored.labels, minimum);
      const chosen = chooseOnValidation(scored, rule);
      context.onProgress?.({ kind: 'phase', phase: 'evaluating', message: `operating point chosen on ${scored.kept.length} validation records; now the locked test rows, once` });
      return { val: scored, ...chosen, test: await scoreSplit(loaded, itemsOf(dataset, 'test'), columns, options, pool, context) };
    });
    const seed = options.seed ?? 20;
    const paperExact = manifest.hyperParameters.paperExact === true;
    const validation = { n: val.kept.length, ...scoreWithCi(val.labels, valProbs, manifest.classes, operatingPoint.thresholds, seed, patientIdsOf(val.kept, val.kept.map((i) => i.id)), { paperExact }) };
    context.onProgress?.({ kind: 'phase', phase: 'evaluating', message: `locked test: ${test.kept.length} records at the new operating point and at ${manifest.name}'s own` });
    const testPatients = patientIdsOf(test.kept, test.kept.map((i) => i.id));
    const testProbs = probabilities(test.logits, operatingPoint.temperature);
    const testFigures = { n: test.kept.length, ...scoreWithCi(test.labels, testProbs, manifest.classes, operatingPoint.thresholds, seed, testPatients, { paperExact }), calibration: calibrationByClass(testProbs, test.labels, manifest.classes) };
    const baseProbs = probabilities(test.logits, manifest.operatingPoint.temperature);
    const baseTest = { n: test.kept.length, ...scoreWithCi(test.labels, baseProbs, manifest.classes, manifest.operatingPoint.thresholds, seed, testPatients, { paperExact }) };
    const perClass = perClassFigures(manifest.classes, val, valProbs, operatingPoint, manifest.operatingPoint, testFigures, baseTest, rule);
    const override = validationOverride(minimum, perClass);
    const overlap = await overlapWithTraining(loaded, dataset, val, test, context.signal);
    warnOfOverlap(overlap, context);
    const written = await savePackage({ model: options.model, out, name }, loaded, dataset, { operatingPoint, validation, backend: backend.active, seed, override, minimum });
    return {
      out,
      manifest: written,
      goal: options.goal,
      operatingPoint,
      base: { id: manifest.id, name: manifest.name, operatingPoint: manifest.operatingPoint },
      dataset: dataset.name,
      classes: [...manifest.classes],
      validation: { ...validation, note: 'optimistic: the temperature and thresholds were chosen on these records' },
      test: testFigures,
      baseTest,
      perClass,
      override,
      failed: [...val.failed, ...test.failed],
      testFailed: test.failed,
      outOfScope: { validation: val.outOfScope, test: test.outOfScope },
      ...overlap,
    };
  } finally {
    disposeModel(loaded);
  }
}

/**
 * The site's dataset as the package keeps it (provenance.operatingPointDataset): its name, the
 * digest of its index (ids, splits, labels: what `ecg evaluate` reports as datasetSha256), each
 * split's rows and what each split was for here.
 */
function siteDatasetOf(dataset: Dataset): NonNullable<ModelManifest['provenance']['operatingPointDataset']> {
  const records = { train: itemsOf(dataset, 'train').length, val: itemsOf(dataset, 'val').length, test: itemsOf(dataset, 'test').length };
  return { name: dataset.name, sha256: datasetSha256(dataset), records, split: 'site operating point: temperature and thresholds chosen on the validation rows; the test rows read once to report, its locked test; the training rows unused' };
}

/**
 * The new package: the base's bytes, the new operating point, provenance naming the base. The
 * training provenance (dataset, records, training-record filter, epochs) stays the base's: it
 * describes the weights, which did not change. Validation is the site's, where the operating point
 * was chosen; the site's locked-test figures are reported and recorded as a site evaluation (unless
 * the base saw some of those records), not kept as the package's own test split, which would read as
 * the base dataset's.
 */
async function savePackage(
  where: { readonly model: string; readonly out: string; readonly name: string },
  loaded: LoadedPackage,
  dataset: Dataset,
  fit: { operatingPoint: OperatingPoint; validation: Figures; backend: string; seed: number; override: string | null; minimum: number },
): Promise<ModelManifest> {
  const base = loaded.manifest;
  const method = operatingPointMethodText(fit.operatingPoint);
  const trainedOn = `weights: ${base.name}'s (${base.id}), trained on ${base.provenance.dataset.name}, unchanged`;
  const site = `${dataset.name}'s validation rows (${fit.validation.n} records, dataset index SHA-256 ${datasetSha256(dataset)})`;
  const provenance = {
    ...base.provenance,
    // The split that made the weights is the base's; the one that chose the operating point is the site's.
    dataset: { ...base.provenance.dataset, split: `weights: ${base.provenance.dataset.split}; operating point: ${site}, its test rows read once to report` },
    backend: fit.backend,
    seed: fit.seed,
    selection: `no training: only the operating point (temperature, then thresholds: ${method}) was refit, on ${site}; the validation figures are on those rows${fit.override ? `; ${fit.override}` : ''}`,
    validation: { n: fit.validation.n, metrics: fit.validation.metrics as unknown as Record<string, unknown>, ci: fit.validation.ci },
    // The base's test split and fine-tuning comparison describe the base at its own operating point, as do the readings its test replaced.
    test: undefined,
    comparison: undefined,
    replacedTests: undefined,
    base: { id: base.id, name: base.name, mode: 'operating-point' as const, inference: base.inference },
    operatingPointMinValExamples: fit.minimum,
    // The site's data as a digest, not only in words: its test split is this package's locked test, which --attach holds figures to.
    operatingPointDataset: siteDatasetOf(dataset),
  };
  const description = `${base.name} (${base.id}) at a site operating point: ${method}, temperature refit, on ${dataset.name}'s validation rows; ${trainedOn}.`;
  return saveDerivedPackage(where.out, { manifest: base, bytes: await readPackage(where.model) }, { name: where.name, description, operatingPoint: fit.operatingPoint, provenance });
}
