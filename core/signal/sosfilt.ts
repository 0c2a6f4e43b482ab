import { EinthovenError } from '../errors';
import { flattenSos, type Sos } from './sos';

/** Any numeric sample buffer the filters accept (read-only use). */
export type Samples = ArrayLike<number>;

/**
 * Runs the sections over `buf` in place (transposed direct form II, SciPy's `sosfilt`).
 * `state` holds 2 values per section and is updated, so calls can be chained. Sections
 * run two at a time, sample by sample: each biquad is a serial recurrence, and interleaving
 * two of them lets the CPU overlap their latencies (≈2× faster than one after the other).
 */
function filterInPlace(flat: Float64Array, buf: Float64Array, state: Float64Array): void {
  const sections = flat.length / 6;
  let s = 0;
  for (; s + 1 < sections; s += 2) filterTwoSections(flat, s, buf, state);
  if (s < sections) filterOneSection(flat, s, buf, state);
}

function filterOneSection(flat: Float64Array, s: number, buf: Float64Array, state: Float64Array): void {
  const o = s * 6;
  const b0 = flat[o] as number;
  const b1 = flat[o + 1] as number;
  const b2 = flat[o + 2] as number;
  const a1 = flat[o + 4] as number;
  const a2 = flat[o + 5] as number;
  let z0 = state[2 * s] as number;
  let z1 = state[2 * s + 1] as number;
  for (let i = 0; i < buf.length; i++) {
    const x = buf[i] as number;
    const y = b0 * x + z0;
    z0 = b1 * x - a1 * y + z1;
    z1 = b2 * x - a2 * y;
    buf[i] = y;
  }
  state[2 * s] = z0;
  state[2 * s + 1] = z1;
}

function filterTwoSections(flat: Float64Array, s: number, buf: Float64Array, state: Float64Array): void {
  const o = s * 6;
  const b0 = flat[o] as number;
  const b1 = flat[o + 1] as number;
  const b2 = flat[o + 2] as number;
  const a1 = flat[o + 4] as number;
  const a2 = flat[o + 5] as number;
  const c0 = flat[o + 6] as number;
  const c1 = flat[o + 7] as number;
  const c2 = flat[o + 8] as number;
  const d1 = flat[o + 10] as number;
  const d2 = flat[o + 11] as number;
  let z0 = state[2 * s] as number;
  let z1 = state[2 * s + 1] as number;
  let w0 = state[2 * s + 2] as number;
  let w1 = state[2 * s + 3] as number;
  for (let i = 0; i < buf.length; i++) {
    const x = buf[i] as number;
    const y = b0 * x + z0;
    z0 = b1 * x - a1 * y + z1;
    z1 = b2 * x - a2 * y;
    const v = c0 * y + w0;
    w0 = c1 * y - d1 * v + w1;
    w1 = c2 * y - d2 * v;
    buf[i] = v;
  }
  state[2 * s] = z0;
  state[2 * s + 1] = z1;
  state[2 * s + 2] = w0;
  state[2 * s + 3] = w1;
}

/**
 * Causal filtering, `scipy.signal.sosfilt(sos, x, zi=zi)`. `zi` (2 values per section,
 * flattened) defaults to zeros. Returns the output and the final state.
 */
export function sosfilt(sos: Sos, x: Samples, zi?: ArrayLike<number>): { y: Float64Array; zf: Float64Array } {
  const flat = flattenSos(sos);
  const state = new Float64Array(sos.length * 2);
  if (zi) {
    if (zi.length !== state.length) throw new EinthovenError('E_VALIDATION', `zi needs ${state.length} values, got ${zi.length}`);
    state.set(zi);
  }
  const y = Float64Array.from(x);
  filterInPlace(flat, y, state);
  return { y, zf: state };
}

/**
 * Initial state for a step response in steady state, `scipy.signal.sosfilt_zi(sos)`,
 * flattened as [z0, z1] per section.
 */
export function sosfiltZi(sos: Sos): Float64Array {
  const flat = flattenSos(sos);
  const zi = new Float64Array(sos.length * 2);
  let gain = 1;
  for (let s = 0; s < sos.length; s++) {
    const [b0, b1, b2, , a1, a2] = flat.subarray(s * 6, s * 6 + 6);
    // lfilter_zi for a biquad: solve (I − companion(a)ᵀ)·zi = b[1:] − a[1:]·b0.
    const r0 = b1 - a1 * b0;
    const r1 = b2 - a2 * b0;
    const z0 = (r0 + r1) / (1 + a1 + a2);
    zi[2 * s] = gain * z0;
    zi[2 * s + 1] = gain * (r1 - a2 * z0);
    gain *= (b0 + b1 + b2) / (1 + a1 + a2);
  }
  return zi;
}

/** SciPy's default sosfiltfilt pad length: 3 × (2·sections + 1 − trailing-zero sections). */
export function sosfiltfiltPadlen(sos: Sos): number {
  const zeroB2 = sos.filter((row) => row[2] === 0).length;
  const zeroA2 = sos.filter((row) => row[5] === 0).length;
  return 3 * (2 * sos.length + 1 - Math.min(zeroB2, zeroA2));
}

/** Odd extension (SciPy `odd_ext`): 2·x[0] − x[edge..1] before, 2·x[n−1] − x[n−2..n−1−edge] after. */
function oddExtend(x: Samples, edge: number): Float64Array {
  const n = x.length;
  const out = new Float64Array(n + 2 * edge);
  const first = x[0] as number;
  const last = x[n - 1] as number;
  for (let i = 0; i < edge; i++) out[i] = 2 * first - (x[edge - i] as number);
  for (let i = 0; i < n; i++) out[edge + i] = x[i] as number;
  for (let i = 0; i < edge; i++) out[edge + n + i] = 2 * last - (x[n - 2 - i] as number);
  return out;
}

/**
 * Zero-phase forward-backward filtering, `scipy.signal.sosfiltfilt(sos, x)` with its
 * default odd padding. Input must be longer than the pad length (E_VALIDATION otherwise).
 */
export function sosfiltfilt(sos: Sos, x: Samples): Float64Array {
  const flat = flattenSos(sos);
  const edge = sosfiltfiltPadlen(sos);
  if (x.length <= edge) {
    throw new EinthovenError('E_VALIDATION', `zero-phase filtering needs more than ${edge} samples, got ${x.length}`);
  }
  const zi = sosfiltZi(sos);
  const ext = oddExtend(x, edge);
  const state = new Float64Array(zi.length);
  scaleInto(state, zi, ext[0] as number);
  filterInPlace(flat, ext, state);
  ext.reverse();
  scaleInto(state, zi, ext[0] as number);
  filterInPlace(flat, ext, state);
  ext.reverse();
  return ext.slice(edge, edge + x.length);
}

function scaleInto(out: Float64Array, v: Float64Array, s: number): void {
  for (let i = 0; i < v.length; i++) out[i] = (v[i] as number) * s;
}

/**
 * Second-order IIR notch, `scipy.signal.iirnotch(freqHz, quality, fs)`, as a one-section SOS.
 */
export function iirnotch(freqHz: number, quality: number, fs: number): Sos {
  const w0 = (2 * freqHz) / fs;
  if (!(w0 > 0 && w0 < 1)) throw new EinthovenError('E_VALIDATION', `notch ${freqHz} Hz must lie strictly between 0 and fs/2 = ${fs / 2} Hz`);
  if (!(quality > 0)) throw new EinthovenError('E_VALIDATION', `notch quality factor must be positive, got ${quality}`);
  const bw = (w0 / quality) * Math.PI;
  const gain = 1 / (1 + Math.tan(bw / 2));
  const c = Math.cos(w0 * Math.PI);
  return [[gain, -2 * c * gain, gain, 1, -2 * gain * c, 2 * gain - 1]];
}
