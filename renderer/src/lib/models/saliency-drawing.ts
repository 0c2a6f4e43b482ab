/**
 * Geometry of the saliency view (pure, unit-tested): a lead's tracing as an SVG polyline over a
 * fixed width, and the heat cells of its saliency bins.
 */

/** "x,y x,y …" of `samples` (fs Hz) over `seconds`, `width` × `height` px, ±`mvRange` mV around the lead's median, at most `points` points. */
export function tracePoints(samples: Float32Array, fs: number, seconds: number, width: number, height: number, mvRange = 1.5, points = 800): string {
  const n = Math.min(samples.length, Math.round(seconds * fs));
  if (n === 0) return '';
  const finite = Array.from(samples.subarray(0, n)).filter(Number.isFinite).sort((a, b) => a - b);
  const centre = finite[Math.floor(finite.length / 2)] ?? 0;
  const step = Math.max(1, Math.floor(n / points));
  const out: string[] = [];
  for (let i = 0; i < n; i += step) {
    const v = samples[i] as number;
    const y = height / 2 - ((Number.isFinite(v) ? v - centre : 0) / mvRange) * (height / 2);
    out.push(`${((i / fs / seconds) * width).toFixed(1)},${Math.min(height, Math.max(0, y)).toFixed(1)}`);
  }
  return out.join(' ');
}

/** One heat cell per bin worth drawing (weight ≥ `floor`): x, width and opacity. */
export function heatCells(bins: readonly number[], binSeconds: number, seconds: number, width: number, floor = 0.05): { x: number; w: number; opacity: number }[] {
  return bins.flatMap((v, b) => (v >= floor ? [{ x: ((b * binSeconds) / seconds) * width, w: Math.max(1, (binSeconds / seconds) * width), opacity: Math.min(1, v) }] : []));
}
