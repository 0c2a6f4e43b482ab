import { describe, expect, it } from 'vitest';
import { differenceText, pText, verdictText } from './paired-format';

describe('paired comparison wording', () => {
  it('writes the difference with its interval and p-value', () => {
    expect(differenceText({ diff: 0.0421, ci95: [0.0113, 0.078], p: 0.02 })).toBe('+0.042 (0.011 to 0.078)');
    expect(differenceText({ diff: -0.2, ci95: [-0.3, -0.1], p: 0.0004 })).toBe('-0.200 (-0.300 to -0.100)');
    expect(differenceText({ diff: null, ci95: [null, null], p: null })).toBe('—');
    expect([pText(0.0004), pText(0.031), pText(null)]).toEqual(['p < 0.001', 'p = 0.031', '—']);
  });

  it('calls a model better only when the interval excludes zero', () => {
    expect(verdictText({ diff: 0.04, ci95: [0.01, 0.07], p: 0.01 }, 'A', 'B')).toBe('A better');
    expect(verdictText({ diff: -0.04, ci95: [-0.07, -0.01], p: 0.01 }, 'A', 'B')).toBe('B better');
    expect(verdictText({ diff: 0.04, ci95: [-0.01, 0.09], p: 0.09 }, 'A', 'B')).toBe('no difference shown');
    expect(verdictText({ diff: null, ci95: [null, null], p: null }, 'A', 'B')).toBe('not defined on these records');
  });
});
