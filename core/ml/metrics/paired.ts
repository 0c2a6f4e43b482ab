import { EinthovenError } from '../../errors';
import { percentile } from './bootstrap';
import { drawResamples, resamplePlan } from './resample';

/**
 * Paired comparison of two models scored on the same records: is A better than B, and by how much?
 * Checked against a numpy/scipy reference (scripts/fixtures/metrics_paired.py).
 */

/**
 * DeLong's test of two correlated ROC AUCs (DeLong, DeLong & Clarke-Pearson 1988); with patient
 * ids, its clustered extension (Obuchowski 1997), whose variance is DeLong's when every patient
 * has one record.
 */
export interface DelongResult {
  readonly aucA: number;
  readonly aucB: number;
  /** aucA − aucB. */
  readonly diff: number;
  /** Standard error of the difference. */
  readonly se: number;
  readonly z: number;
  /** Two-sided p-value of H0: aucA = aucB. */
  readonly p: number;
  /** Normal 95 % interval of the difference. */
  readonly ci95: [number, number];
  /** 'patient': the variance over patients (clustered); 'record': records taken as independent. */
  readonly unit: 'patient' | 'record';
}

/** How the DeLong test was computed, in words, for a printed line or a figure's note. */
export function delongMethodText(unit: DelongResult['unit']): string {
  return unit === 'patient' ? 'DeLong, clustered by patient (Obuchowski 1997)' : 'DeLong (records taken as independent)';
}

/** A paired bootstrap of a metric's difference, metric(A) − metric(B). */
export interface PairedBootstrapResult {
  readonly diff: number;
  readonly ci95: [number, number];
  /** Two-sided bootstrap p-value of H0: no difference (see `pairedFromIndices`). */
  readonly p: number;
}

/** Options of the paired bootstrap; `groups` holds one patient id per record (resampled as units). */
export interface PairedBootstrapOptions {
  readonly resamples: number;
  readonly seed: number;
  readonly groups?: ArrayLike<string>;
}

/** A metric of one class: labels (0/1) and scores of the same records. NaN where undefined. */
export type PairedMetric = (y: readonly number[], s: readonly number[]) => number;

const Z975 = 1.959963984540054;

function checkInputs(yTrue: ArrayLike<number>, scoreA: ArrayLike<number>, scoreB: ArrayLike<number>): number {
  const n = yTrue.length;
  if (scoreA.length !== n || scoreB.length !== n) {
    throw new EinthovenError('E_VALIDATION', `paired comparison needs equal lengths: ${n} labels, ${scoreA.length} and ${scoreB.length} scores`);
  }
  for (let i = 0; i < n; i++) {
    const y = yTrue[i] as number;
    if (y !== 0 && y !== 1) throw new EinthovenError('E_VALIDATION', `label ${i} is ${y}, expected 0 or 1`);
    if (Number.isNaN(scoreA[i] as number) || Number.isNaN(scoreB[i] as number)) {
      throw new EinthovenError('E_VALIDATION', `score ${i} is NaN`);
    }
  }
  return n;
}

/** 1-based midranks of values (ties share the mean of their ranks). */
function midranks(values: readonly number[]): Float64Array {
  const order = Array.from(values.keys()).sort((a, b) => (values[a] as number) - (values[b] as number));
  const ranks = new Float64Array(values.length);
  let k = 0;
  while (k < order.length) {
    let end = k;
    while (end + 1 < order.length && values[order[end + 1] as number] === values[order[k] as number]) end++;
    const rank = (k + end) / 2 + 1;
    for (let t = k; t <= end; t++) ranks[order[t] as number] = rank;
    k = end + 1;
  }
  return ranks;
}

/**
 * DeLong's structural components of one score through midranks (Sun & Xu 2014):
 * v10[i] is positive i's share of negatives scored below it (ties half), v01[j] negative j's
 * share of positives scored above it.
 */
function placements(pos: readonly number[], neg: readonly number[]): { v10: Float64Array; v01: Float64Array } {
  const m = pos.length;
  const n = neg.length;
  const all = midranks([...pos, ...neg]);
  const rp = midranks(pos);
  const rn = midranks(neg);
  const v10 = Float64Array.from(pos, (_, i) => ((all[i] as number) - (rp[i] as number)) / n);
  const v01 = Float64Array.from(neg, (_, j) => 1 - ((all[m + j] as number) - (rn[j] as number)) / m);
  return { v10, v01 };
}

const mean = (v: Float64Array) => v.reduce((a, b) => a + b, 0) / v.length;

/** Complementary error function: W. J. Cody's rational approximations below 4, a continued fraction above. */
function erfc(x: number): number {
  const ax = Math.abs(x);
  let r: number;
  if (ax < 0.5) {
    const t = x * x;
    const num = (((0.1857777061846032 * t + 3.161123743870566) * t + 113.86415415105016) * t + 377.4852376853) * t + 3209.3775891384694;
    const den = (((t + 23.601290952344122) * t + 244.0246379344442) * t + 1282.6165260773723) * t + 2844.2368334391704;
    return 1 - (x * num) / den;
  }
  if (ax < 4) {
    const num = (((((((-1.368648573827167e-7 * ax + 0.564195517478974) * ax + 7.2117582508830935) * ax + 43.162227222056735) * ax + 152.9892850469404) * ax + 339.3208167343437) * ax + 451.9189537118729) * ax + 300.4592610201616);
    const den = (((((((ax + 12.782727319629423) * ax + 77.00015293522948) * ax + 277.58544474398764) * ax + 638.9802644656314) * ax + 931.3540948506096) * ax + 790.9509253278981) * ax + 300.4592609569833);
    r = Math.exp(-ax * ax) * (num / den);
  } else {
    // Laplace's continued fraction, evaluated backwards: converges fast for large arguments.
    let fraction = ax;
    for (let k = 60; k >= 1; k--) fraction = ax + k / 2 / fraction;
    r = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / fraction;
  }
  return x < 0 ? 2 - r : r;
}

/** Two-sided normal p-value of a z statistic. */
export function twoSidedNormalP(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  return erfc(Math.abs(z) / Math.SQRT2);
}

/** Per cluster: its positives' summed V10 and negatives' summed V01 (per score), and their counts. */
interface ClusterSums {
  readonly x: Float64Array[];
  readonly y: Float64Array[];
  readonly m: Float64Array;
  readonly n: Float64Array;
}

function clusterSums(positiveCluster: readonly number[], negativeCluster: readonly number[], clusters: number, scores: readonly { v10: Float64Array; v01: Float64Array }[]): ClusterSums {
  const sums = { x: scores.map(() => new Float64Array(clusters)), y: scores.map(() => new Float64Array(clusters)), m: new Float64Array(clusters), n: new Float64Array(clusters) };
  positiveCluster.forEach((c, i) => {
    sums.m[c] = (sums.m[c] as number) + 1;
    scores.forEach((s, r) => ((sums.x[r] as Float64Array)[c] = ((sums.x[r] as Float64Array)[c] as number) + (s.v10[i] as number)));
  });
  negativeCluster.forEach((c, j) => {
    sums.n[c] = (sums.n[c] as number) + 1;
    scores.forEach((s, r) => ((sums.y[r] as Float64Array)[c] = ((sums.y[r] as Float64Array)[c] as number) + (s.v01[j] as number)));
  });
  return sums;
}

/**
 * Variance of θA − θB by Obuchowski's structural components over clusters (Biometrics 1997;
 * 53:567-578): with dX_i = (X^A_i − m_i θA) − (X^B_i − m_i θB) and dY_i alike,
 * I10/((I10−1)M²)·ΣdX² + I01/((I01−1)N²)·ΣdY² + 2·I/((I−1)MN)·ΣdX·dY, the paper's
 * var(A) + var(B) − 2cov(A, B) gathered into one sum. With one record per cluster the cross term
 * vanishes and I10 = M, I01 = N: DeLong's variance.
 */
function clusteredDiffVariance(sums: ClusterSums, aucs: readonly [number, number], counts: { readonly withPositive: number; readonly withNegative: number }): number {
  const [xa, xb] = sums.x as [Float64Array, Float64Array];
  const [ya, yb] = sums.y as [Float64Array, Float64Array];
  const clusters = sums.m.length;
  const M = sums.m.reduce((a, b) => a + b, 0);
  const N = sums.n.reduce((a, b) => a + b, 0);
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < clusters; i++) {
    const m = sums.m[i] as number;
    const n = sums.n[i] as number;
    const dx = (xa[i] as number) - m * aucs[0] - ((xb[i] as number) - m * aucs[1]);
    const dy = (ya[i] as number) - n * aucs[0] - ((yb[i] as number) - n * aucs[1]);
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  const { withPositive: i10, withNegative: i01 } = counts;
  return (i10 / ((i10 - 1) * M * M)) * sxx + (i01 / ((i01 - 1) * N * N)) * syy + ((2 * clusters) / ((clusters - 1) * M * N)) * sxy;
}

/** Dense cluster indices (0…I−1) of the records, each record its own cluster without ids. */
function clusterIndices(n: number, clusters: ArrayLike<string> | undefined): { index: number[]; count: number } {
  if (!clusters) return { index: Array.from({ length: n }, (_, i) => i), count: n };
  if (clusters.length !== n) throw new EinthovenError('E_VALIDATION', `paired comparison needs one patient id per record: ${n} records, ${clusters.length} ids`);
  const ids = new Map<string, number>();
  const index = Array.from({ length: n }, (_, i) => {
    const id = clusters[i] as string;
    if (!ids.has(id)) ids.set(id, ids.size);
    return ids.get(id) as number;
  });
  return { index, count: ids.size };
}

/**
 * Why DeLong's test has no variance to work with on these labels, or undefined when it has: it
 * needs at least two positives and two negatives, and with patient ids (clustered), positives and
 * negatives from at least two patients each. A caller with a curve to show beside others asks
 * first, where a thrown error would stop every other figure with it.
 */
export function delongUntestable(yTrue: ArrayLike<number>, patients?: ArrayLike<string>): string | undefined {
  const withPositive = new Set<string>();
  const withNegative = new Set<string>();
  let positives = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const positive = yTrue[i] === 1;
    if (positive) positives++;
    if (patients) (positive ? withPositive : withNegative).add(patients[i] as string);
  }
  const negatives = yTrue.length - positives;
  if (positives < 2 || negatives < 2) return `DeLong's test needs at least 2 positives and 2 negatives, got ${positives} and ${negatives}`;
  if (patients && (withPositive.size < 2 || withNegative.size < 2)) {
    return `DeLong's test clustered by patient needs positives and negatives from at least 2 patients each, got ${withPositive.size} and ${withNegative.size}`;
  }
  return undefined;
}

/**
 * DeLong's paired test of aucA − aucB on the same records. Without `patients` records are taken
 * as independent (unit 'record'). With one patient id per record, the variance is computed over
 * patients (Obuchowski 1997, unit 'patient'): several ECGs of one patient are correlated, and
 * treating them as independent makes the interval too narrow and the p-value too small. Needs at
 * least two positives and two negatives, from at least two patients each (the variance is
 * undefined otherwise).
 */
export function delongPaired(yTrue: ArrayLike<number>, scoreA: ArrayLike<number>, scoreB: ArrayLike<number>, patients?: ArrayLike<string>): DelongResult {
  const n = checkInputs(yTrue, scoreA, scoreB);
  const clusters = clusterIndices(n, patients);
  const pick = <T>(s: ArrayLike<T>, label: number) => {
    const out: T[] = [];
    for (let i = 0; i < n; i++) if (yTrue[i] === label) out.push(s[i] as T);
    return out;
  };
  const untestable = delongUntestable(yTrue, patients);
  if (untestable) throw new EinthovenError('E_VALIDATION', untestable);
  const positiveCluster = pick(clusters.index, 1);
  const negativeCluster = pick(clusters.index, 0);
  const counts = { withPositive: new Set(positiveCluster).size, withNegative: new Set(negativeCluster).size };
  const a = placements(pick(scoreA, 1), pick(scoreA, 0));
  const b = placements(pick(scoreB, 1), pick(scoreB, 0));
  const aucA = mean(a.v10);
  const aucB = mean(b.v10);
  const diff = aucA - aucB;
  const varDiff = clusteredDiffVariance(clusterSums(positiveCluster, negativeCluster, clusters.count, [a, b]), [aucA, aucB], counts);
  const se = Math.sqrt(Math.max(varDiff, 0));
  // Identical rankings: no difference and no spread; report that as "no evidence", not 0/0.
  const z = se === 0 ? (diff === 0 ? 0 : Math.sign(diff) * Number.POSITIVE_INFINITY) : diff / se;
  return { aucA, aucB, diff, se, z, p: twoSidedNormalP(z), ci95: [diff - Z975 * se, diff + Z975 * se], unit: patients ? 'patient' : 'record' };
}

/**
 * The paired bootstrap of any difference statistic over given resamples (lists of record
 * indices); `difference(rows)` scores both models on the same rows, and on every record when
 * `rows` is null. Resamples where it is undefined are skipped. The interval is the percentile
 * interval (numpy's linear rule) of the resampled differences; the two-sided p-value is
 * 2·min(#{d* ≤ 0} + 1, #{d* ≥ 0} + 1) / (B + 1), capped at 1 (the percentile test: p < 0.05
 * exactly when 0 lies outside the interval, and never reported as 0).
 */
export function pairedOverResamples(difference: (rows: ArrayLike<number> | null) => number, indexSets: readonly ArrayLike<number>[], level = 0.95): PairedBootstrapResult {
  const diff = difference(null);
  const diffs = indexSets.map(difference).filter(Number.isFinite).sort((x, y) => x - y);
  const below = diffs.filter((d) => d <= 0).length;
  const above = diffs.filter((d) => d >= 0).length;
  const tail = ((1 - level) / 2) * 100;
  const p = diffs.length === 0 ? Number.NaN : Math.min(1, (2 * (Math.min(below, above) + 1)) / (diffs.length + 1));
  return { diff, ci95: [percentile(diffs, tail), percentile(diffs, 100 - tail)], p };
}

/** The paired bootstrap of metric(A) − metric(B) over given resamples (see `pairedOverResamples`). */
export function pairedFromIndices(
  yTrue: ArrayLike<number>,
  scoreA: ArrayLike<number>,
  scoreB: ArrayLike<number>,
  metric: PairedMetric,
  indexSets: readonly ArrayLike<number>[],
  level = 0.95,
): PairedBootstrapResult {
  const n = checkInputs(yTrue, scoreA, scoreB);
  const all = Array.from({ length: n }, (_, i) => i);
  const difference = (selected: ArrayLike<number> | null): number => {
    const rows = selected ?? all;
    const y = Array.from(rows, (i) => yTrue[i] as number);
    return metric(y, Array.from(rows, (i) => scoreA[i] as number)) - metric(y, Array.from(rows, (i) => scoreB[i] as number));
  };
  return pairedOverResamples(difference, indexSets, level);
}

/**
 * Paired bootstrap of metric(A) − metric(B), resampling patients when `groups` is given (else
 * records), stratified so every resample keeps positives and negatives (see resample.ts).
 */
export function pairedBootstrapDiff(
  yTrue: ArrayLike<number>,
  scoreA: ArrayLike<number>,
  scoreB: ArrayLike<number>,
  metric: PairedMetric,
  opts: PairedBootstrapOptions,
): PairedBootstrapResult {
  const n = checkInputs(yTrue, scoreA, scoreB);
  const plan = resamplePlan(Array.from({ length: n }, (_, i) => [yTrue[i] as number]), opts.groups);
  return pairedFromIndices(yTrue, scoreA, scoreB, metric, drawResamples(plan, opts.resamples, opts.seed));
}
