import type { AugmentationParams } from './augment';

/** The rate the paper's augmentation frequencies were written for (its data is 500 Hz). */
export const augmentationDesignHz = 500;

/**
 * The paper's sine (0.5–10 Hz) and square-pulse (0.5–50 Hz) frequencies are given in cycles per
 * sample of a 500 Hz signal. At another rate the same physical frequencies are that many cycles
 * per sample × 500 / fs (capped at Nyquist, 0.5): without this a 100 Hz model would be trained on
 * waves five times slower (0.1–2 Hz) than the paper's.
 */
export function augmentationAtRate<T extends AugmentationParams>(params: T, fs: number): T {
  if (fs === augmentationDesignHz || !(fs > 0)) return params;
  const scale = (range: readonly [number, number]): [number, number] => [Math.min(0.5, range[0] * (augmentationDesignHz / fs)), Math.min(0.5, range[1] * (augmentationDesignHz / fs))];
  return { ...params, sineFrequency: scale(params.sineFrequency), squareFrequency: scale(params.squareFrequency) };
}
