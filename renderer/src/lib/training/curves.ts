/**
 * Learning curves as SVG polylines: one point per finished epoch. Pure, so the scaling a
 * researcher reads the run from is unit-tested. Missing values (null, NaN) break the line
 * rather than being drawn as zero.
 */
export interface ChartBox {
  readonly width: number;
  readonly height: number;
  /** Inner margin, so points on the edges stay visible. */
  readonly pad: number;
}

/** x of epoch `i` of `n` (first at the left edge, last at the right; a single epoch in the middle). */
export function epochX(i: number, n: number, box: ChartBox): number {
  const inner = box.width - 2 * box.pad;
  return n <= 1 ? box.width / 2 : box.pad + (inner * i) / (n - 1);
}

/** y of a value within [low, high] (high at the top), clamped to the box. */
export function valueY(value: number, [low, high]: readonly [number, number], box: ChartBox): number {
  const inner = box.height - 2 * box.pad;
  const t = high > low ? (value - low) / (high - low) : 0.5;
  return box.pad + inner * (1 - Math.min(1, Math.max(0, t)));
}

/** Polyline `points` runs, one per unbroken stretch of finite values. */
export function curveSegments(values: readonly (number | null | undefined)[], range: readonly [number, number], box: ChartBox): string[] {
  const segments: string[] = [];
  let current: string[] = [];
  values.forEach((v, i) => {
    if (typeof v === 'number' && Number.isFinite(v)) current.push(`${epochX(i, values.length, box).toFixed(1)},${valueY(v, range, box).toFixed(1)}`);
    else if (current.length > 0) {
      segments.push(current.join(' '));
      current = [];
    }
  });
  if (current.length > 0) segments.push(current.join(' '));
  return segments;
}

/** A loss axis from zero to just above the largest finite loss (1 when there is none). */
export function lossRange(...series: readonly (readonly (number | null | undefined)[])[]): [number, number] {
  const finite = series.flat().filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const top = finite.length > 0 ? Math.max(...finite) : 0;
  return [0, top > 0 ? top * 1.1 : 1];
}
