import { pxPerMv, pxPerSecond, type Paper } from './paper';

/** A point on the drawn page, in screen pixels relative to the page's top-left corner. */
export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface CaliperReading {
  /** Horizontal distance as time, ms (always ≥ 0). */
  readonly dtMs: number;
  /** Vertical distance as voltage, mV: positive when the end point is above the start. */
  readonly dMv: number;
  /** 60 000 / Δt when Δt is a plausible RR interval, else null. */
  readonly hrBpm: number | null;
}

/** RR intervals from 200 ms (300 bpm) to 3 s (20 bpm): outside these a "rate" is meaningless. */
export const caliperRrRangeMs = [200, 3000] as const;

/**
 * What a caliper from `a` to `b` measures on paper drawn at `paper`'s speed and gain: the
 * same arithmetic as counting boxes (1 mm = 40 ms at 25 mm/s, 0.1 mV at 10 mm/mV).
 */
export function caliperReading(paper: Paper, a: Point, b: Point): CaliperReading {
  const dtMs = (Math.abs(b.x - a.x) / pxPerSecond(paper)) * 1000;
  const dMv = (a.y - b.y) / pxPerMv(paper);
  const [lo, hi] = caliperRrRangeMs;
  return { dtMs, dMv, hrBpm: dtMs >= lo && dtMs <= hi ? 60000 / dtMs : null };
}

/**
 * March-out: where further intervals of the same length fall after the caliper (px), up to
 * `limitX`, to check a rhythm's regularity against the tracing.
 */
export function marchOut(a: Point, b: Point, limitX: number): number[] {
  const step = Math.abs(b.x - a.x);
  if (step < 4) return [];
  const out: number[] = [];
  for (let x = Math.max(a.x, b.x) + step; x <= limitX && out.length < 100; x += step) out.push(x);
  return out;
}
