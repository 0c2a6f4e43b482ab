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
  return resampleLeads([input], up, down, plan)[0] as Float64Array;
}

/** `resamplePoly` for several equal-length leads at once (faster: pairs of leads share each filter tap load). */
export function resampleLeads(inputs: readonly Samples[], up: number, down: number, plan = planResample(inputs[0]?.length ?? 0, up, down)): Float64Array[] {
  const xs = inputs.map((x) => {
    if (x.length !== plan.nIn) throw new EinthovenError('E_VALIDATION', `resample plan was made for ${plan.nIn} samples, got ${x.length}`);
    return x instanceof Float64Array ? x : Float64Array.from(x);
  });
  if (plan.up === 1 && plan.down === 1) return xs.map((x) => Float64Array.from(x));
  const ys = xs.map(() => new Float64Array(plan.nOut));
  // With up = 1 the single phase is the whole window-design filter, symmetric and odd-length.
  if (plan.up !== 1) {
    xs.forEach((x, l) => resampleEdges(plan, x, ys[l] as Float64Array, false));
    return ys;
  }
  for (let l = 0; l < xs.length; l += 2) {
    const l2 = Math.min(l + 1, xs.length - 1);
    decimateInteriorPair(plan, xs[l] as Float64Array, xs[l2] as Float64Array, ys[l] as Float64Array, ys[l2] as Float64Array);
  }
  xs.forEach((x, l) => resampleEdges(plan, x, ys[l] as Float64Array, true));
  return ys;
}

/** Generic polyphase loop; with `edgesOnly`, skips the outputs whose filter lies fully inside the input. */
function resampleEdges(plan: ResamplePlan, x: Float64Array, y: Float64Array, edgesOnly: boolean): void {
  const { up: u, down: d, nOut, halfLen, phases } = plan;
  const nIn = x.length;
  for (let m = 0; m < nOut; m++) {
    // Output m = Σ_j taps[p + u·j]·x[last − j] at upsampled index t = halfLen + m·down, p = t mod u.
    const t = halfLen + m * d;
    const p = t % u;
    const g = phases[p] as Float64Array;
    const base = (t - p) / u - (g.length - 1);
    const to = Math.min(g.length, nIn - base);
    if (edgesOnly && base >= 0 && to === g.length) continue;
    y[m] = dot(g, x, Math.max(0, -base), to, base);
  }
}

/**
 * Interior outputs for up = 1, two leads at a time: folds mirrored samples around the
 * symmetric filter's centre (half the multiplications) and loads each tap once for both leads.
 */
function decimateInteriorPair(plan: ResamplePlan, xa: Float64Array, xb: Float64Array, ya: Float64Array, yb: Float64Array): void {
  const g = plan.phases[0] as Float64Array;
  const last = g.length - 1;
  const centre = last >> 1;
  const gc = g[centre] as number;
  for (let m = 0; m < plan.nOut; m++) {
    const base = plan.halfLen + m * plan.down - last;
    if (base < 0 || base + last >= xa.length) continue;
    const mid = base + last;
    let a0 = gc * (xa[base + centre] as number);
    let b0 = gc * (xb[base + centre] as number);
    let a1 = 0;
    let b1 = 0;
    let q = 0;
    for (; q + 1 < centre; q += 2) {
      const i = base + q;
      const j = mid - q;
      const g0 = g[q] as number;
      const g1 = g[q + 1] as number;
      a0 += g0 * ((xa[i] as number) + (xa[j] as number));
      b0 += g0 * ((xb[i] as number) + (xb[j] as number));
      a1 += g1 * ((xa[i + 1] as number) + (xa[j - 1] as number));
      b1 += g1 * ((xb[i + 1] as number) + (xb[j - 1] as number));
    }
    for (; q < centre; q++) {
      const g0 = g[q] as number;
      a0 += g0 * ((xa[base + q] as number) + (xa[mid - q] as number));
      b0 += g0 * ((xb[base + q] as number) + (xb[mid - q] as number));
    }
    ya[m] = a0 + a1;
    yb[m] = b0 + b1;
  }
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
