import { describe, expect, it } from 'vitest';
import { overlapSaidByNotLockedTest } from './closing-overlap';

describe('overlapSaidByNotLockedTest', () => {
  const why = 'not a locked test: every one of the 2 test records is among …';

  it('is said by the not-a-locked-test warning where the base saw every record the figures are on', () => {
    expect(overlapSaidByNotLockedTest(why, 2, 2)).toBe(true);
  });

  it('is its own fact where only some were seen, none, whether they were cannot be checked, or the figures are a locked test', () => {
    expect(overlapSaidByNotLockedTest(why, 2, 1)).toBe(false);
    expect(overlapSaidByNotLockedTest(why, 2, 0)).toBe(false);
    expect(overlapSaidByNotLockedTest(why, 2, null)).toBe(false);
    expect(overlapSaidByNotLockedTest(undefined, 2, 2)).toBe(false);
    expect(overlapSaidByNotLockedTest(null, 2, 2)).toBe(false);
    expect(overlapSaidByNotLockedTest(why, 0, 0)).toBe(false);
  });
});
