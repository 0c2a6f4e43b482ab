import { createRng, type Rng } from '../../signal/rng';
import type { ParamSpec, Params, SearchSpace } from './space';

/** A finished observation the sampler learns from (higher value is better). */
export interface Observation {
  readonly params: Params;
  readonly value: number;
  /** Set for a pruned trial: how many epochs it reported and its last reported value. */
  readonly pruned?: { readonly step: number; readonly last: number };
}

/** Optuna's TPESampler defaults (univariate). */
export const tpeDefaults = { startupTrials: 10, eiCandidates: 24, priorWeight: 1 } as const;

/** Optuna's default_gamma: how many of the n observations count as "good". */
export function goodCount(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

/** Optuna's default_weights: the most recent 25 observations weigh 1, older ones ramp down. */
export function observationWeights(n: number): number[] {
  if (n < 25) return new Array<number>(n).fill(1);
  const ramp = Array.from({ length: n - 25 }, (_, i) => (n - 25 === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (n - 26)));
  return [...ramp, ...new Array<number>(25).fill(1)];
}

const sqrt2 = Math.SQRT2;
function erf(x: number): number {
  // Abramowitz–Stegun 7.1.26 (|error| < 1.5e-7): enough for mixture normalisers.
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return x >= 0 ? y : -y;
}
const normalCdf = (x: number) => 0.5 * (1 + erf(x / sqrt2));

function gaussian(rng: Rng): number {
  const u = Math.max(rng.next(), 1e-300);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

/** A truncated Gaussian mixture on [low, high] (in log space for log parameters). */
interface Mixture {
  readonly mus: number[];
  readonly sigmas: number[];
  readonly weights: number[];
  readonly low: number;
  readonly high: number;
}

/**
 * Parzen estimator of a float parameter: one Gaussian per observation plus a wide prior at the
 * centre; each bandwidth is the larger gap to its sorted neighbours, clipped to
 * [range / min(100, n + 1), range] (hyperopt's and Optuna's univariate rule).
 */
export function floatEstimator(values: readonly number[], weights: readonly number[], low: number, high: number, priorWeight: number): Mixture {
  const range = high - low;
  const points = [...values.map((v, i) => ({ mu: v, w: weights[i] as number })), { mu: (low + high) / 2, w: priorWeight, prior: true }];
  const order = points.map((p, i) => ({ ...p, i })).sort((a, b) => a.mu - b.mu);
  const minSigma = range / Math.min(100, points.length + 1);
  const sigmas = new Array<number>(points.length);
  order.forEach((p, k) => {
    if ('prior' in p && p.prior) {
      sigmas[p.i] = range;
      return;
    }
    const left = p.mu - (k > 0 ? (order[k - 1] as { mu: number }).mu : low);
    const right = (k + 1 < order.length ? (order[k + 1] as { mu: number }).mu : high) - p.mu;
    sigmas[p.i] = Math.min(range, Math.max(minSigma, left, right));
  });
  const total = points.reduce((s, p) => s + p.w, 0);
  return { mus: points.map((p) => p.mu), sigmas, weights: points.map((p) => p.w / total), low, high };
}

export function mixtureLogPdf(m: Mixture, x: number): number {
  let density = 0;
  m.mus.forEach((mu, k) => {
    const s = m.sigmas[k] as number;
    const z = normalCdf((m.high - mu) / s) - normalCdf((m.low - mu) / s);
    density += ((m.weights[k] as number) * Math.exp(-0.5 * ((x - mu) / s) ** 2)) / (s * Math.sqrt(2 * Math.PI) * Math.max(z, 1e-12));
  });
  return Math.log(Math.max(density, 1e-300));
}

export function mixtureSample(m: Mixture, rng: Rng): number {
  let u = rng.next();
  let k = 0;
  while (k < m.weights.length - 1 && u > (m.weights[k] as number)) u -= m.weights[k++] as number;
  for (let tries = 0; tries < 100; tries++) {
    const x = (m.mus[k] as number) + (m.sigmas[k] as number) * gaussian(rng);
    if (x >= m.low && x <= m.high) return x;
  }
  return Math.min(m.high, Math.max(m.low, m.mus[k] as number));
}

/** Categorical Parzen estimator: weighted counts plus the prior spread evenly over the choices. */
export function categoricalEstimator(indices: readonly number[], weights: readonly number[], choices: number, priorWeight: number): number[] {
  const p = new Array<number>(choices).fill(priorWeight / choices);
  indices.forEach((c, i) => (p[c] = (p[c] as number) + (weights[i] as number)));
  const total = p.reduce((a, b) => a + b, 0);
  return p.map((v) => v / total);
}

function sampleRandom(spec: ParamSpec, rng: Rng): string | number | boolean {
  if (spec.kind === 'categorical') return spec.choices[rng.int(0, spec.choices.length - 1)] as string | number | boolean;
  if (spec.log) return Math.exp(rng.uniform(Math.log(spec.low), Math.log(spec.high)));
  return rng.uniform(spec.low, spec.high);
}

/**
 * Optuna's ranking of a pruned trial (`_get_pruned_trial_score`, maximising): the deeper it got
 * the better, then the higher its last reported value; a NaN last value ranks last at its depth.
 */
function prunedOrder(a: NonNullable<Observation['pruned']>, b: NonNullable<Observation['pruned']>): number {
  const value = (p: NonNullable<Observation['pruned']>) => (Number.isNaN(p.last) ? -Infinity : p.last);
  return b.step - a.step || value(b) - value(a);
}

/**
 * Splits observations (in trial order) into good and bad as Optuna's TPE does (`_split_trials`):
 * the best completed trials fill the ⌈10 %⌉ good slots first; only when too few trials completed
 * do pruned ones take the rest, ranked by how far they got and then by their last value —
 * never by a value they reached before being stopped, as if they had completed.
 */
export function tpeSplit(observations: readonly Observation[]): { good: Observation[]; bad: Observation[]; goodW: number[]; badW: number[] } {
  const nGood = goodCount(observations.length);
  const indexed = observations.map((o, i) => ({ o, i }));
  const complete = indexed.filter((r) => !r.o.pruned).sort((a, b) => b.o.value - a.o.value || a.i - b.i);
  const pruned = indexed.filter((r) => r.o.pruned).sort((a, b) => prunedOrder(a.o.pruned as NonNullable<Observation['pruned']>, b.o.pruned as NonNullable<Observation['pruned']>) || a.i - b.i);
  const ranked = [...complete.slice(0, nGood), ...pruned.slice(0, Math.max(0, nGood - complete.length))];
  const goodSet = new Set(ranked.map((r) => r.i));
  const good = observations.filter((_, i) => goodSet.has(i));
  const bad = observations.filter((_, i) => !goodSet.has(i));
  return { good, bad, goodW: observationWeights(good.length), badW: observationWeights(bad.length) };
}

function sampleOne(name: string, spec: ParamSpec, observations: readonly Observation[], rng: Rng): string | number | boolean {
  const { good, bad, goodW, badW } = tpeSplit(observations.filter((o) => name in o.params));
  if (spec.kind === 'categorical') {
    const index = (o: Observation) => Math.max(0, spec.choices.indexOf(o.params[name] as string | number | boolean));
    const l = categoricalEstimator(good.map(index), goodW, spec.choices.length, tpeDefaults.priorWeight);
    const g = categoricalEstimator(bad.map(index), badW, spec.choices.length, tpeDefaults.priorWeight);
    let best = 0;
    let bestScore = -Infinity;
    for (let c = 0; c < tpeDefaults.eiCandidates; c++) {
      let u = rng.next();
      let k = 0;
      while (k < l.length - 1 && u > (l[k] as number)) u -= l[k++] as number;
      const score = Math.log(l[k] as number) - Math.log(g[k] as number);
      if (score > bestScore) [best, bestScore] = [k, score];
    }
    return spec.choices[best] as string | number | boolean;
  }
  const to = (v: number) => (spec.log ? Math.log(v) : v);
  const low = to(spec.low);
  const high = to(spec.high);
  const l = floatEstimator(good.map((o) => to(o.params[name] as number)), goodW, low, high, tpeDefaults.priorWeight);
  const g = floatEstimator(bad.map((o) => to(o.params[name] as number)), badW, low, high, tpeDefaults.priorWeight);
  let best = (low + high) / 2;
  let bestScore = -Infinity;
  for (let c = 0; c < tpeDefaults.eiCandidates; c++) {
    const x = mixtureSample(l, rng);
    const score = mixtureLogPdf(l, x) - mixtureLogPdf(g, x);
    if (score > bestScore) [best, bestScore] = [x, score];
  }
  return spec.log ? Math.exp(best) : best;
}

/**
 * Tree-structured Parzen Estimator (Bergstra et al. 2011) as Optuna's default TPESampler:
 * random for the first 10 trials, then per parameter the candidate (of 24 drawn from l(x))
 * maximising l(x)/g(x), where l models the best ⌈10 %⌉ of trials and g the rest. Seeded by
 * (seed, trial number), so a resumed study proposes exactly what it would have.
 */
export function sampleTpe(space: SearchSpace, observations: readonly Observation[], seed: number, trialNumber: number): Params {
  const rng = createRng((seed * 1_000_003 + trialNumber * 7919) >>> 0);
  const usable = observations.filter((o) => Number.isFinite(o.value) || o.pruned);
  const params: Params = {};
  for (const [name, spec] of Object.entries(space)) {
    params[name] = usable.length < tpeDefaults.startupTrials ? sampleRandom(spec, rng) : sampleOne(name, spec, usable, rng);
  }
  return params;
}
