import { EinthovenError } from '../errors';
import { abs, conj, mul, neg, scale, sub, type Complex, complex } from './complex';
import type { Sos } from './sos';

const tol = 100 * Number.EPSILON;
const isReal = (c: Complex): boolean => c.im === 0;

/**
 * SciPy's `_cplxreal`: one member (positive imaginary part) of each conjugate pair, sorted
 * by real part then |imag|, followed by the real values sorted.
 */
function splitConjugatePairs(values: readonly Complex[]): Complex[] {
  const sorted = [...values].sort((a, b) => a.re - b.re || Math.abs(a.im) - Math.abs(b.im));
  const reals: Complex[] = [];
  const positive: Complex[] = [];
  const negative: Complex[] = [];
  for (const v of sorted) {
    if (Math.abs(v.im) <= tol * abs(v)) reals.push(complex(v.re));
    else if (v.im > 0) positive.push(v);
    else negative.push(v);
  }
  if (positive.length !== negative.length) throw new EinthovenError('E_INTERNAL', 'complex value without its conjugate');
  sortRunsByImag(positive);
  sortRunsByImag(negative);
  const pairs = positive.map((p, i) => {
    const n = negative[i] as Complex;
    return scale({ re: p.re + n.re, im: p.im - n.im }, 0.5);
  });
  return [...pairs, ...reals.sort((a, b) => a.re - b.re)];
}

/** Within runs of (nearly) equal real part, order by |imag| (SciPy does this with a tolerance). */
function sortRunsByImag(values: Complex[]): void {
  let start = 0;
  for (let i = 1; i <= values.length; i++) {
    const prev = values[i - 1] as Complex;
    const sameRun = i < values.length && (values[i] as Complex).re - prev.re <= tol * abs(prev);
    if (sameRun) continue;
    const run = values.slice(start, i).sort((a, b) => Math.abs(a.im) - Math.abs(b.im));
    values.splice(start, run.length, ...run);
    start = i;
  }
}

/** Index of the value closest to the unit circle (first one on ties, like np.argmin). */
function worstIndex(values: readonly Complex[], candidates?: readonly number[]): number {
  const indices = candidates ?? values.map((_, i) => i);
  let best = -1;
  let bestDistance = Infinity;
  for (const i of indices) {
    const d = Math.abs(1 - abs(values[i] as Complex));
    if (d < bestDistance) {
      bestDistance = d;
      best = i;
    }
  }
  return best;
}

function nearestIndex(from: readonly Complex[], to: Complex, which: 'real' | 'complex' | 'any'): number {
  const order = from.map((_, i) => i).sort((a, b) => abs(sub(from[a] as Complex, to)) - abs(sub(from[b] as Complex, to)));
  const found = order.find((i) => which === 'any' || isReal(from[i] as Complex) === (which === 'real'));
  if (found === undefined) throw new EinthovenError('E_INTERNAL', `no ${which} value to pair with`);
  return found;
}

/** Polynomial coefficients (highest power first) with the given roots; real part only. */
function polyReal(roots: readonly Complex[]): number[] {
  let coeffs: Complex[] = [complex(1)];
  for (const r of roots) {
    const next: Complex[] = [...coeffs, complex(0)];
    for (let i = 1; i < next.length; i++) {
      const prev = next[i] as Complex;
      const term = mul(neg(r), coeffs[i - 1] as Complex);
      next[i] = { re: prev.re + term.re, im: prev.im + term.im };
    }
    coeffs = next;
  }
  return coeffs.map((c) => c.re);
}

function singleSection(zeros: readonly Complex[], poles: readonly Complex[]): number[] {
  const b = polyReal(zeros);
  const a = polyReal(poles);
  const row = [0, 0, 0, 0, 0, 0];
  b.forEach((v, i) => (row[3 - b.length + i] = v));
  a.forEach((v, i) => (row[6 - a.length + i] = v));
  return row;
}

const take = (values: Complex[], index: number): Complex => values.splice(index, 1)[0] as Complex;

/**
 * SciPy's `zpk2sos(z, p, k, pairing='nearest')` for digital filters: poles closest to the
 * unit circle go last, each paired with its nearest zeros; the gain goes into section 0.
 */
export function zpk2sos(zerosIn: readonly Complex[], polesIn: readonly Complex[], gain: number): Sos {
  if (zerosIn.length === 0 && polesIn.length === 0) return [[gain, 0, 0, 1, 0, 0]];
  const zeroPad = Array.from({ length: Math.max(polesIn.length - zerosIn.length, 0) }, () => complex(0));
  const polePad = Array.from({ length: Math.max(zerosIn.length - polesIn.length, 0) }, () => complex(0));
  let poles = [...polesIn, ...polePad];
  let zeros = [...zerosIn, ...zeroPad];
  const nSections = (Math.max(poles.length, zeros.length) + 1) >> 1;
  if (poles.length % 2 === 1) {
    poles.push(complex(0));
    zeros.push(complex(0));
  }
  zeros = splitConjugatePairs(zeros);
  poles = splitConjugatePairs(poles);
  const sos: number[][] = new Array<number[]>(nSections);
  for (let si = nSections - 1; si >= 0; si--) {
    const p1 = take(poles, worstIndex(poles));
    const realPolesLeft = poles.filter(isReal).length;
    if (isReal(p1) && realPolesLeft === 0) {
      const z1 = take(zeros, nearestIndex(zeros, p1, 'real'));
      sos[si] = singleSection([z1, complex(0)], [p1, complex(0)]);
    } else if (poles.length + 1 === zeros.length && !isReal(p1) && realPolesLeft === 1 && zeros.filter(isReal).length === 1) {
      const z1 = take(zeros, nearestIndex(zeros, p1, 'complex'));
      sos[si] = singleSection([z1, conj(z1)], [p1, conj(p1)]);
    } else {
      sos[si] = pairRegular(p1, poles, zeros);
    }
  }
  const first = sos[0] as number[];
  for (let i = 0; i < 3; i++) first[i] = (first[i] as number) * gain;
  return sos;
}

function pairRegular(p1: Complex, poles: Complex[], zeros: Complex[]): number[] {
  let p2: Complex;
  if (isReal(p1)) {
    const realIdx = poles.flatMap((p, i) => (isReal(p) ? [i] : []));
    p2 = take(poles, worstIndex(poles, realIdx));
  } else {
    p2 = conj(p1);
  }
  if (zeros.length === 0) return singleSection([], [p1, p2]);
  const z1 = take(zeros, nearestIndex(zeros, p1, 'any'));
  if (!isReal(z1)) return singleSection([z1, conj(z1)], [p1, p2]);
  if (zeros.length === 0) return singleSection([z1], [p1, p2]);
  const z2 = take(zeros, nearestIndex(zeros, p1, 'real'));
  return singleSection([z1, z2], [p1, p2]);
}
