// The notes naming the records a base saw name the first three and count the rest: a fold that
// left out six read "(a, b, c and 3 mores)", counted's plural added to a word that has none.
import { describe, expect, it } from 'vitest';
import { heldOutAllSeenNote, heldOutSeenNote } from './finetune-closing';

describe('the records a base saw, named in a note', () => {
  it('names the first three and counts the others as "and N more"', () => {
    const ids = ['records100/00000/00001_lr.hea', 'records100/00000/00003_lr.hea', 'records100/00000/00049_lr.hea', 'records100/00000/00050_lr.hea', 'records100/00000/00051_lr.hea'];
    expect(heldOutSeenNote('starter', ids, 8).endsWith('(records100/00000/00001_lr.hea, records100/00000/00003_lr.hea, records100/00000/00049_lr.hea and 2 more)')).toBe(true);
    expect(heldOutSeenNote('starter', ids.slice(0, 4), 8).endsWith('records100/00000/00049_lr.hea and 1 more)')).toBe(true);
  });

  it('calls the comparison with the base optimistic only for the classes it holds figures of the base for', () => {
    const base = { name: 'starter', classes: ['NORM', 'MI', 'STTC', 'CD', 'HYP'] };
    const optimistic = (classes: readonly string[]) => heldOutAllSeenNote(base, classes, 6).replace(/^.*; these figures/, 'these figures');
    expect(optimistic(['NORM', 'MI'])).toBe('these figures, on them, are optimistic, and so is the comparison with the base (leaving them out would leave none)');
    // The base has no output for AFIB: its comparison holds the base's figures for NORM alone.
    expect(optimistic(['AFIB', 'NORM'])).toBe('these figures, on them, are optimistic, and so is the comparison with the base on NORM (leaving them out would leave none)');
    // A new head (PE on a superclass base): the comparison shows only the fine-tuned model's figures.
    expect(optimistic(['PE'])).toBe('these figures, on them, are optimistic (leaving them out would leave none)');
  });
});
