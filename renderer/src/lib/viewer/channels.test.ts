import { describe, expect, it } from 'vitest';
import { nonEcgChannels } from './channels';

describe('ECG and non-ECG channels', () => {
  it('sets apart channels whose unit is not a voltage, or whose name says blood pressure, pleth or respiration', () => {
    const leads = [{ name: 'II' }, { name: 'V' }, { name: 'ABP', units: 'mmHg' }, { name: 'PLETH' }, { name: 'RESP' }, { name: 'MLII' }, { name: 'ECG 1' }];
    expect([...nonEcgChannels(leads)]).toEqual([[2, 'mmHg'], [3, ''], [4, '']]);
  });

  it('reads the unit from the import warning of records stored before units were kept per lead', () => {
    const leads = [{ name: 'II' }, { name: 'PLETH' }, { name: 'CH3' }];
    const warnings = ["PLETH: units 'NU' are not a voltage; values kept in NU", "CH3: units 'mmHg' are not a voltage; values kept as is"];
    expect([...nonEcgChannels(leads, warnings)]).toEqual([[1, 'NU'], [2, 'mmHg']]);
  });
});
