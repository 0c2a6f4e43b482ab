import { describe, expect, it } from 'vitest';
import { ReadingDrafts, type ReadingDraft } from './reading-drafts';

const draft = (over: Partial<ReadingDraft> = {}): ReadingDraft => ({ codes: [], freeText: [], note: '', reader: 'Dr. Reader', agreement: null, ...over });

describe('unsigned reading drafts of records the reader has left', () => {
  it('gives a first reading’s statements and note back when the record is opened again, once', () => {
    const drafts = new ReadingDrafts();
    drafts.keep(7, { draft: draft({ codes: ['1AVB'], freeText: ['early repolarisation'], note: 'compare with last year' }), amends: null });
    expect(drafts.take(7, null)).toEqual({ kind: 'draft', kept: { amends: null, draft: draft({ codes: ['1AVB'], freeText: ['early repolarisation'], note: 'compare with last year' }) } });
    expect(drafts.take(7, null)).toEqual({ kind: 'none' });
  });

  it('keeps a copy: the form going on to another record does not change what was kept', () => {
    const drafts = new ReadingDrafts();
    const live = draft({ codes: ['SR'] });
    drafts.keep(1, { draft: live, amends: null });
    live.codes.push('AFIB');
    live.note = 'typed on the next record';
    const back = drafts.take(1, null);
    expect(back.kind === 'draft' && back.kept.draft).toEqual(draft({ codes: ['SR'] }));
  });

  it('forgets an empty draft (a pre-filled name is not work), and keeps an opened amendment even unchanged', () => {
    const drafts = new ReadingDrafts();
    drafts.keep(1, { draft: draft({ codes: ['SR'] }), amends: null });
    drafts.keep(1, { draft: draft({ note: '  ' }), amends: null });
    expect(drafts.size).toBe(0);
    drafts.keep(2, { draft: draft({ agreement: 'disagree' }), amends: null });
    drafts.keep(3, { draft: draft(), amends: 40 });
    expect(drafts.size).toBe(2);
    expect(drafts.take(3, 40)).toEqual({ kind: 'draft', kept: { amends: 40, draft: draft() } });
  });

  it('sets aside a draft whose record was signed or amended meanwhile, rather than amending a reading the reader never saw', () => {
    const drafts = new ReadingDrafts();
    drafts.keep(5, { draft: draft({ codes: ['SR'] }), amends: null });
    drafts.keep(6, { draft: draft({ codes: ['SBRAD'] }), amends: 11 });
    expect(drafts.take(5, 12).kind).toBe('stale');
    expect(drafts.take(6, 13).kind).toBe('stale');
    expect(drafts.size).toBe(0);
  });

  it('ends a record’s draft on signing or cancelling', () => {
    const drafts = new ReadingDrafts();
    drafts.keep(5, { draft: draft({ codes: ['SR'] }), amends: null });
    drafts.forget(5);
    expect(drafts.take(5, null)).toEqual({ kind: 'none' });
  });
});
