import { describe, expect, it } from 'vitest';
import { emptyRangeText } from './empty-range';

describe('worklist range filters', () => {
  it('says when a range is the wrong way round, and nothing for an open or one-day range', () => {
    expect(emptyRangeText({ recordedFrom: '2025-01-01', recordedTo: '2020-01-01' })).toBe('Recorded from 2025-01-01 is after 2020-01-01: no record can match; swap the dates');
    expect(emptyRangeText({ ageMin: 50, ageMax: 10 })).toBe('Age from 50 is above 10: no record can match; swap the ages');
    expect(emptyRangeText({ recordedFrom: '2024-02-29', recordedTo: '2024-02-29', ageMin: 40, ageMax: 40 })).toBeNull();
    expect(emptyRangeText({ recordedFrom: '2025-01-01', ageMin: 0 })).toBeNull();
  });
});
