import { EinthovenError } from '../errors';
import type { Samples } from './sosfilt';

/** Modified Bessel function of the first kind, order 0 (power series; converges fast for the small arguments Kaiser windows use). */
export function besselI0(x: number): number {
  const q = (x * x) / 4;
  let term = 1;
  let sum = 1;
  for (let k = 1; k < 500 && term > sum * 1e-17; k++) {
    term *= q / (k * k);
    sum += term;
  }
  return sum;
}

/** Symmetric Kaiser window, `scipy.signal.get_window(('kaiser', beta), n, fftbins=False)`. */
export function kaiserWindow(n: number, beta: number): Float64Array {
  const w = new Float64Array(n);
  if (n === 1) {
    w[0] = 1;
    return w;
  }
  const alpha = (n - 1) / 2;
  const denom = besselI0(beta);
  for (let i = 0; i < n; i++) {
    const r = (i - alpha) / alpha;
    w[i] = besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / denom;
  }
  return w;
}

const sinc = (x: number): number => (x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x));

/** Windowed-sinc low-pass FIR with unit DC gain, `scipy.signal.firwin(numtaps, cutoff, window=('kaiser', beta))` (cutoff relative to Nyquist). */
export function firwinKaiser(numtaps: number, cutoff: number, beta: number): Float64Array {
  const win = kaiserWindow(numtaps, beta);
  const alpha = 0.5 * (numtaps - 1);
  const h = new Float64Array(numtaps);
  let sum = 0;
  for (let i = 0; i < numtaps; i++) {
    h[i] = cutoff * sinc(cutoff * (i - alpha)) * (win[i] as number);
    sum += h[i] as number;
  }
  for (let i = 0; i < numtaps; i++) h[i] = (h[i] as number) / sum;
  return h;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** Plan shared by every lead resampled with the same ratio and length. */
export interface ResamplePlan {
  readonly up: number;
  readonly down: number;
  readonly nIn: number;
  readonly nOut: number;
  /** Half length of SciPy's filter; output m is centred on upsampled index halfLen + m·down. */
  readonly halfLen: number;
  /** Polyphase components of (taps × up), each reversed so an output is one contiguous dot product. */
  readonly phases: readonly Float64Array[];
}

/** Reduces up/down by their gcd and designs SciPy's default filter (Kaiser β = 5, half length 10·max(up, down)). */
export function planResample(nIn: number, up: number, down: number): ResamplePlan {
  if (!Number.isInteger(up) || !Number.isInteger(down) || up < 1 || down < 1 || up > 10_000 || down > 10_000) {
    throw new EinthovenError('E_VALIDATION', `resampling factors must be integers from 1 to 10000, got ${up}/${down}`);
  }
  const g = gcd(up, down);
  const u = up / g;
  const d = down / g;
  const maxRate = Math.max(u, d);
  const halfLen = 10 * maxRate;
  const taps = firwinKaiser(2 * halfLen + 1, 1 / maxRate, 5);
  const phases = Array.from({ length: u }, (_, p) => {
    const length = Math.ceil((taps.length - p) / u);
    const phase = new Float64Array(length);
    for (let j = 0; j < length; j++) phase[length - 1 - j] = (taps[p + u * j] as number) * u;
    return phase;
  });
  // SciPy pads the filter so that output 0 sits at the filter's centre: t = halfLen + m·down.
  return { up: u, down: d, nIn, nOut: Math.ceil((nIn * u) / d), halfLen, phases };
}

/**
 * Polyphase resampling by up/down, `scipy.signal.resample_poly(x, up, down)` (zero padding
 * at the ends). Output length ceil(n·up/down).
 */
export function resamplePoly(input: Samples, up: number, down: number, plan = planResample(input.length, up, down)): Float64Array {
  if (plan.nIn !== input.length) throw new EinthovenError('E_INTERNAL', 'resample plan was made for another length');
  const x = input instanceof Float64Array ? input : Float64Array.from(input);
  const { up: u, down: d, nOut, halfLen, phases } = plan;
  if (u === 1 && d === 1) return Float64Array.from(x);
  const y = new Float64Array(nOut);
  const nIn = x.length;
  // With up = 1 the single phase is the whole (symmetric, odd-length) window-design filter.
  const symmetric = u === 1;
  for (let m = 0; m < nOut; m++) {
    // Output m = Σ_j taps[p + u·j]·x[last − j] at upsampled index t = halfLen + m·down, p = t mod u.
    const t = halfLen + m * d;
    const p = t % u;
    const g = phases[p] as Float64Array;
    const base = (t - p) / u - (g.length - 1);
    const from = Math.max(0, -base);
    const to = Math.min(g.length, nIn - base);
    y[m] = symmetric && from === 0 && to === g.length ? symmetricDot(g, x, base) : dot(g, x, from, to, base);
  }
  return y;
}

/** Like `dot` over the whole of a symmetric odd-length `g`: folds mirrored samples to halve the multiplications. */
function symmetricDot(g: Float64Array, x: Float64Array, base: number): number {
  const last = g.length - 1;
  const centre = last >> 1;
  const mid = base + last;
  let a0 = (g[centre] as number) * (x[base + centre] as number);
  let a1 = 0;
  let a2 = 0;
  let a3 = 0;
  let q = 0;
  for (; q + 3 < centre; q += 4) {
    const i = base + q;
    const j = mid - q;
    a0 += (g[q] as number) * ((x[i] as number) + (x[j] as number));
    a1 += (g[q + 1] as number) * ((x[i + 1] as number) + (x[j - 1] as number));
    a2 += (g[q + 2] as number) * ((x[i + 2] as number) + (x[j - 2] as number));
    a3 += (g[q + 3] as number) * ((x[i + 3] as number) + (x[j - 3] as number));
  }
  for (; q < centre; q++) a0 += (g[q] as number) * ((x[base + q] as number) + (x[mid - q] as number));
  return a0 + a1 + (a2 + a3);
}

/** Σ g[q]·x[base + q] for q in [from, to), four accumulators to keep the FPU busy. */
function dot(g: Float64Array, x: Float64Array, from: number, to: number, base: number): number {
  let a0 = 0;
  let a1 = 0;
  let a2 = 0;
  let a3 = 0;
  let q = from;
  for (; q + 3 < to; q += 4) {
    const i = base + q;
    a0 += (g[q] as number) * (x[i] as number);
    a1 += (g[q + 1] as number) * (x[i + 1] as number);
    a2 += (g[q + 2] as number) * (x[i + 2] as number);
    a3 += (g[q + 3] as number) * (x[i + 3] as number);
  }
  for (; q < to; q++) a0 += (g[q] as number) * (x[base + q] as number);
  return a0 + a1 + (a2 + a3);
}

/** Integer up/down factors for a rate change (500 → 100 Hz gives up 1, down 5); rates may have up to 3 decimals. */
export function rateRatio(fromHz: number, toHz: number): { up: number; down: number } {
  const scaleTo = (v: number) => Math.round(v * 1000);
  const a = scaleTo(fromHz);
  const b = scaleTo(toHz);
  if (!(a > 0 && b > 0) || Math.abs(a / 1000 - fromHz) > 1e-9 || Math.abs(b / 1000 - toHz) > 1e-9) {
    throw new EinthovenError('E_VALIDATION', `cannot resample ${fromHz} Hz to ${toHz} Hz: rates must be positive with at most 3 decimals`);
  }
  const g = gcd(a, b);
  return { up: b / g, down: a / g };
}
