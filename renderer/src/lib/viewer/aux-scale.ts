/**
 * The vertical scale of a channel that is not ECG (blood pressure, plethysmogram…), drawn on a
 * strip of its own in its own unit: the range the page window covers, widened to round values,
 * with a few ticks to read values from. No millivolt grid, so no one reads mmHg as mV.
 */
export interface AuxScale {
  readonly low: number;
  readonly high: number;
  readonly ticks: readonly number[];
}

function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / magnitude;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * magnitude;
}

/** The scale for `samples` (NaN ignored); a flat or empty signal gets a unit-wide range around its value. */
export function auxScale(samples: Float32Array, tickCount = 3): AuxScale {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i] as number;
    if (Number.isNaN(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min === Infinity) return { low: 0, high: 1, ticks: [0, 1] };
  if (max - min < 1e-9) [min, max] = [min - 0.5, max + 0.5];
  const step = niceStep(max - min, tickCount);
  const low = Math.floor(min / step) * step;
  const high = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  for (let t = low; t <= high + step / 2; t += step) ticks.push(Number(t.toPrecision(12)));
  return { low, high, ticks };
}
