import { describe, expect, it } from 'vitest';
import { filterCautions, filterLabel, isNoFilter, noFilter } from './filter-label';

describe('filterLabel', () => {
  it('prints the band, the notch, or that nothing was applied', () => {
    expect(filterLabel({ highpassHz: 0.05, lowpassHz: 150, notchHz: null })).toBe('0.05–150 Hz');
    expect(filterLabel({ highpassHz: 0.5, lowpassHz: 40, notchHz: 50 })).toBe('0.5–40 Hz · 50 Hz notch');
    expect(filterLabel({ highpassHz: 0.05, lowpassHz: null, notchHz: 60 })).toBe('0.05 Hz high-pass, no low-pass · 60 Hz notch');
    expect(filterLabel({ highpassHz: null, lowpassHz: 40, notchHz: null })).toBe('40 Hz low-pass, no high-pass');
    expect(filterLabel({ highpassHz: null, lowpassHz: null, notchHz: 50 })).toBe('no band filter · 50 Hz notch');
    expect(filterLabel(noFilter)).toBe('no filter (as recorded)');
  });

  it('warns where a filter is known to change the waveform', () => {
    expect(filterCautions({ highpassHz: 0.5, lowpassHz: 40, notchHz: null })).toEqual([expect.stringMatching(/ST/), expect.stringMatching(/QRS/)]);
    expect(filterCautions({ highpassHz: 0.05, lowpassHz: 150, notchHz: 50 })).toEqual([]);
  });

  it('knows when no filter is set', () => {
    expect(isNoFilter(noFilter)).toBe(true);
    expect(isNoFilter({ ...noFilter, notchHz: 50 })).toBe(false);
  });
});
