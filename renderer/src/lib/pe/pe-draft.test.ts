import { describe, expect, it } from 'vitest';
import { draftOf, emptyDraft, itemsOf } from './pe-draft';

describe('PE score form draft', () => {
  it('keeps not-assessed apart from absent and round-trips stored items', () => {
    const draft = emptyDraft();
    draft.answers.dvtSigns = 'yes';
    draft.answers.haemoptysis = 'no';
    draft.numbers.heartRateBpm = '104,5';
    draft.numbers.ageYears = 'old';
    const { items, unreadable } = itemsOf(draft);
    expect(items).toEqual({ dvtSigns: true, haemoptysis: false, heartRateBpm: 104.5 });
    expect(unreadable).toEqual(['ageYears']);
    expect(itemsOf(draftOf(items)).items).toEqual(items);
  });

  it('leaves out a value outside what the engine accepts, with the reason, so the form marks it instead of showing the refused request', () => {
    const draft = emptyDraft();
    draft.numbers.dDimerNgMlFeu = '-5';
    draft.numbers.ageYears = 'abc';
    draft.numbers.heartRateBpm = '88';
    const { items, unreadable, rejected } = itemsOf(draft);
    expect(items).toEqual({ heartRateBpm: 88 });
    expect(unreadable.sort()).toEqual(['ageYears', 'dDimerNgMlFeu']);
    expect(rejected).toEqual([
      { id: 'ageYears', reason: "Age: 'abc' is not a number" },
      { id: 'dDimerNgMlFeu', reason: 'D-dimer: -5 ng/mL FEU is outside 0–200000 ng/mL FEU' },
    ]);
  });
});
