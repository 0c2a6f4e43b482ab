import { describe, expect, it } from 'vitest';
import { defaultMinExamples } from '../../../../core/contract/training-schemas';
import { defaultMinVal, isMinValOverride, minValOf, minValRequest, overrideSentence } from './site-operating-point-form';

describe("the site operating point form's minimum validation examples per class", () => {
  it("starts at the engine's own default, which the request leaves to the engine", () => {
    expect(defaultMinVal).toBe(String(defaultMinExamples.val));
    expect(minValRequest(defaultMinVal)).toEqual({});
    expect(isMinValOverride(defaultMinVal)).toBe(false);
  });

  it('sends a lowered minimum as the override the engine audits, and a raised one as asked', () => {
    expect(minValRequest(' 1 ')).toEqual({ minValExamples: 1 });
    expect(isMinValOverride('1')).toBe(true);
    expect(minValRequest('5')).toEqual({ minValExamples: 5 });
    expect(isMinValOverride('5')).toBe(false);
  });

  it('takes only whole numbers from 1 to the contract bound', () => {
    expect(['0', '-1', '2.5', '', 'three', '1000001'].map(minValOf)).toEqual([null, null, null, null, null, null]);
    expect(['1', '1000000'].map(minValOf)).toEqual([1, 1_000_000]);
    // Nothing invalid is sent (Start is disabled for it, with the reason).
    expect(minValRequest('0')).toEqual({});
  });

  it("states the engine's override as a sentence of the result line", () => {
    expect(overrideSentence('override: minimum examples per class lowered to 2 in validation (default 3); thresholds tuned on as few as 2 positives for class MI; figures from so few examples are unreliable')).toBe(
      'Override: minimum examples per class lowered to 2 in validation (default 3); thresholds tuned on as few as 2 positives for class MI; figures from so few examples are unreliable.',
    );
  });
});
