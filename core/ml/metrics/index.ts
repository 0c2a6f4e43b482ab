/** Classification metrics (pure TypeScript, no tfjs), checked against scikit-learn fixtures. */
export { binarize, checkPair, column, type Matrix } from './matrix';
export { classRates, confusion, confusions, type ClassRates, type Confusion } from './confusion';
export { f1Macro, gmeanMacro, gmeanPaper, hammingAccuracy, subsetAccuracy } from './classification';
export {
  averagePrecision,
  averagePrecisionMacro,
  perClassAp,
  perClassAuc,
  precisionRecallCurve,
  rocAuc,
  rocAucMacro,
  rocCurve,
  type PrCurve,
  type RocCurve,
} from './ranking';
export { bootstrapIntervals, percentile, type BootstrapOptions, type Interval } from './bootstrap';
export { rateInterval, wilson, type RateWithCi } from './proportion';
export { aucCounts, aucInterval, macroAucInterval, newcombeAuc, type ClassAucIntervals } from './auc-interval';
export { classAucKey, metricsIntervals, metricsReport, type Averaging, type ClassReport, type MacroCoverage, type MetricsReport, type ReportOptions } from './report';
export { delongPaired, pairedBootstrapDiff, pairedFromIndices, type DelongResult, type PairedBootstrapResult, type PairedMetric } from './paired';
export { drawResamples, resamplePlan, type ResamplePlan } from './resample';
export { calibrationByClass, classCalibration, defaultCalibrationBins, type ClassCalibration, type ReliabilityBin } from './calibration';
