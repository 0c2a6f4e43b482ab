import { EinthovenError } from '../../errors';

/**
 * L2-penalised logistic regression fitted by Newton–Raphson (IRLS) on standardised features:
 * small, deterministic and interpretable (one weight per feature, in standard deviations).
 * The intercept is not penalised. For the handful of features a fusion model has, the Hessian
 * is tiny and solved directly.
 */
export interface LogisticModel {
  /** Per-feature mean and standard deviation used to standardise (fitted on the training rows). */
  readonly mean: number[];
  readonly std: number[];
  /** Weights of the standardised features, then the intercept. */
  readonly weights: number[];
  readonly intercept: number;
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** Solves A x = b (A symmetric positive definite, small) by Gaussian elimination with partial pivoting. */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i] as number]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs((m[r] as number[])[c] as number) > Math.abs((m[pivot] as number[])[c] as number)) pivot = r;
    [m[c], m[pivot]] = [m[pivot] as number[], m[c] as number[]];
    const row = m[c] as number[];
    const d = row[c] as number;
    if (Math.abs(d) < 1e-300) throw new EinthovenError('E_VALIDATION', 'logistic regression: singular system');
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const other = m[r] as number[];
      const f = (other[c] as number) / d;
      for (let k = c; k <= n; k++) other[k] = (other[k] as number) - f * (row[k] as number);
    }
  }
  return m.map((row, i) => (row[n] as number) / (row[i] as number));
}

/** The model's logit for one row of raw (unstandardised) features. */
export function logisticLogit(model: LogisticModel, x: readonly number[]): number {
  return model.weights.reduce((s, w, j) => s + (w * ((x[j] as number) - (model.mean[j] as number))) / (model.std[j] as number), model.intercept);
}

/** Fits the model; `l2` is the penalty on the standardised weights (1 by default). */
export function fitLogistic(x: readonly (readonly number[])[], y: readonly number[], l2 = 1): LogisticModel {
  const n = x.length;
  const d = (x[0] ?? []).length;
  if (n === 0 || y.length !== n) throw new EinthovenError('E_VALIDATION', `logistic regression needs rows and as many labels (${n} rows, ${y.length} labels)`);
  if (!y.includes(1) || !y.includes(0)) throw new EinthovenError('E_VALIDATION', 'logistic regression needs both outcomes among the training rows');
  const mean = Array.from({ length: d }, (_, j) => x.reduce((s, r) => s + (r[j] as number), 0) / n);
  // A constant feature (e.g. an item nobody had) gets std 1: its weight is then pinned to 0 by the penalty.
  const std = mean.map((m, j) => Math.sqrt(x.reduce((s, r) => s + ((r[j] as number) - m) ** 2, 0) / n) || 1);
  const z = x.map((r) => r.map((v, j) => (v - (mean[j] as number)) / (std[j] as number)));
  let beta = new Array<number>(d + 1).fill(0); // weights..., intercept
  for (let iteration = 0; iteration < 100; iteration++) {
    const grad = new Array<number>(d + 1).fill(0);
    const hess = Array.from({ length: d + 1 }, () => new Array<number>(d + 1).fill(0));
    z.forEach((row, i) => {
      const features = [...row, 1];
      const p = sigmoid(features.reduce((s, v, j) => s + v * (beta[j] as number), 0));
      const w = Math.max(p * (1 - p), 1e-12);
      features.forEach((a, j) => {
        grad[j] = (grad[j] as number) + (p - (y[i] as number)) * a;
        features.forEach((b, k) => ((hess[j] as number[])[k] = ((hess[j] as number[])[k] as number) + w * a * b));
      });
    });
    for (let j = 0; j < d; j++) {
      grad[j] = (grad[j] as number) + l2 * (beta[j] as number);
      (hess[j] as number[])[j] = ((hess[j] as number[])[j] as number) + l2;
    }
    const step = solve(hess, grad);
    beta = beta.map((b, j) => b - (step[j] as number));
    if (Math.max(...step.map(Math.abs)) < 1e-10) break;
  }
  return { mean, std, weights: beta.slice(0, d), intercept: beta[d] as number };
}
