import type { TimeWindow } from './layout';

/**
 * Where the recording is missing: a sample at which every ECG lead is a gap (NaN), as a running
 * count so that whether an interval holds one is read at once. A gap in some leads only is not
 * counted: the beats are found in the others, and the interval between them is measured.
 */
export function missingCounts(leads: readonly Float32Array[]): Int32Array {
  const n = leads.length === 0 ? 0 : Math.max(...leads.map((lead) => lead.length));
  const counts = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const missing = leads.every((lead) => !Number.isFinite(lead[i] as number));
    counts[i + 1] = (counts[i] as number) + (missing ? 1 : 0);
  }
  return counts;
}

export interface ShownBeat {
  /** Seconds from the record's start. */
  readonly t: number;
  /**
   * The RR interval from the beat before (which may be on the previous page), ms; null for the
   * first beat, and where the recording is missing between the two beats: that interval is the
   * length of the gap, not a measured RR, and labelled would read as a pause.
   */
  readonly rrMs: number | null;
}

/** The beats (sample indices) on a page, each with the RR interval from the beat before where one was recorded. */
export function beatsOnPage(beats: readonly number[], fs: number, page: TimeWindow, missing: Int32Array): ShownBeat[] {
  const missingBetween = (from: number, to: number): boolean => {
    const at = (i: number) => missing[Math.min(Math.max(0, i), missing.length - 1)] as number;
    return at(to) - at(from) > 0;
  };
  return beats
    .map((b, k) => {
      const before = k > 0 ? (beats[k - 1] as number) : null;
      const rrMs = before === null || missingBetween(before, b) ? null : ((b - before) * 1000) / fs;
      return { t: b / fs, rrMs };
    })
    .filter((beat) => beat.t >= page.start && beat.t <= page.end);
}
