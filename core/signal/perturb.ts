import { createRng } from './rng';

/**
 * Realistic artefacts added to a real recording, to test that beat detection and quality
 * checks hold up (and that quality checks flag what was added). Deterministic for a seed.
 * Leads are mV at `fs`; every function returns new arrays.
 */
export const perturbations = ['wander', 'muscleNoise', 'mains', 'pacingSpikes', 'lowAmplitude', 'inverted', 'clipped', 'halfLeadsLost'] as const;
export type Perturbation = (typeof perturbations)[number];

type Leads = readonly ArrayLike<number>[];

const mapLeads = (leads: Leads, f: (v: number, i: number, lead: number) => number): Float32Array[] =>
  leads.map((l, k) => Float32Array.from({ length: l.length }, (_, i) => f(l[i] as number, i, k)));

/** Respiration-like drift: 0.25 Hz plus a slower 0.07 Hz swing, 1.5 mV peak-to-peak in all. */
export function addWander(leads: Leads, fs: number): Float32Array[] {
  return mapLeads(leads, (v, i, k) => v + 0.5 * Math.sin((2 * Math.PI * 0.25 * i) / fs + k) + 0.25 * Math.sin((2 * Math.PI * 0.07 * i) / fs));
}

/** Broadband (EMG-like) noise, white then smoothed over 2 samples, `rmsMv` RMS. */
export function addMuscleNoise(leads: Leads, rmsMv: number, seed: number): Float32Array[] {
  const rng = createRng(seed);
  return leads.map((l) => {
    const out = new Float32Array(l.length);
    let prev = 0;
    // Uniform(−1, 1) has RMS 1/√3; averaging two independent samples divides it by √2.
    const scale = rmsMv * Math.sqrt(3) * Math.SQRT2;
    for (let i = 0; i < l.length; i++) {
      const w = rng.uniform(-1, 1);
      out[i] = (l[i] as number) + (scale * (w + prev)) / 2;
      prev = w;
    }
    return out;
  });
}

export function addMains(leads: Leads, fs: number, hz: number, amplitudeMv: number): Float32Array[] {
  return mapLeads(leads, (v, i) => v + amplitudeMv * Math.sin((2 * Math.PI * hz * i) / fs));
}

/**
 * Pacemaker-like spikes: 1 ms, 5 mV (unipolar pacing), 160 ms before each given beat (atrial
 * pacing) and, between beats, an asynchronous spike that captures nothing.
 */
export function addPacingSpikes(leads: Leads, fs: number, beats: readonly number[]): Float32Array[] {
  const width = Math.max(1, Math.round(0.001 * fs));
  const spikes = beats.flatMap((b, k) => {
    const next = beats[k + 1];
    return [b - Math.round(0.16 * fs), ...(next === undefined ? [] : [Math.round((b + next) / 2 + 0.05 * fs)])];
  });
  const out = leads.map((l) => Float32Array.from(l));
  for (const lead of out) for (const s of spikes) for (let i = Math.max(0, s); i < Math.min(lead.length, s + width); i++) lead[i] = (lead[i] as number) + 5;
  return out;
}

export const scaleLeads = (leads: Leads, factor: number): Float32Array[] => mapLeads(leads, (v) => v * factor);

/** Saturates every lead at ±`limitMv` around its median (an amplifier at its rail). */
export function clipLeads(leads: Leads, limitMv: number): Float32Array[] {
  return leads.map((l) => {
    const sorted = Float64Array.from(l).sort();
    const mid = sorted[sorted.length >> 1] ?? 0;
    return Float32Array.from({ length: l.length }, (_, i) => Math.max(mid - limitMv, Math.min(mid + limitMv, l[i] as number)));
  });
}

/** Zeroes every other lead (disconnected electrodes). */
export const loseHalfTheLeads = (leads: Leads): Float32Array[] => mapLeads(leads, (v, _, k) => (k % 2 === 1 ? 0 : v));

/** Applies one named perturbation (`beats` are needed for pacing spikes only). */
export function perturb(kind: Perturbation, leads: Leads, fs: number, beats: readonly number[], seed = 1): Float32Array[] {
  switch (kind) {
    case 'wander':
      return addWander(leads, fs);
    case 'muscleNoise':
      return addMuscleNoise(leads, 0.1, seed);
    case 'mains':
      return addMains(leads, fs, 50, 0.2);
    case 'pacingSpikes':
      return addPacingSpikes(leads, fs, beats);
    case 'lowAmplitude':
      return scaleLeads(leads, 0.05);
    case 'inverted':
      return scaleLeads(leads, -1);
    case 'clipped':
      return clipLeads(leads, 0.4);
    case 'halfLeadsLost':
      return loseHalfTheLeads(leads);
  }
}
