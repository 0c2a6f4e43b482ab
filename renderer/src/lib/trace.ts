/**
 * Turns one lead into an SVG polyline that keeps every peak: for each pixel column we keep
 * the minimum and the maximum sample (in time order), so a QRS spike narrower than a pixel
 * is still drawn at full height. NaN (missing) samples break the line.
 */
export interface TraceGeometry {
  /** Pixels per second (25 mm/s at the chosen pixel scale). */
  readonly pxPerSecond: number;
  /** Pixels per millivolt (10 mm/mV at the chosen pixel scale). */
  readonly pxPerMv: number;
  /** y of the 0 mV line within the lead's row. */
  readonly baselineY: number;
}

export function tracePaths(samples: Float32Array, fs: number, geometry: TraceGeometry): string[] {
  const { pxPerSecond, pxPerMv, baselineY } = geometry;
  const samplesPerPx = fs / pxPerSecond;
  const columns = Math.ceil(samples.length / samplesPerPx);
  const paths: string[] = [];
  let current: string[] = [];
  const flush = () => {
    if (current.length > 1) paths.push(current.join(' '));
    current = [];
  };
  for (let col = 0; col < columns; col++) {
    const start = Math.floor(col * samplesPerPx);
    const end = Math.min(samples.length, Math.max(start + 1, Math.floor((col + 1) * samplesPerPx)));
    let min = Infinity;
    let max = -Infinity;
    let minAt = start;
    let maxAt = start;
    let sawNaN = false;
    for (let i = start; i < end; i++) {
      const v = samples[i] as number;
      if (Number.isNaN(v)) {
        sawNaN = true;
        continue;
      }
      if (v < min) [min, minAt] = [v, i];
      if (v > max) [max, maxAt] = [v, i];
    }
    if (min === Infinity) {
      flush();
      continue;
    }
    const y = (v: number) => (baselineY - v * pxPerMv).toFixed(1);
    const x = (i: number) => ((i / fs) * pxPerSecond).toFixed(1);
    const [first, second] = minAt <= maxAt ? [minAt, maxAt] : [maxAt, minAt];
    current.push(`${x(first)},${y(samples[first] as number)}`);
    if (second !== first) current.push(`${x(second)},${y(samples[second] as number)}`);
    if (sawNaN) flush();
  }
  flush();
  return paths;
}
