import { EinthovenError } from '../errors';
import { add, complex, div, expi, mul, neg, product, scale, sqrt, sub, type Complex } from './complex';
import type { Sos } from './sos';
import { zpk2sos } from './zpk2sos';

export const filterBands = ['lowpass', 'highpass', 'bandpass', 'bandstop'] as const;
export type FilterBand = (typeof filterBands)[number];

interface Zpk {
  zeros: Complex[];
  poles: Complex[];
  gain: number;
}

/** Analog Butterworth prototype (SciPy `buttap`): N poles on the left unit half-circle. */
function prototype(order: number): Zpk {
  const poles: Complex[] = [];
  for (let m = -order + 1; m < order; m += 2) poles.push(neg(expi((Math.PI * m) / (2 * order))));
  return { zeros: [], poles, gain: 1 };
}

const realRatio = (num: readonly Complex[], den: readonly Complex[]): number => div(product(num), product(den)).re;

function toLowpass({ zeros, poles, gain }: Zpk, wo: number): Zpk {
  const degree = poles.length - zeros.length;
  return { zeros: zeros.map((z) => scale(z, wo)), poles: poles.map((p) => scale(p, wo)), gain: gain * wo ** degree };
}

function toHighpass({ zeros, poles, gain }: Zpk, wo: number): Zpk {
  const degree = poles.length - zeros.length;
  const w = complex(wo);
  return {
    zeros: [...zeros.map((z) => div(w, z)), ...Array.from({ length: degree }, () => complex(0))],
    poles: poles.map((p) => div(w, p)),
    gain: gain * realRatio(zeros.map(neg), poles.map(neg)),
  };
}

/** Each root r maps to the two roots of s² − r·s + wo² (SciPy's `lp2bp_zpk`/`lp2bs_zpk` form). */
function splitRoots(roots: readonly Complex[], wo: number): Complex[] {
  const w2 = complex(wo * wo);
  const d = roots.map((r) => sqrt(sub(mul(r, r), w2)));
  return [...roots.map((r, i) => add(r, d[i] as Complex)), ...roots.map((r, i) => sub(r, d[i] as Complex))];
}

function toBandpass({ zeros, poles, gain }: Zpk, wo: number, bw: number): Zpk {
  const degree = poles.length - zeros.length;
  return {
    zeros: [...splitRoots(zeros.map((z) => scale(z, bw / 2)), wo), ...Array.from({ length: degree }, () => complex(0))],
    poles: splitRoots(poles.map((p) => scale(p, bw / 2)), wo),
    gain: gain * bw ** degree,
  };
}

function toBandstop({ zeros, poles, gain }: Zpk, wo: number, bw: number): Zpk {
  const degree = poles.length - zeros.length;
  const half = complex(bw / 2);
  return {
    zeros: [
      ...splitRoots(zeros.map((z) => div(half, z)), wo),
      ...Array.from({ length: degree }, () => complex(0, wo)),
      ...Array.from({ length: degree }, () => complex(0, -wo)),
    ],
    poles: splitRoots(poles.map((p) => div(half, p)), wo),
    gain: gain * realRatio(zeros.map(neg), poles.map(neg)),
  };
}

/** Bilinear transform at SciPy's normalised fs = 2 (SciPy `bilinear_zpk`). */
function bilinear({ zeros, poles, gain }: Zpk): Zpk {
  const fs2 = complex(4);
  const degree = poles.length - zeros.length;
  const map = (r: Complex) => div(add(fs2, r), sub(fs2, r));
  return {
    zeros: [...zeros.map(map), ...Array.from({ length: degree }, () => complex(-1))],
    poles: poles.map(map),
    gain: gain * realRatio(zeros.map((z) => sub(fs2, z)), poles.map((p) => sub(fs2, p))),
  };
}

function normalisedCutoffs(cutoffHz: number | readonly number[], band: FilterBand, fs: number): number[] {
  const cutoffs = typeof cutoffHz === 'number' ? [cutoffHz] : [...cutoffHz];
  const expected = band === 'lowpass' || band === 'highpass' ? 1 : 2;
  if (cutoffs.length !== expected) {
    throw new EinthovenError('E_VALIDATION', `a ${band} filter needs ${expected} cutoff frequency(ies), got ${cutoffs.length}`);
  }
  if (!(fs > 0) || !Number.isFinite(fs)) throw new EinthovenError('E_VALIDATION', `sampling rate must be positive, got ${fs}`);
  const wn = cutoffs.map((c) => (2 * c) / fs);
  if (wn.some((w) => !(w > 0 && w < 1))) {
    throw new EinthovenError('E_VALIDATION', `cutoffs ${cutoffs.join(', ')} Hz must lie strictly between 0 and fs/2 = ${fs / 2} Hz`);
  }
  if (expected === 2 && !((wn[0] as number) < (wn[1] as number))) {
    throw new EinthovenError('E_VALIDATION', `band edges must be increasing, got ${cutoffs.join(', ')} Hz`);
  }
  return wn;
}

/** Designs already made, by their arguments: a few per sampling rate. */
const designs = new Map<string, Sos>();
const maxDesigns = 256;

/**
 * Digital Butterworth filter as second-order sections; equals
 * `scipy.signal.butter(order, cutoffHz, band, fs=fs, output='sos')`. A design is made once per
 * set of arguments and shared (frozen): measuring a record designed the same five filters for every
 * lead, about a twelfth of its time at 100 Hz (docs/benchmarks.md, "scope").
 */
export function butter(order: number, cutoffHz: number | readonly number[], band: FilterBand, fs: number): Sos {
  const key = `${order} ${typeof cutoffHz === 'number' ? cutoffHz : cutoffHz.join(',')} ${band} ${fs}`;
  const known = designs.get(key);
  if (known) return known;
  const sos = Object.freeze(design(order, cutoffHz, band, fs).map((row) => Object.freeze([...row])));
  if (designs.size >= maxDesigns) designs.clear();
  designs.set(key, sos);
  return sos;
}

function design(order: number, cutoffHz: number | readonly number[], band: FilterBand, fs: number): Sos {
  if (!Number.isInteger(order) || order < 1 || order > 64) {
    throw new EinthovenError('E_VALIDATION', `filter order must be an integer from 1 to 64, got ${order}`);
  }
  const warped = normalisedCutoffs(cutoffHz, band, fs).map((w) => 4 * Math.tan((Math.PI * w) / 2));
  const analog = prototype(order);
  const [w0, w1] = warped as [number, number];
  let shaped: Zpk;
  if (band === 'lowpass') shaped = toLowpass(analog, w0);
  else if (band === 'highpass') shaped = toHighpass(analog, w0);
  else if (band === 'bandpass') shaped = toBandpass(analog, Math.sqrt(w0 * w1), w1 - w0);
  else shaped = toBandstop(analog, Math.sqrt(w0 * w1), w1 - w0);
  const digital = bilinear(shaped);
  return zpk2sos(digital.zeros, digital.poles, digital.gain);
}
