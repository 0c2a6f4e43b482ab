import { describe, expect, it } from 'vitest';
import { defaultMinExamples, rateIntervalWords } from '../../../../core/contract/training-schemas';
import { defaultMinVal, isMinValOverride, minValOf, minValRequest, overlapWarnings, overrideSentence, testFiguresCaption } from './site-operating-point-form';

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

describe("a site operating point's result on records its base model trained on", () => {
  it('says, as sentences, that validation records the base learned make the thresholds optimistic and test records it saw make no locked test', () => {
    const none = { checked: 6, inTraining: 0, note: "by exact content, none of the 6 test records is among tiny's 18 training and validation records" };
    const validation = { checked: 12, inTraining: 12, note: "12 of the 12 validation records are among tiny's training and validation records: the temperature and thresholds were chosen on records it had learned" };
    const notLocked = "not locked-test figures: 4 of the 6 test records are among tiny's training and validation records: its figures on them are optimistic; a locked test holds no record the model saw (here e.g. a, b, c): leave them out of the test split";
    expect(overlapWarnings({ trainingOverlap: { validation: none, test: none }, notLockedTest: null })).toEqual({ validation: null, test: null });
    // A model that keeps no record of its training records: unknown, not a warning (as an evaluation says it).
    expect(overlapWarnings({ trainingOverlap: { validation: { ...none, inTraining: null }, test: none }, notLockedTest: null })).toEqual({ validation: null, test: null });
    expect(overlapWarnings({ trainingOverlap: { validation, test: { ...none, inTraining: 4 } }, notLockedTest: notLocked })).toEqual({ validation: `1${validation.note.slice(1)}.`, test: `N${notLocked.slice(1)}.` });
  });
});

describe("the caption over a site operating point's test figures", () => {
  const result = { evaluatedOn: { name: 'site-a' }, test: { n: 120 } };
  it('says the intervals are widened to at least Wilson\'s, as ecg operating-point does, not the bootstrap\'s alone', () => {
    const caption = testFiguresCaption(result, false);
    expect(caption).toBe(`Locked test records of site-a (n = 120), read once after every choice: sensitivity and specificity with 95 % intervals, ${rateIntervalWords},`);
    expect(caption).not.toContain('95 % bootstrap');
    expect(testFiguresCaption(result, true)).toMatch(/^Test records \(not a locked test, see above\) of site-a/);
  });
});
