import { describe, expect, it } from 'vitest';
import { wholeNumberOf } from './whole-number';

describe('wholeNumberOf', () => {
  it('reads digits only, around spaces', () => {
    expect(['0', ' 64 ', '007', '1000000'].map(wholeNumberOf)).toEqual([0, 64, 7, 1_000_000]);
  });

  it('refuses what Number would read as a number but nobody types as a count', () => {
    expect(['', ' ', '1e2', '0x10', '5.0', '2.5', '-3', '+3', '1 000', 'Infinity', '9'.repeat(16)].map(wholeNumberOf)).toEqual(Array(11).fill(null));
  });
});
