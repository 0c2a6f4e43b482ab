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
});
