import { describe, expect, it } from 'vitest';
import { draftEntryFor } from './adoption-entry';

/** Codes of PTB-XL's statement library (core/clinic/statement-library.ts) that these cases need; SQT is not one. */
const libraryHas = (code: string) => ['1AVB', 'CLBBB', 'CRBBB', 'LNGQT', 'AFIB', 'AFLT'].includes(code);

describe('an adopted computed statement in the reading draft', () => {
  it('goes in by its SCP-ECG code when the library has it', () => {
    expect(draftEntryFor({ code: '1AVB', text: 'First-degree AV block', borderline: false, partialCode: false }, libraryHas)).toEqual({ kind: 'code', code: '1AVB' });
  });

  it('goes in as its text when the library lacks the code', () => {
    expect(draftEntryFor({ code: 'SQT', text: 'Short QTc', borderline: false, partialCode: false }, libraryHas)).toEqual({ kind: 'text', text: 'Short QTc' });
  });

  it('goes in as its text when borderline, though the code is known: 1AVB would drop the doubt', () => {
    expect(draftEntryFor({ code: '1AVB', text: 'Borderline first-degree AV block', borderline: true, partialCode: false }, libraryHas)).toEqual({ kind: 'text', text: 'Borderline first-degree AV block' });
    expect(draftEntryFor({ code: 'CLBBB', text: 'Borderline complete left bundle branch block', borderline: true, partialCode: false }, libraryHas)).toEqual({ kind: 'text', text: 'Borderline complete left bundle branch block' });
  });

  it('goes in as its text when its code says less than it does: AFIB for "fibrillation or flutter"', () => {
    expect(draftEntryFor({ code: 'AFIB', text: 'Atrial fibrillation or flutter suspected', borderline: false, partialCode: true }, libraryHas)).toEqual({ kind: 'text', text: 'Atrial fibrillation or flutter suspected' });
    expect(draftEntryFor({ code: 'AFLT', text: 'Atrial flutter suspected', borderline: false, partialCode: false }, libraryHas)).toEqual({ kind: 'code', code: 'AFLT' });
  });
});
