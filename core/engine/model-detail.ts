import type { ModelDetail } from '../contract/clinic-schemas';
import type { ModelSummary } from '../contract/training-schemas';
import { jsonSafe } from '../train/finalize';
import { defaultFinetuneMode } from '../train/jobs/finetune-job';
import { describeAugmentation } from '../train/augmentation';
import { defaultMinExamples } from '../train/learnability';
import { signerOf } from '../train/package/io';
import { intendedInputOf, selectedOnTest, type ModelManifest } from '../train/package/manifest';
import { bootstrapOf, summaryOf, testSummary } from '../train/service/models';
import { withWidenedIntervals } from '../ml/metrics/stored-rates';

/** Groups of duplicate rows the card lists by their row ids (all are counted). */
const shownDuplicateGroups = 3;

function minExamplesOf(value: unknown): ModelDetail['provenance']['minExamples'] {
  const m = value as { train?: unknown; val?: unknown } | undefined;
  if (typeof m?.train !== 'number' || typeof m.val !== 'number') return null;
  return { train: m.train, val: m.val, override: m.train < defaultMinExamples.train || m.val < defaultMinExamples.val };
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/**
 * The validation figures, with the records left out of them as outside the model's intended input
 * where the package counted them: its epoch and operating point were chosen on the others, and the
 * card says so beside the figures (absent in older packages, so nothing is said there); and, where
 * an earlier bootstrap made its intervals, which one (no attach rewrites validation figures).
 */
function evaluated(m: ModelManifest['provenance']['validation']): ModelDetail['validationDetail'] {
  return { n: m.n, metrics: m.metrics as ModelSummary['validation'], ci: withWidenedIntervals(m).ci, ...(m.outOfScope ? { outOfScope: m.outOfScope } : {}), ...bootstrapOf(m.metrics) };
}

function withoutTraining(base: NonNullable<ModelManifest['provenance']['base']>): NonNullable<ModelDetail['provenance']['base']> {
  const { training, ...rest } = base;
  void training;
  return rest;
}

type Duplicates = NonNullable<ModelManifest['provenance']['duplicates']>;
type DuplicatesParts = Pick<ModelDetail['provenance'], 'duplicates' | 'duplicatesUnchecked' | 'baseTraining'>;

/** The card names a few groups; the manifest keeps up to 100 for an auditor. */
const shown = (duplicates: Duplicates) => ({ ...duplicates, groups: duplicates.groups.slice(0, shownDuplicateGroups) });

/**
 * The package's own duplicate check, and a PE fusion's base's training beside it, each as whose it is.
 * A fusion made before it kept its base's training apart had copied the base's provenance, duplicates
 * included: those are shown as the base's, and its own fitting rows as never checked, which they were not.
 */
function duplicatesOf(manifest: ModelManifest): DuplicatesParts {
  const { provenance } = manifest;
  if (manifest.fusion && !provenance.base?.training) {
    return {
      duplicatesUnchecked: 'the rows this fusion was fitted on were not compared for copies (a fusion made before fusions checked their own)',
      baseTraining: { dataset: null, ...(provenance.duplicates ? { duplicates: shown(provenance.duplicates) } : {}) },
    };
  }
  const training = provenance.base?.training;
  return {
    ...(provenance.duplicates ? { duplicates: shown(provenance.duplicates) } : {}),
    // Its members were trained (and checked) apart; the ensemble's own validation rows are compared for nothing.
    ...(manifest.ensemble && !provenance.duplicates ? { duplicatesUnchecked: "an ensemble's validation rows are not compared for copies; its members' cards give their own training data's" } : {}),
    ...(training ? { baseTraining: { dataset: { name: training.dataset.name, records: training.dataset.records, split: training.dataset.split }, ...(training.duplicates ? { duplicates: shown(training.duplicates) } : {}) } } : {}),
  };
}

/** A fine-tuning's closing figures that say why they are not a locked test, shown as such; nothing otherwise. */
function testNotLockedOf(provenance: ModelManifest['provenance']): Pick<ModelDetail, 'testNotLocked'> {
  const { test } = provenance;
  if (!test?.notLockedTest || selectedOnTest(provenance)) return {};
  return { testNotLocked: { ...testSummary(test), note: test.notLockedTest } };
}

/** A site operating point's site data, which its card's dataset and records describe; nothing for any other package. */
function operatingPointDatasetOf(provenance: ModelManifest['provenance']): Pick<ModelDetail['provenance'], 'operatingPointDataset'> {
  const site = provenance.base?.mode === 'operating-point' ? provenance.operatingPointDataset : undefined;
  return site ? { operatingPointDataset: { name: site.name, sha256: site.sha256, records: site.records } } : {};
}

/** The readings of its locked test that the present figures replaced, as the card words them; nothing where there were none. */
function replacedTestsOf(replaced: ModelManifest['provenance']['replacedTests']): Pick<ModelDetail, 'replacedTests'> {
  if (!replaced || replaced.length === 0) return {};
  return {
    replacedTests: replaced.map((r) => ({
      n: r.test.n,
      aucMacro: numberOrNull(r.test.metrics.aucMacro),
      replacedAt: r.replacedAt,
      packageId: r.packageId,
      comparedWithBase: r.comparison !== undefined,
      // Figures that were no locked test when they were kept: not a reading of it.
      ...(r.test.notLockedTest ? { notLockedTest: r.test.notLockedTest } : {}),
    })),
  };
}

/**
 * The models view's description of a package, straight from its validated manifest: where it
 * came from (dataset, split, epochs, seed), how it did on validation (with bootstrap CIs), the
 * operating point its predictions use, and how a fine-tuning from it starts by default.
 */
export function modelDetail(entry: { readonly manifest: ModelManifest; readonly location: string; readonly bundled: boolean }): ModelDetail {
  const { manifest } = entry;
  const { provenance, hyperParameters: hp } = manifest;
  return jsonSafe({
    ...summaryOf(entry),
    params: manifest.architecture.params,
    weightsSha256: manifest.weightsSha256,
    ...(manifest.integrity ? { sealSha256: manifest.integrity.sha256 } : {}),
    signedBy: signerOf(manifest) ?? null,
    engineVersion: manifest.engineVersion,
    inference: manifest.inference,
    training: {
      learningRate: numberOrNull(hp.learningRate),
      batchSize: numberOrNull(hp.batchSize),
      loss: typeof hp.loss === 'string' ? hp.loss : null,
      patience: numberOrNull(hp.patience),
    },
    provenance: {
      datasetSha256: provenance.dataset.sha256,
      records: provenance.dataset.records,
      split: provenance.dataset.split,
      epochs: provenance.epochs,
      seed: provenance.seed,
      backend: provenance.backend,
      secondsPerEpoch: provenance.secondsPerEpoch,
      selection: provenance.selection,
      selectedOnTest: selectedOnTest(provenance),
      // The base's training (a fusion's) is given apart, with its duplicates cut as the package's own are.
      ...(provenance.base ? { base: withoutTraining(provenance.base) } : {}),
      augmentation: describeAugmentation(manifest.augmentation),
      minExamples: minExamplesOf(hp.minExamples),
      operatingPointMinVal: provenance.operatingPointMinValExamples === undefined ? null : { val: provenance.operatingPointMinValExamples, override: provenance.operatingPointMinValExamples < defaultMinExamples.val },
      ...operatingPointDatasetOf(provenance),
      ...duplicatesOf(manifest),
    },
    intendedInput: intendedInputOf(manifest),
    validationDetail: evaluated(provenance.validation),
    ...replacedTestsOf(provenance.replacedTests),
    ...testNotLockedOf(provenance),
    finetuneDefaultMode: defaultFinetuneMode(manifest.architecture.name),
  });
}
