import type { ModelDetail } from '../../../../core/contract/clinic-schemas';
import type { SiteEvaluation } from '../../../../core/contract/evaluation-schemas';
import { defaultMinExamples, type ModelSummary } from '../../../../core/contract/training-schemas';
import { counted } from '../../../../core/contract/counted';
import { isPulmonaryEmbolismModel, metricWithInterval, operatingPointLabel, splitLabels } from './format';

// Said the same by `ecg model inspect`: the wording lives in the contract, which both import.
export { baseTrainingText, cardDataset, cvFoldText, duplicatesText, fusionFitText, lockedTestReadings, modelRecordsText, recordsText, replacedTestsText, weightsTrainedOnText } from '../../../../core/contract/model-card-text';

/** Below this many validation positives a class's threshold and metrics rest on too few cases. */
export const fewPositives = 10;

/**
 * The model card's "intended use and limits", derived from the package itself (input, classes,
 * data, evaluations), so every model — bundled or trained here — states what it may be used for
 * and where its figures are weak. `siteEvaluation`: the newest locked-test evaluation on this
 * site's data, which can be newer than the cached detail's.
 */
export function intendedUse(model: ModelDetail, siteEvaluation: SiteEvaluation | null = model.siteEvaluation): string[] {
  const { input, intendedInput: scope } = model;
  const ages = scope.ageYears.min !== null && scope.ageYears.max !== null ? `${scope.ageYears.min}–${scope.ageYears.max} years` : scope.ageYears.min !== null ? `${scope.ageYears.min} years and older` : scope.ageYears.max !== null ? `up to ${scope.ageYears.max} years` : 'any age';
  const lines = [
    `Input: a resting 12-lead ECG of at least ${Number(scope.minSeconds.toFixed(1))} seconds${scope.minSecondsBasis === 'validation records' ? ' (its shortest validation record)' : ''}${input.rateHz === null ? '' : `, resampled to ${input.rateHz} Hz`}. Output: a calibrated probability per class (${model.classes.join(', ')}) and a decision at the operating point.`,
    `Intended for: patients aged ${ages}${scope.pacing === 'excluded' ? ', no pacemaker rhythm' : ''}; surface ECG leads only (${scope.requiredLeads.length === 12 ? 'all 12' : scope.requiredLeads.join(', ')}), sampled at ${scope.fsHz.min} Hz or faster. A record outside this gets no prediction: the model abstains and says why.`,
    'Supports, and never replaces, a physician reading the tracing. Research use only.',
    model.fusion
      ? `Fitted on ${model.dataset}${model.fusion.rows ? ` (${model.fusion.rows.train} training rows with every score item)` : ''}; its ECG network was trained on ${model.provenance.baseTraining?.dataset?.name ?? "its base model's data"} (${model.fusion.baseModel.name}'s card): performance on other populations, recording devices, children or paced rhythms is unknown until validated here.`
      : `Trained on ${model.dataset} (${model.trainRecords} training records): performance on other populations, recording devices, children or paced rhythms is unknown until validated here.`,
  ];
  if (model.demonstration) lines.push(`Demonstration model: ${model.trainRecords} training records show that the pipeline works end to end; its figures are not what the architecture can reach, and it is not for patient care.`);
  const perClass = model.validationDetail.metrics.perClass ?? {};
  const weak = model.classes.filter((c) => (perClass[c]?.support ?? 0) < fewPositives);
  if (weak.length > 0) lines.push(`Few validation positives (< ${fewPositives}) for ${weak.map((c) => `${c} (${perClass[c]?.support ?? 0})`).join(', ')}: their thresholds and metrics are unreliable.`);
  // Either locked test tells something of its quality on unseen records; only without both is it unknown.
  if (!model.test && !siteEvaluation) lines.push('Not yet evaluated on its locked test split: its quality on unseen records is unknown (the validation figures are optimistic, having chosen the epoch, thresholds and temperature).');
  if (!model.test && siteEvaluation) lines.push(`Its package carries no locked-test evaluation of its own data: its only figures on unseen records are this site's (${counted(siteEvaluation.n, 'locked test record')} of ${siteEvaluation.dataset.name}).`);
  if (model.fusion) {
    const { name, id } = model.fusion.baseModel;
    lines.push(`A PE fusion of the ECG model ${name} (${id}) with clinical score items (${model.fusion.items.join(', ')}): its probability is shown in a record's PE panel once those items are entered, beside the ECG's; a prediction of the ECG alone is ${name}'s.`);
  } else if (isPulmonaryEmbolismModel(model.classes)) lines.push('An ECG alone is weak evidence for pulmonary embolism: combine with a clinical score (Wells, PEGeD) and imaging.');
  return lines;
}

/**
 * The card's "Minimum examples": the fewest positives and negatives per class the model was
 * trained with, and, for a site operating point, the fewest its thresholds were chosen on. A
 * derived package keeps its base's training minimums, which describe the weights; shown alone
 * they would hide that the thresholds rest on fewer validation examples.
 */
export function minimumExamplesText(training: ModelDetail['provenance']['minExamples'], operatingPoint: ModelDetail['provenance']['operatingPointMinVal']): string {
  const trained = training
    ? `${training.train} positives and negatives per class in training, ${training.val} in validation${training.override ? ` (override: below the defaults ${defaultMinExamples.train} / ${defaultMinExamples.val})` : ''}`
    : 'not recorded';
  if (!operatingPoint) return trained;
  const chosen = `${operatingPoint.val} positives and negatives per class in this site's validation rows${operatingPoint.override ? ` (override: below the default ${defaultMinExamples.val})` : ''}`;
  return `operating point: ${chosen}; weights, as trained: ${trained}`;
}

/**
 * A PE fusion package's ECG network on its card, labelled as its base model's: the network's
 * operating point and its locked-test figures (its base's package, when installed here), never
 * under the fusion's name. The card's own operating point and figures are the fusion's.
 * `base`: the base model as listed, undefined when it is not installed.
 */
export function fusionNetworkText(fusion: NonNullable<ModelSummary['fusion']>, base: ModelSummary | undefined): string {
  const { name, id } = fusion.baseModel;
  const network = `Its ECG network is its base model ${name} (${id}), at that model's operating point, not this fusion's (${operatingPointLabel(fusion.networkOperatingPoint)})`;
  if (!base) return `${network}. Its locked-test figures are on its own card; it is not installed here.`;
  if (!base.test) return `${network}. ${splitLabels.none.replace("this model's", 'its')}.`;
  const auc = metricWithInterval(base.test.metrics.aucMacro, base.test.ci['aucMacro']);
  return `${network}. Its locked test: AUC ${auc} on ${counted(base.test.n, 'record')} of ${base.dataset} (the ECG alone).`;
}
