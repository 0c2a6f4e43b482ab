import { describe, expect, it } from 'vitest';
import { beatsOnPage, missingCounts } from './rr-intervals';

const fs = 500;
/** Two leads of 10 s with `gap` (sample indices [from, to)) missing in the leads given. */
function leads(gap: { from: number; to: number }, inLeads: readonly number[]): Float32Array[] {
  return [0, 1].map((k) => {
    const lead = new Float32Array(10 * fs).fill(0.1);
    if (inLeads.includes(k)) lead.fill(Number.NaN, gap.from, gap.to);
    return lead;
  });
}
// Beats every 0.8 s, none detected in the 1.2 s the recording is missing (4.0–5.2 s).
const beats = [0.4, 1.2, 2.0, 2.8, 3.6, 6.0, 6.8].map((t) => t * fs);
const page = { start: 0, end: 10 };
const gap = { from: 4 * fs, to: 5.2 * fs };

describe('RR intervals on the page', () => {
  it('labels no RR across a stretch where every lead is missing: 2400 ms there is the gap, not a pause', () => {
    const shown = beatsOnPage(beats, fs, page, missingCounts(leads(gap, [0, 1])));
    expect(shown.map((b) => b.rrMs)).toEqual([null, 800, 800, 800, 800, null, 800]);
  });

  it('labels the RR where only some leads are missing, the beats being found in the others', () => {
    const shown = beatsOnPage(beats, fs, page, missingCounts(leads(gap, [1])));
    expect(shown.map((b) => b.rrMs)).toEqual([null, 800, 800, 800, 800, 2400, 800]);
  });

  it('keeps the RR from a beat on the previous page, and shows only the beats on this one', () => {
    const shown = beatsOnPage(beats, fs, { start: 1, end: 3 }, missingCounts(leads({ from: 0, to: 0 }, [])));
    expect(shown).toEqual([
      { t: 1.2, rrMs: 800 },
      { t: 2, rrMs: 800 },
      { t: 2.8, rrMs: 800 },
    ]);
  });
});
