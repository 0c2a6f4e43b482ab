import { createRng } from '../../signal/rng';

/**
 * How far a model's probabilities can be taken at their word, per class: the Brier score, the
 * expected calibration error and the reliability diagram's bins. A calibrated 0.8 should come
 * true for about 80 % of the records given it; discrimination (AUC) says nothing about that,
 * and a probability shown to a physician is read as one.
 *
 * Bins are scikit-learn's `calibration_curve(strategy='uniform')`: ten equal widths, a
 * probability on an inner edge falling in the lower bin (the edges computed as NumPy's
 * linspace computes them). Golden values: scripts/fixtures/calibration.py.
 */
export interface ReliabilityBin {
  readonly lo: number;
  readonly hi: number;
  /** Records whose probability fell in the bin. */
  readonly n: number;
  /** Mean probability and share of positives of those records; null for an empty bin. */
  readonly meanPredicted: number | null;
  readonly observed: number | null;
}

export interface ClassCalibration {
  readonly n: number;
  readonly positives: number;
  /** Mean squared difference between probability and outcome (0 best; 0.25 for a constant 0.5). */
  readonly brier: number;
  /** Records-weighted mean |observed − mean predicted| over the bins. */
  readonly ece: number;
  readonly bins: ReliabilityBin[];
  /**
   * The ECE a perfectly calibrated model would show on these same probabilities (outcomes drawn
   * as Bernoulli(p), seeded): mean and 95th percentile. On a few dozen records binning noise
   * alone gives an ECE near 0.1, so an ECE is read against this, not against 0.
   */
  readonly eceIfCalibrated: { readonly mean: number; readonly p95: number };
}

export const defaultCalibrationBins = 10;

/** The edges between the bins, as NumPy's linspace computes them (k × step). */
function innerEdges(binCount: number): number[] {
  const step = 1 / binCount;
  return Array.from({ length: binCount - 1 }, (_, k) => (k + 1) * step);
}

/** The bin of a probability: how many inner edges lie strictly below it. */
function binOf(p: number, edges: readonly number[]): number {
  let b = 0;
  while (b < edges.length && (edges[b] as number) < p) b++;
  return b;
}

export function classCalibration(probabilities: readonly number[], labels: readonly number[], binCount = defaultCalibrationBins): ClassCalibration {
  if (probabilities.length !== labels.length) throw new RangeError(`${probabilities.length} probabilities for ${labels.length} labels`);
  const step = 1 / binCount;
  const inner = innerEdges(binCount);
  const sums = Array.from({ length: binCount }, () => ({ n: 0, p: 0, y: 0 }));
  let squared = 0;
  let positives = 0;
  probabilities.forEach((p, i) => {
    const y = labels[i] as number;
    const bin = sums[binOf(p, inner)] as { n: number; p: number; y: number };
    bin.n++;
    bin.p += p;
    bin.y += y;
    squared += (p - y) ** 2;
    positives += y;
  });
  const n = probabilities.length;
  const bins = sums.map((s, b) => ({ lo: b * step, hi: (b + 1) * step, n: s.n, meanPredicted: s.n > 0 ? s.p / s.n : null, observed: s.n > 0 ? s.y / s.n : null }));
  const ece = n === 0 ? Number.NaN : binnedEce(probabilities, labels, binCount);
  return { n, positives, brier: n === 0 ? Number.NaN : squared / n, ece, bins, eceIfCalibrated: eceUnderPerfectCalibration(probabilities, binCount) };
}

const perfectCalibrationDraws = 1000;
const perfectCalibrationSeed = 20261205;

function eceUnderPerfectCalibration(probabilities: readonly number[], binCount: number): { mean: number; p95: number } {
  if (probabilities.length === 0) return { mean: Number.NaN, p95: Number.NaN };
  const rng = createRng(perfectCalibrationSeed);
  const eces = Array.from({ length: perfectCalibrationDraws }, () => {
    const outcomes = probabilities.map((p) => (rng.next() < p ? 1 : 0));
    return binnedEce(probabilities, outcomes, binCount);
  }).sort((a, b) => a - b);
  const mean = eces.reduce((a, b) => a + b, 0) / eces.length;
  return { mean, p95: eces[Math.ceil(0.95 * eces.length) - 1] as number };
}

/** ECE alone (the simulation's inner loop): the same bins as classCalibration. */
function binnedEce(probabilities: readonly number[], labels: readonly number[], binCount: number): number {
  const inner = innerEdges(binCount);
  const n = new Float64Array(binCount);
  const p = new Float64Array(binCount);
  const y = new Float64Array(binCount);
  probabilities.forEach((prob, i) => {
    const b = binOf(prob, inner);
    n[b] = (n[b] as number) + 1;
    p[b] = (p[b] as number) + prob;
    y[b] = (y[b] as number) + (labels[i] as number);
  });
  let ece = 0;
  for (let b = 0; b < binCount; b++) if ((n[b] as number) > 0) ece += Math.abs((y[b] as number) - (p[b] as number)) / probabilities.length;
  return ece;
}

/** Per class, from a records × classes matrix of probabilities and 0/1 labels. */
export function calibrationByClass(probabilities: readonly (readonly number[])[], labels: readonly (readonly number[])[], classes: readonly string[], binCount = defaultCalibrationBins): Record<string, ClassCalibration> {
  return Object.fromEntries(
    classes.map((name, c) => [
      name,
      classCalibration(
        probabilities.map((row) => row[c] as number),
        labels.map((row) => row[c] as number),
        binCount,
      ),
    ]),
  );
}
