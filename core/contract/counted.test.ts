import { describe, expect, it } from 'vitest';
import { counted, everyOneOf, isAre, listed, noneOf, someOf, wordFor } from './counted';

describe('counts in words', () => {
  it('lists things as a sentence does, with one "and"', () => {
    expect([listed([]), listed(['fold 1']), listed(['fold 1', 'fold 2']), listed(['fold 1', 'fold 2', 'fold 3'])]).toEqual(['', 'fold 1', 'fold 1 and fold 2', 'fold 1, fold 2 and fold 3']);
  });

  it('says one thing in the singular and any other count in the plural', () => {
    expect(counted(1, 'other record')).toBe('1 other record');
    expect(counted(2, 'other record')).toBe('2 other records');
    expect(counted(0, 'record')).toBe('0 records');
    expect(counted(3, 'child', 'children')).toBe('3 children');
    expect([isAre(1), isAre(0), isAre(2)]).toEqual(['is', 'are', 'are']);
  });

  it('gives the word alone in the number of its count, for a list or a pronoun that follows it', () => {
    expect(wordFor(1, 'lead')).toBe('lead');
    expect(wordFor(2, 'lead')).toBe('leads');
    expect(wordFor(0, 'value')).toBe('values');
    expect([wordFor(1, 'it', 'them'), wordFor(3, 'it', 'them')]).toEqual(['it', 'them']);
    expect([wordFor(1, 'complex', 'complexes'), wordFor(2, 'complex', 'complexes')]).toEqual(['complex', 'complexes']);
  });

  it('says that none of one thing does something as that one not doing it, where it read "none of the 1 records"', () => {
    expect(noneOf(1, 'validation record', ['is', "within m's intended input"])).toBe("the 1 validation record is not within m's intended input");
    expect(noneOf(6, 'validation record', ['is', "within m's intended input"])).toBe("none of the 6 validation records is within m's intended input");
    expect(noneOf(1, 'record', ['could', 'be fused'])).toBe('the 1 record could not be fused');
  });

  it('counts every one, and some, of one thing as that one', () => {
    expect(everyOneOf(1, 'record')).toBe('the 1 record');
    expect(everyOneOf(56, 'record')).toBe('every one of the 56 records');
    expect(someOf(1, 1, 'test record')).toBe('the 1 test record');
    expect(someOf(1, 2, 'test record')).toBe('1 of the 2 test records');
  });
});
