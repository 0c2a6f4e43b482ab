import type { Rng } from './rng';

/** The paper's augmentation parameters (paper-spec §3); saved in the pipeline config. */
export interface AugmentationParams {
  readonly timeDropProbability: number;
  readonly leadDropProbability: number;
  readonly sineAmplitude: readonly [number, number];
  /** Cycles per sample: f = lo + (hi − lo)·U[0, 1). */
  readonly sineFrequency: readonly [number, number];
  readonly squareAmplitude: readonly [number, number];
  readonly squareFrequency: readonly [number, number];
}

export const paperAugmentation: AugmentationParams = {
  timeDropProbability: 0.1,
  leadDropProbability: 0.2,
  sineAmplitude: [0.25, 1],
  sineFrequency: [0.001, 0.02],
  squareAmplitude: [0.005, 0.02],
  squareFrequency: [0.001, 0.1],
};

export const augmentationKinds = ['none', 'flip', 'timeDrop', 'leadDrop', 'sine', 'square'] as const;
export type AugmentationKind = (typeof augmentationKinds)[number];

const copy = (leads: readonly Float32Array[]) => leads.map((l) => Float32Array.from(l));

export function flip(leads: readonly Float32Array[]): Float32Array[] {
  return leads.map((l) => l.map((v) => -v));
}

/** One time mask shared by all leads; each index zeroed with probability p. */
export function timeDrop(leads: readonly Float32Array[], p: number, rng: Rng): Float32Array[] {
  const n = leads[0]?.length ?? 0;
  const keep = new Uint8Array(n);
  for (let i = 0; i < n; i++) keep[i] = rng.next() < p ? 0 : 1;
  return leads.map((l) => l.map((v, i) => (keep[i] ? v : 0)));
}

/** Each lead independently zeroed with probability p (all may be dropped, as in the paper). */
export function leadDrop(leads: readonly Float32Array[], p: number, rng: Rng): Float32Array[] {
  return leads.map((l) => (rng.next() < p ? new Float32Array(l.length) : Float32Array.from(l)));
}

/** a·sin(2πfn), n = 0..length−1 (f in cycles per sample). */
export function sineWave(length: number, a: number, f: number): Float64Array {
  const w = new Float64Array(length);
  for (let i = 0; i < length; i++) w[i] = a * Math.sin(2 * Math.PI * f * i);
  return w;
}

/** a·scipy.signal.square(2πfn): +a on the first half of each period, −a on the second. */
export function squareWave(length: number, a: number, f: number): Float64Array {
  const w = new Float64Array(length);
  const twoPi = 2 * Math.PI;
  for (let i = 0; i < length; i++) w[i] = (twoPi * f * i) % twoPi < Math.PI ? a : -a;
  return w;
}

/** Adds the same wave to every lead. */
function addWave(leads: readonly Float32Array[], wave: Float64Array): Float32Array[] {
  const out = copy(leads);
  for (const l of out) for (let i = 0; i < l.length; i++) l[i] = (l[i] as number) + (wave[i] as number);
  return out;
}

export function sineSum(leads: readonly Float32Array[], params: AugmentationParams, rng: Rng): Float32Array[] {
  const a = rng.uniform(...params.sineAmplitude);
  const f = rng.uniform(...params.sineFrequency);
  return addWave(leads, sineWave(leads[0]?.length ?? 0, a, f));
}

export function squarePulseSum(leads: readonly Float32Array[], params: AugmentationParams, rng: Rng): Float32Array[] {
  const a = rng.uniform(...params.squareAmplitude);
  const f = rng.uniform(...params.squareFrequency);
  return addWave(leads, squareWave(leads[0]?.length ?? 0, a, f));
}

/**
 * The paper's scheme: k = randint(0, 6); 0 or 1 → unchanged (P = 2/7), otherwise exactly one
 * of flip, time drop, lead drop, sine sum, square-pulse sum (P = 1/7 each).
 */
export function augment(leads: readonly Float32Array[], params: AugmentationParams, rng: Rng): { leads: Float32Array[]; kind: AugmentationKind } {
  const k = rng.int(0, 6);
  if (k === 2) return { leads: flip(leads), kind: 'flip' };
  if (k === 3) return { leads: timeDrop(leads, params.timeDropProbability, rng), kind: 'timeDrop' };
  if (k === 4) return { leads: leadDrop(leads, params.leadDropProbability, rng), kind: 'leadDrop' };
  if (k === 5) return { leads: sineSum(leads, params, rng), kind: 'sine' };
  if (k === 6) return { leads: squarePulseSum(leads, params, rng), kind: 'square' };
  return { leads: copy(leads), kind: 'none' };
}
