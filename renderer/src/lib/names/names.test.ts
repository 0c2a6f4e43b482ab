import { describe, expect, it } from 'vitest';
import { className } from './classes';
import { readableStatement } from './statements';

describe('names instead of codes', () => {
  it('expands the SNOMED CT diagnoses of a CinC header, keeping each code', () => {
    const shown = readableStatement('Dx: 284470004,427393009');
    expect(shown.text).toBe('Diagnoses in the file: premature atrial contraction (PAC, SNOMED CT 284470004); sinus arrhythmia (SA, SNOMED CT 427393009)');
    expect(shown.original).toBe('Dx: 284470004,427393009');
    expect(readableStatement('Dx: 999999999').text).toMatch(/SNOMED CT 999999999 \(not in the built-in list/);
  });

  it('names superclasses and SCP codes, and leaves free text alone', () => {
    const scp = new Map([['1AVB', 'first degree AV block'], ['SR', 'sinus rhythm']]);
    expect(className('NORM')).toBe('Normal ECG (NORM)');
    expect(className('STTC')).toBe('ST/T change (STTC)');
    expect(className('CD')).toBe('Conduction disturbance (CD)');
    expect(className('HYP')).toBe('Hypertrophy (HYP)');
    expect(className('1AVB', scp)).toBe('First degree AV block (1AVB)');
    expect(className('XYZ')).toBe('XYZ');
    expect(readableStatement('SR', scp).text).toBe('sinus rhythm (SR)');
    expect(readableStatement('Normal Sinus rhythm')).toEqual({ text: 'Normal Sinus rhythm', original: 'Normal Sinus rhythm' });
  });
});
