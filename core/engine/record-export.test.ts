import { describe, expect, it } from 'vitest';
import { asMillivolts, type EcgRecord } from '../formats/record';
import { deidentify } from './record-export';

const record = (patient: EcgRecord['patient']): EcgRecord => ({
  fs: 500,
  nSamples: 2,
  leads: [{ name: 'I', derived: false, samples: asMillivolts(Float32Array.from([0.1, -0.2])) }],
  missingLeads: [],
  startTime: '2024-01-02T08:15:00',
  patient,
  statements: ['Sinus rhythm', 'Confirmed by Dr. Someone'],
  source: { format: 'muse-xml' },
  warnings: [],
});

describe('de-identification', () => {
  it('drops name, id, birth date, recording time and free-text statements; keeps sex, age and the signals', () => {
    const out = deidentify(record({ id: 'P1', name: 'A Person', birthDate: '1950-01-01', sex: 'M', ageYears: 74.6 }));
    expect(out.patient).toEqual({ sex: 'M', ageYears: 74 });
    expect(out.startTime).toBeUndefined();
    expect(out.statements).toEqual([]);
    expect(out.leads[0]?.samples).toEqual(Float32Array.from([0.1, -0.2]));
  });

  it('reports every age over 89 as 90 (Safe Harbor) and adds nothing that was not there', () => {
    expect(deidentify(record({ ageYears: 93 })).patient).toEqual({ ageYears: 90 });
    expect(deidentify(record({ ageYears: 89 })).patient).toEqual({ ageYears: 89 });
    expect(deidentify(record({})).patient).toEqual({});
  });
});
