import type { ClassCalibrationInfo } from '../../../../core/contract/evaluation-schemas';
import { counted } from '../../../../core/contract/counted';

/**
 * The reliability diagram of one class, as drawn: each non-empty bin a point at (mean
 * probability, share positive), its area growing with its records, on a square plot whose
 * diagonal is perfect calibration. Pure geometry and wording, so both can be tested.
 */
export interface ReliabilityGeometry {
  readonly size: number;
  readonly pad: number;
  readonly plot: number;
  readonly points: readonly ReliabilityPoint[];
  /** The points joined in order of probability (SVG polyline). */
  readonly path: string;
}

export interface ReliabilityPoint {
  readonly x: number;
  readonly y: number;
  readonly r: number;
  /** What the point says, in words (its tooltip). */
  readonly label: string;
}

const smallest = 2;
const largest = 7;

export function reliabilityGeometry(calibration: ClassCalibrationInfo, size = 170, pad = 24): ReliabilityGeometry {
  const plot = size - 2 * pad;
  const filled = calibration.bins.filter((b) => b.n > 0 && b.meanPredicted !== null && b.observed !== null);
  const most = Math.max(1, ...filled.map((b) => b.n));
  const points = filled.map((b) => ({
    x: pad + (b.meanPredicted as number) * plot,
    y: pad + (1 - (b.observed as number)) * plot,
    // Area, not radius, in proportion to the records: a bin of 4 must not look half as sure as one of 400.
    r: smallest + (largest - smallest) * Math.sqrt(b.n / most),
    label: `probabilities ${b.lo.toFixed(1)}–${b.hi.toFixed(1)}: ${counted(b.n, 'record')}, mean ${(b.meanPredicted as number).toFixed(2)}, ${Math.round((b.observed as number) * 100)} % positive`,
  }));
  return { size, pad, plot, points, path: points.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ') };
}

const f3 = (v: number) => v.toFixed(3);

/** The figure's counts under it: "40 records, 12 positive". */
export function calibrationCounts(calibration: Pick<ClassCalibrationInfo, 'n' | 'positives'>): string {
  return `${counted(calibration.n, 'record')}, ${calibration.positives} positive`;
}

/** The mean probability given and the share of records that were positive: the simplest sign of a shifted model. */
function averages(calibration: ClassCalibrationInfo): { meanProbability: number; prevalence: number } | null {
  if (calibration.n === 0) return null;
  const weighted = calibration.bins.reduce((sum, b) => sum + (b.meanPredicted === null ? 0 : b.n * b.meanPredicted), 0);
  return { meanProbability: weighted / calibration.n, prevalence: calibration.positives / calibration.n };
}

/**
 * How to read this class's ECE: against what a perfectly calibrated model would show on as many
 * records (binning noise alone gives a few dozen records an ECE near 0.1), never against 0.
 */
export function calibrationVerdict(calibration: ClassCalibrationInfo): string {
  const { ece, eceIfCalibrated, n } = calibration;
  if (n === 0 || ece === null) return 'no records: calibration not measured';
  const bound = eceIfCalibrated.p95;
  const mean = averages(calibration);
  const shift = mean ? `mean probability ${f3(mean.meanProbability)} against ${Math.round(mean.prevalence * 100)} % positive` : '';
  if (bound === null) return `ECE ${f3(ece)} (no chance bound to read it against); ${shift}`;
  const chance = `a calibrated model would stay under ${f3(bound)} on ${counted(n, 'record')} 95 % of the time`;
  if (ece <= bound) return `ECE ${f3(ece)}: within chance (${chance}); ${shift}`;
  return `ECE ${f3(ece)}: beyond chance (${chance}): read its probabilities with care; ${shift}`;
}

