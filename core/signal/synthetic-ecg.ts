import { createRng } from './rng';

/** Wave of a synthetic beat: Gaussian of amplitude (mV), centre and width (s) relative to the R peak. */
interface Wave {
  readonly amplitude: number;
  readonly centre: number;
  readonly width: number;
}

const limbBeat: readonly Wave[] = [
  { amplitude: 0.15, centre: -0.17, width: 0.025 }, // P
  { amplitude: -0.1, centre: -0.03, width: 0.008 }, // Q
  { amplitude: 1.2, centre: 0, width: 0.01 }, // R
  { amplitude: -0.25, centre: 0.03, width: 0.009 }, // S
  { amplitude: 0.3, centre: 0.26, width: 0.045 }, // T
];

export interface SyntheticEcg {
  readonly leads: Float32Array[];
  readonly fs: number;
  /** R-peak sample indices. */
  readonly beats: number[];
}

/**
 * A deterministic 12-lead test ECG (Gaussian P-QRS-T, lead k scaled by a lead-specific gain
 * with some leads inverted), for tests and benchmarks of detection and measurement.
 */
export function syntheticEcg(options: { fs?: number; seconds?: number; rrS?: number; seed?: number; noiseMv?: number } = {}): SyntheticEcg {
  const fs = options.fs ?? 500;
  const n = Math.round((options.seconds ?? 10) * fs);
  const rr = options.rrS ?? 0.8;
  const rng = createRng(options.seed ?? 1);
  const beats: number[] = [];
  for (let t = 0.4 + rng.uniform(0, 0.1); t < n / fs - 0.4; t += rr * rng.uniform(0.95, 1.05)) beats.push(Math.round(t * fs));
  const gains = [1, 1.3, 0.4, -1.1, 0.3, 0.8, -0.6, 0.5, 0.9, 1.4, 1.2, 1];
  const base = new Float64Array(n);
  for (const b of beats) {
    for (const w of limbBeat) {
      const c = b + w.centre * fs;
      const span = Math.ceil(4 * w.width * fs);
      for (let i = Math.max(0, Math.floor(c - span)); i < Math.min(n, Math.ceil(c + span)); i++) {
        base[i] = (base[i] as number) + w.amplitude * Math.exp(-0.5 * ((i - c) / (w.width * fs)) ** 2);
      }
    }
  }
  const noise = options.noiseMv ?? 0.01;
  const leads = gains.map((g) => Float32Array.from(base, (v) => g * v + noise * (rng.next() * 2 - 1)));
  return { leads, fs, beats };
}
