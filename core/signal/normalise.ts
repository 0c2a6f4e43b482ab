/**
 * The paper's per-lead normalisations (paper-spec §2), each over one lead's crop, ε = 1e-8.
 * Statistics are accumulated in float64; outputs are new Float32Arrays.
 */
export const normalisations = ['minmax', 'zscore', 'rscale', 'logscale', 'l2'] as const;
export type Normalisation = (typeof normalisations)[number];

const eps = 1e-8;

function affine(x: Float32Array, offset: number, divisor: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = ((x[i] as number) - offset) / divisor;
  return out;
}

/** (x − min)/(max − min + ε). */
export function minmax(x: Float32Array): Float32Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < x.length; i++) {
    const v = x[i] as number;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (x.length === 0) return new Float32Array(0);
  return affine(x, lo, hi - lo + eps);
}

/** (x − mean)/(std + ε) with the unbiased (N − 1) std, as torch.std. */
export function zscore(x: Float32Array): Float32Array {
  const n = x.length;
  if (n === 0) return new Float32Array(0);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += x[i] as number;
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += ((x[i] as number) - mean) ** 2;
  const std = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
  return affine(x, mean, std + eps);
}

/**
 * (x − median)/(q3 − q1 + ε) with torch's conventions: the lower median (element ⌊(N−1)/2⌋
 * of the sorted values), q1 = kthvalue(⌊0.25N⌋), q3 = kthvalue(⌊0.75N⌋), 1-indexed.
 */
export function rscale(x: Float32Array): Float32Array {
  const n = x.length;
  if (n === 0) return new Float32Array(0);
  const sorted = Float64Array.from(x).sort();
  const kth = (k: number) => sorted[Math.min(n, Math.max(1, k)) - 1] as number;
  const median = sorted[(n - 1) >> 1] as number;
  return affine(x, median, kth(Math.floor(0.75 * n)) - kth(Math.floor(0.25 * n)) + eps);
}

/** log1p(|x|): the paper's code discards the sign. */
export function logscale(x: Float32Array): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = Math.log1p(Math.abs(x[i] as number));
  return out;
}

/** x/(‖x‖₂ + ε). */
export function l2(x: Float32Array): Float32Array {
  let ss = 0;
  for (let i = 0; i < x.length; i++) ss += (x[i] as number) ** 2;
  return affine(x, 0, Math.sqrt(ss) + eps);
}

const byName: Record<Normalisation, (x: Float32Array) => Float32Array> = { minmax, zscore, rscale, logscale, l2 };

/** Applies one of the paper's normalisations to a lead. */
export function normalise(x: Float32Array, method: Normalisation): Float32Array {
  return byName[method](x);
}
