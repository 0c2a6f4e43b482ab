import { describe, expect, it } from 'vitest';
import { checkedNumber, numberFlag, wholeNumberFlag } from './args';
import { numberFlag as optionalNumberFlag, trainConfigFrom } from './commands/train-flags';

describe('the CLI number check', () => {
  it('reads numbers within their bounds', () => {
    expect(wholeNumberFlag('limit', '25', 1, 1000)).toBe(25);
    expect(numberFlag('age-max', '62.5', 0, 150)).toBe(62.5);
    expect(checkedNumber('seed', '0', { integer: true, min: 0 })).toBe(0);
    expect(optionalNumberFlag(undefined, '--seed', { integer: true })).toBeUndefined();
  });

  it('names the flag and its bounds in one wording, whichever command asks', () => {
    expect(() => wholeNumberFlag('limit', '0', 1, 1000)).toThrow("--limit must be a whole number from 1 to 1000, got '0'");
    expect(() => checkedNumber('seed', '-1', { integer: true, min: 0 })).toThrow("--seed must be a whole number of at least 0, got '-1'");
    expect(() => checkedNumber('threshold', '2', { max: 1 })).toThrow("--threshold must be a number of at most 1, got '2'");
    expect(() => optionalNumberFlag('1.5', '--epochs', { integer: true, min: 1 })).toThrow("--epochs must be a whole number of at least 1, got '1.5'");
  });

  it("refuses an empty value, which Number('') would read as 0", () => {
    // `--seed ""` (an unset shell variable) was taken as seed 0 by the training flags.
    expect(() => optionalNumberFlag('', '--seed', { integer: true, min: 0 })).toThrow("--seed must be a whole number of at least 0, got ''");
    expect(() => trainConfigFrom({ seed: ' ' })).toThrow(/--seed must be a whole number/);
  });
});
