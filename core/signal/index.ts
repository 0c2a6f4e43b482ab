/**
 * core/signal: filters and resampling equal to SciPy, the paper's model-input pipeline,
 * QRS detection, measurements and signal quality.
 *
 * Signal layout for the pipeline: `LeadSignal = { signal: Float32Array[], fs }`, leads ×
 * samples, one array per lead in the config's lead order (canonical I, II, III, aVR, aVL,
 * aVF, V1..V6 by default; use `recordToLeadSignal`), all of equal length, values in mV
 * before normalisation.
 */
export { butter, filterBands, type FilterBand } from './butter';
export type { Sos } from './sos';
export { sosfilt, sosfiltfilt, sosfiltZi, sosfiltfiltPadlen, iirnotch, type Samples } from './sosfilt';
export { resamplePoly, resampleLeads, planResample, rateRatio, firwinKaiser, kaiserWindow, type ResamplePlan } from './resample';
export { createRng, type Rng } from './rng';
export { normalise, normalisations, minmax, zscore, rscale, logscale, l2, type Normalisation } from './normalise';
export { augment, paperAugmentation, augmentationKinds, type AugmentationKind, type AugmentationParams } from './augment';
export {
  pipelineConfigSchema,
  paperPipelineConfig,
  stageSchema,
  augmentationSchema,
  type PipelineConfig,
  type PipelineConfigInput,
  type Stage,
} from './pipeline-config';
export { buildPipeline, windowStarts, cropAt, type Pipeline, type LeadSignal, type RunOptions } from './pipeline';
export { fitStandardisation } from './standardise';
export { recordToLeadSignal } from './leads';
export { detectQrs, type BeatDetection } from './qrs';
export { detectPacing, minPacingRateHz, type PacingResult } from './pacing';
export { matchBeats, totalMatch, type BeatMatch } from './beat-match';
export { analyseEcg, type EcgAnalysis, type EcgMeasurements } from './measure';
export { qtcFormulas, qtcFormulaText, correctQt, qtcAll, type QtcFormula } from './qtc';
export { frontalAxis } from './axis';
export { assessLead, leadQualityMetrics, qualityIssues, qualityThresholds, type LeadQuality, type LeadQualityMetrics, type QualityIssue } from './quality';
export { assessRecord, qualityVerdicts, issueText, type RecordQuality, type QualityVerdict, type NamedLead } from './record-quality';
export { readWfdbAnnotations, type WfdbAnnotation } from './wfdb-annotations';
