import { describe, expect, it } from 'vitest';
import { amendmentEntries, libraryHold, typedEntry } from './statement-entry';

/** Two codes of PTB-XL's statement library (core/clinic/statement-library.ts), enough for these cases. */
const library = new Map([
  ['AFIB', 'atrial fibrillation'],
  ['1AVB', 'first degree AV block'],
]);
const codeOf = (entry: string): string | undefined => {
  const code = entry.trim().split(' — ')[0] ?? '';
  return library.has(code) ? code : [...library].find(([, text]) => text === entry.trim().toLowerCase())?.[0];
};

describe('what a typed statement becomes', () => {
  it('waits while the library is loading: "AFIB" is neither code nor free text yet', () => {
    expect(typedEntry('AFIB', 'loading', codeOf)).toEqual({ kind: 'wait' });
    expect(typedEntry('my own words', 'loading', codeOf)).toEqual({ kind: 'wait' });
  });

  it('is refused while the library cannot be read, never stored as free text', () => {
    expect(typedEntry('AFIB', 'failed', codeOf)).toEqual({ kind: 'refused' });
  });

  it('with the library here, is the code it names, else the words as typed', () => {
    expect(typedEntry(' AFIB ', 'ready', codeOf)).toEqual({ kind: 'code', code: 'AFIB' });
    expect(typedEntry('Atrial fibrillation', 'ready', codeOf)).toEqual({ kind: 'code', code: 'AFIB' });
    expect(typedEntry(' irregular baseline ', 'ready', codeOf)).toEqual({ kind: 'text', text: 'irregular baseline' });
  });
});

describe('what an amendment starts from', () => {
  it('the current reading\'s statements, a library code stored as free text going back in coded', () => {
    const statements = [
      { code: '1AVB', text: 'first degree AV block' },
      { code: null, text: 'AFIB' },
      { code: null, text: 'irregular baseline' },
    ];
    expect(amendmentEntries(statements, (t) => library.has(t))).toEqual({ codes: ['1AVB', 'AFIB'], freeText: ['irregular baseline'] });
  });
});

describe('why Sign waits for the statement library', () => {
  it('names the typed entry and the adopted statements that are not in the draft yet', () => {
    expect(libraryHold('loading', 'LVH', [])).toBe('wait for the statement library: “LVH” is not in the reading yet');
    expect(libraryHold('loading', 'LVH', ['first degree AV block'])).toBe('wait for the statement library: “LVH”, “first degree AV block” are not in the reading yet');
    expect(libraryHold('failed', null, ['first degree AV block'])).toBe('the statement library could not be read (read it again): “first degree AV block” is not in the reading yet');
  });

  it('holds nothing back when nothing waits', () => {
    expect(libraryHold('loading', null, [])).toBeNull();
    expect(libraryHold('ready', null, [])).toBeNull();
  });
});
