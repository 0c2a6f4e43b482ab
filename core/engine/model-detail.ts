import type { ModelDetail } from '../contract/clinic-schemas';
import type { ModelSummary } from '../contract/training-schemas';
import { jsonSafe } from '../train/finalize';
import { defaultFinetuneMode } from '../train/jobs/finetune-job';
import { describeAugmentation } from '../train/augmentation';
import { defaultMinExamples } from '../train/learnability';
import { signerOf } from '../train/package/io';
import { intendedInputOf, type ModelManifest } from '../train/package/manifest';
import { summaryOf } from '../train/service/models';
import { withRateIntervals } from '../ml/metrics/stored-rates';

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

function evaluated(m: ModelManifest['provenance']['validation']): ModelDetail['validationDetail'] {
  return { n: m.n, metrics: m.metrics as ModelSummary['validation'], ci: withRateIntervals(m).ci };
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
      ...(provenance.base ? { base: provenance.base } : {}),
      augmentation: describeAugmentation(manifest.augmentation),
      minExamples: minExamplesOf(hp.minExamples),
      operatingPointMinVal: provenance.operatingPointMinValExamples === undefined ? null : { val: provenance.operatingPointMinValExamples, override: provenance.operatingPointMinValExamples < defaultMinExamples.val },
      // The card names a few; the manifest keeps up to 100 groups for an auditor.
      ...(provenance.duplicates ? { duplicates: { ...provenance.duplicates, groups: provenance.duplicates.groups.slice(0, shownDuplicateGroups) } } : {}),
      // Its members were trained (and checked) apart; the ensemble's own validation rows are compared for nothing.
      ...(manifest.ensemble && !provenance.duplicates ? { duplicatesUnchecked: "an ensemble's validation rows are not compared for copies; its members' cards give their own training data's" } : {}),
    },
    intendedInput: intendedInputOf(manifest),
    validationDetail: evaluated(provenance.validation),
    finetuneDefaultMode: defaultFinetuneMode(manifest.architecture.name),
  });
}
