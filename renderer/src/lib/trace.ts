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

/** A coordinate with one decimal, without toFixed (which dominated a page redraw's time). */
function tenth(v: number): number {
  return Math.round(v * 10) / 10;
}

export function tracePaths(samples: Float32Array, fs: number, geometry: TraceGeometry): string[] {
  const { pxPerSecond, pxPerMv, baselineY } = geometry;
  const samplesPerPx = fs / pxPerSecond;
  const pxPerSample = pxPerSecond / fs;
  const columns = Math.ceil(samples.length / samplesPerPx);
  const paths: string[] = [];
  // One string per unbroken run, built by appending (cheaper than arrays of point strings).
  let current = '';
  let count = 0;
  const flush = () => {
    if (count > 1) paths.push(current);
    current = '';
    count = 0;
  };
  const add = (i: number) => {
    const point = `${tenth(i * pxPerSample)},${tenth(baselineY - (samples[i] as number) * pxPerMv)}`;
    current = count === 0 ? point : `${current} ${point}`;
    count++;
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
      if (v !== v) {
        sawNaN = true;
        continue;
      }
      if (v < min) {
        min = v;
        minAt = i;
      }
      if (v > max) {
        max = v;
        maxAt = i;
      }
    }
    if (min === Infinity) {
      flush();
      continue;
    }
    const first = minAt <= maxAt ? minAt : maxAt;
    const second = minAt <= maxAt ? maxAt : minAt;
    add(first);
    if (second !== first) add(second);
    if (sawNaN) flush();
  }
  flush();
  return paths;
}

/**
 * The same min/max decimation as tracePaths, with x in pixels and y in microvolts (one decimal
 * each), positive up: the gain is then a scale on the drawing (a transform), so a gain
 * change redraws nothing, and one lead's paths can be reused whatever the gain.
 */
export function traceMicrovolts(samples: Float32Array, fs: number, pxPerSecond: number): string[] {
  return tracePaths(samples, fs, { pxPerSecond, pxPerMv: -1000, baselineY: 0 });
}

/** Paths per signal array (records never change once stored), per window and horizontal scale; a few kept per lead. */
const cache = new WeakMap<Float32Array, Map<string, string[]>>();
const perSignal = 24;

export function cachedTraceMicrovolts(signal: Float32Array, from: number, to: number, fs: number, pxPerSecond: number): string[] {
  const key = `${from}:${to}:${pxPerSecond}`;
  let entries = cache.get(signal);
  if (!entries) cache.set(signal, (entries = new Map()));
  const hit = entries.get(key);
  if (hit) return hit;
  const paths = traceMicrovolts(signal.subarray(from, to), fs, pxPerSecond);
  if (entries.size >= perSignal) entries.delete(entries.keys().next().value as string);
  entries.set(key, paths);
  return paths;
}
