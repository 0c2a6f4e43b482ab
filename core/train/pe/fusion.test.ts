import { describe, expect, it } from 'vitest';
import { doubtedDdimerReason, type FusionItemFeature } from './fusion';

const wells: FusionItemFeature[] = ['dvtSigns', 'peMostLikely', 'tachycardia', 'immobilisationOrSurgery4w', 'previousVte', 'haemoptysis', 'activeCancer'];
const withDdimer = { name: 'pe-fusion-ddimer', block: { items: [...wells, 'log10DDimer' as const] } };
const withoutDdimer = { name: 'pe-fusion-wells', block: { items: wells } };

describe('why a fusion gives no figure from an entry whose D-dimer is doubted', () => {
  it('names the package, says it reads the D-dimer, says what is doubtful in the entry, and that a fusion without the D-dimer is not held back', () => {
    // 24 mg/L FEU in a massive PE, stored as 24 ng/mL before the unit had to be confirmed.
    expect(doubtedDdimerReason(withDdimer, { dDimerNgMlFeu: 24 })).toBe(
      "withheld because pe-fusion-ddimer reads the D-dimer (one of its inputs), and the score entry's D-dimer (24 ng/mL FEU) is not to be relied on: its unit was not confirmed (24 mg/L FEU typed as ng/mL would be 24000 ng/mL FEU). " +
        'Correct the entry; a fusion model that does not read the D-dimer still gives its figures from this entry',
    );
    expect(doubtedDdimerReason(withDdimer, { dDimerNgMlFeu: 0.9 })).toMatch(/^withheld because pe-fusion-ddimer reads the D-dimer .*\(0\.9 ng\/mL FEU\) is not to be relied on: it is below 20 ng\/mL FEU/);
  });

  it('gives no reason where the fusion does not read the D-dimer, or the D-dimer is to be taken', () => {
    expect(doubtedDdimerReason(withoutDdimer, { dDimerNgMlFeu: 24 })).toBeNull();
    expect(doubtedDdimerReason(withDdimer, { dDimerNgMlFeu: 24, dDimerUnitConfirmed: true })).toBeNull();
    expect(doubtedDdimerReason(withDdimer, { dDimerNgMlFeu: 640 })).toBeNull();
    expect(doubtedDdimerReason(withDdimer, {})).toBeNull();
  });
});
