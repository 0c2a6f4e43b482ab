import { describe, expect, it } from 'vitest';
import { ReadingDrafts, type ReadingDraft } from './reading-drafts';

const draft = (over: Partial<ReadingDraft> = {}): ReadingDraft => ({ codes: [], freeText: [], note: '', reader: 'Dr. Reader', agreement: null, ...over });

describe('unsigned reading drafts of records the reader has left', () => {
  it('gives a first reading’s statements and note back when the record is opened again, once', () => {
    const drafts = new ReadingDrafts();
    drafts.keep(7, { draft: draft({ codes: ['1AVB'], freeText: ['early repolarisation'], note: 'compare with last year' }), amends: null }, 'a.hea');
    expect(drafts.take(7, null)).toEqual({ kind: 'draft', kept: { amends: null, draft: draft({ codes: ['1AVB'], freeText: ['early repolarisation'], note: 'compare with last year' }) } });
    expect(drafts.take(7, null)).toEqual({ kind: 'none' });
  });

  it('keeps a copy: the form going on to another record does not change what was kept', () => {
    const drafts = new ReadingDrafts();
    const live = draft({ codes: ['SR'] });
    drafts.keep(1, { draft: live, amends: null }, 'a.hea');
    live.codes.push('AFIB');
    live.note = 'typed on the next record';
    const back = drafts.take(1, null);
    expect(back.kind === 'draft' && back.kept.draft).toEqual(draft({ codes: ['SR'] }));
  });

  it('forgets an empty draft (a pre-filled name is not work), and keeps an opened amendment even unchanged', () => {
    const drafts = new ReadingDrafts();
    drafts.keep(1, { draft: draft({ codes: ['SR'] }), amends: null }, 'a.hea');
    drafts.keep(1, { draft: draft({ note: '  ' }), amends: null }, 'a.hea');
    expect(drafts.size).toBe(0);
    drafts.keep(2, { draft: draft({ agreement: 'disagree' }), amends: null }, 'a.hea');
    drafts.keep(3, { draft: draft(), amends: 40 }, 'a.hea');
    expect(drafts.size).toBe(2);
    expect(drafts.take(3, 40)).toEqual({ kind: 'draft', kept: { amends: 40, draft: draft() } });
  });

  it('sets aside a draft whose record was signed or amended meanwhile, rather than amending a reading the reader never saw', () => {
    const drafts = new ReadingDrafts();
    drafts.keep(5, { draft: draft({ codes: ['SR'] }), amends: null }, 'a.hea');
    drafts.keep(6, { draft: draft({ codes: ['SBRAD'] }), amends: 11 }, 'a.hea');
    expect(drafts.take(5, 12).kind).toBe('stale');
    expect(drafts.take(6, 13).kind).toBe('stale');
    expect(drafts.size).toBe(0);
  });

  it('ends a record’s draft on signing or cancelling', () => {
    const drafts = new ReadingDrafts();
    drafts.keep(5, { draft: draft({ codes: ['SR'] }), amends: null }, 'a.hea');
    drafts.forget(5);
    expect(drafts.take(5, null)).toEqual({ kind: 'none' });
  });

  it('lists the records with unsigned work, kept or open in the form, by name, for the close warning and the worklist', () => {
    const drafts = new ReadingDrafts();
    drafts.keep(5, { draft: draft({ codes: ['SR'] }), amends: null }, '00005_lr.hea');
    drafts.showOpen(8, '00008_lr.hea, ID 4', { draft: draft(), amends: null });
    expect(drafts.unsigned()).toEqual([{ recordId: 5, label: '00005_lr.hea' }]); // the open form holds only the pre-filled name
    drafts.showOpen(8, '00008_lr.hea, ID 4', { draft: draft({ note: 'ST?' }), amends: null });
    expect(drafts.unsigned()).toEqual([
      { recordId: 5, label: '00005_lr.hea' },
      { recordId: 8, label: '00008_lr.hea, ID 4' },
    ]);
    expect([drafts.has(5), drafts.has(8), drafts.has(9)]).toEqual([true, true, false]);
    // Going from record 8 to 5 keeps 8's draft and takes 5's into the form: one entry each, not two for 5.
    drafts.keep(8, { draft: draft({ note: 'ST?' }), amends: null }, '00008_lr.hea, ID 4');
    drafts.take(5, null);
    drafts.showOpen(5, '00005_lr.hea', { draft: draft({ codes: ['SR'] }), amends: null });
    expect(drafts.unsigned().map((r) => r.recordId)).toEqual([8, 5]);
    // Signing ends a draft; a form left with nothing in it leaves nothing.
    drafts.forget(5);
    drafts.forget(8);
    drafts.showOpen(null, '', null);
    expect(drafts.unsigned()).toEqual([]);
  });
});
