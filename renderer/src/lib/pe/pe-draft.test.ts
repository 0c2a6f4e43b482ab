import { describe, expect, it } from 'vitest';
import { confirmDdimer, dDimerConfirmText, dDimerConversion, dDimerToConfirm, draftOf, emptyDraft, itemsOf } from './pe-draft';

describe('PE score form draft', () => {
  it('keeps not-assessed apart from absent and round-trips stored items', () => {
    const draft = emptyDraft();
    draft.answers.dvtSigns = 'yes';
    draft.answers.haemoptysis = 'no';
    draft.numbers.heartRateBpm = '104,5';
    draft.numbers.ageYears = 'old';
    const { items, unreadable } = itemsOf(draft);
    expect(items).toEqual({ dvtSigns: true, haemoptysis: false, heartRateBpm: 104.5 });
    expect(unreadable).toEqual(['ageYears']);
    expect(itemsOf(draftOf(items)).items).toEqual(items);
  });

  it('reads a decimal comma but refuses a number that may be grouped in thousands, instead of storing one 1000 times off', () => {
    const draft = emptyDraft();
    draft.numbers.ageYears = '72,5';
    draft.numbers.heartRateBpm = '1,234.5';
    draft.numbers.dDimerNgMlFeu = '1,234';
    expect(itemsOf(draft)).toEqual({
      items: { ageYears: 72.5 },
      unreadable: ['heartRateBpm', 'dDimerNgMlFeu'],
      rejected: [
        { id: 'heartRateBpm', reason: "Heart rate: '1,234.5' has both a comma and a point, so a thousands separator is in it and which mark is the decimal one is not known; type the number without grouping (e.g. 1234.5)" },
        { id: 'dDimerNgMlFeu', reason: "D-dimer: '1,234' may be 1.234 (decimal comma) or 1234 (thousands comma), 1000 times apart; type it as 1.234 or 1234" },
      ],
    });
    draft.dDimerUnit = 'mg/L FEU';
    draft.numbers.dDimerNgMlFeu = '1.234,5';
    expect(itemsOf(draft).rejected[1]?.reason).toMatch(/^D-dimer: '1\.234,5' has both a comma and a point/);
  });

  it('leaves out a value outside what the engine accepts, with the reason, so the form marks it instead of showing the refused request', () => {
    const draft = emptyDraft();
    draft.numbers.dDimerNgMlFeu = '-5';
    draft.numbers.ageYears = 'abc';
    draft.numbers.heartRateBpm = '88';
    const { items, unreadable, rejected } = itemsOf(draft);
    expect(items).toEqual({ heartRateBpm: 88 });
    expect(unreadable.sort()).toEqual(['ageYears', 'dDimerNgMlFeu']);
    expect(rejected).toEqual([
      { id: 'ageYears', reason: "Age: 'abc' is not a number" },
      { id: 'dDimerNgMlFeu', reason: 'D-dimer: -5 ng/mL FEU is below 20 ng/mL FEU, which is not plausible' },
    ]);
  });

  it('refuses a D-dimer in mg/L FEU typed as ng/mL (0,65 → 0.65 ng/mL would exclude PE), naming the mix-up', () => {
    const draft = emptyDraft();
    draft.numbers.dDimerNgMlFeu = '0,65';
    expect(itemsOf(draft)).toMatchObject({ items: {}, unreadable: ['dDimerNgMlFeu'], rejected: [{ id: 'dDimerNgMlFeu', reason: 'D-dimer: 0.65 ng/mL FEU is below 20 ng/mL FEU, which is not plausible; 0.65 mg/L FEU is 650 ng/mL: choose mg/L FEU' }] });
    expect(dDimerConversion(draft)).toBeNull();
  });

  it('asks a D-dimer of 20–100 typed in ng/mL (24 mg/L FEU in a massive PE, typed as ng/mL, would exclude PE) to be confirmed, naming the mix-up', () => {
    const draft = emptyDraft();
    draft.answers.haemoptysis = 'no';
    draft.numbers.dDimerNgMlFeu = '24';
    const asked = 'D-dimer: 24 ng/mL FEU is below what most assays report (the most sensitive from 45 ng/mL FEU; a result reported as "< 45" is entered as 45); if the lab reported 24 mg/L FEU, that is 24000 ng/mL FEU: choose mg/L FEU, or confirm that the lab reported 24 ng/mL FEU';
    expect(itemsOf(draft)).toEqual({ items: { haemoptysis: false }, unreadable: ['dDimerNgMlFeu'], rejected: [{ id: 'dDimerNgMlFeu', reason: asked }] });
    expect(dDimerToConfirm(draft)).toBe(24);
    expect(dDimerConfirmText(24)).toBe('The lab reported 24 ng/mL FEU, not 24 mg/L FEU (= 24000 ng/mL FEU)');
    // Ticked: taken as typed, with the confirmation the engine requires and the entry keeps.
    confirmDdimer(draft, true);
    expect(itemsOf(draft)).toEqual({ items: { haemoptysis: false, dDimerNgMlFeu: 24, dDimerUnitConfirmed: true }, unreadable: [], rejected: [] });
    // The tick holds for the value ticked: another low value is asked about again.
    draft.numbers.dDimerNgMlFeu = '60';
    expect(itemsOf(draft).rejected[0]?.reason).toBe('D-dimer: 60 ng/mL FEU is lower than most assays report; if the lab reported 60 mg/L FEU, that is 60000 ng/mL FEU: choose mg/L FEU, or confirm that the lab reported 60 ng/mL FEU');
    confirmDdimer(draft, true);
    confirmDdimer(draft, false);
    expect(itemsOf(draft).items.dDimerNgMlFeu).toBeUndefined();
    // Chosen as mg/L FEU, the mix-up is resolved: 24 mg/L FEU is 24000 ng/mL, nothing to confirm.
    draft.numbers.dDimerNgMlFeu = '24';
    draft.dDimerUnit = 'mg/L FEU';
    expect([dDimerToConfirm(draft), itemsOf(draft).items]).toEqual([null, { haemoptysis: false, dDimerNgMlFeu: 24_000 }]);
    // A low result typed in mg/L FEU had its unit chosen: confirmed without a tick.
    draft.numbers.dDimerNgMlFeu = '0.05';
    expect(itemsOf(draft).items).toEqual({ haemoptysis: false, dDimerNgMlFeu: 50, dDimerUnitConfirmed: true });
    // Above 100 ng/mL FEU no result in mg/L FEU is taken, so none is asked about.
    draft.dDimerUnit = 'ng/mL FEU';
    draft.numbers.dDimerNgMlFeu = '100.5';
    expect([dDimerToConfirm(draft), itemsOf(draft).items]).toEqual([null, { haemoptysis: false, dDimerNgMlFeu: 100.5 }]);
  });

  it('reopens a confirmed low D-dimer confirmed, and one stored before confirmation was asked unconfirmed', () => {
    expect(itemsOf(draftOf({ dDimerNgMlFeu: 24, dDimerUnitConfirmed: true })).items).toEqual({ dDimerNgMlFeu: 24, dDimerUnitConfirmed: true });
    expect(itemsOf(draftOf({ dDimerNgMlFeu: 24 })).rejected).toEqual([{ id: 'dDimerNgMlFeu', reason: expect.stringMatching(/^D-dimer: 24 ng\/mL FEU is below what most assays report \(the most sensitive from 45 ng\/mL FEU; a result reported as "< 45" is entered as 45\)/) }]);
  });

  it('converts a D-dimer in mg/L FEU (= µg/mL FEU) to the stored ng/mL FEU and says the figure it will use', () => {
    const draft = emptyDraft();
    draft.dDimerUnit = 'mg/L FEU';
    for (const [typed, stored] of [['0,65', 650], ['0.9', 900], ['1.1', 1100], ['0.27', 270], ['35.2', 35_200]] as const) {
      draft.numbers.dDimerNgMlFeu = typed;
      expect(itemsOf(draft).items.dDimerNgMlFeu, typed).toBe(stored);
      expect(dDimerConversion(draft), typed).toBe(`= ${stored} ng/mL FEU`);
    }
    // Below the floor in either unit: 0.01 mg/L FEU is 10 ng/mL, which no assay reports.
    draft.numbers.dDimerNgMlFeu = '0.01';
    expect(itemsOf(draft).rejected).toEqual([{ id: 'dDimerNgMlFeu', reason: 'D-dimer: 0.01 mg/L FEU is 10 ng/mL FEU, below 20 ng/mL FEU, which is not plausible' }]);
    // Above 100 mg/L FEU, which no assay reports, it looks like ng/mL given as mg/L: 500 would be stored as 500 000 ng/mL.
    for (const typed of ['500', '150']) {
      draft.numbers.dDimerNgMlFeu = typed;
      expect(itemsOf(draft).rejected, typed).toEqual([{ id: 'dDimerNgMlFeu', reason: `D-dimer: ${typed} mg/L FEU is above 100 mg/L FEU, which no assay reports: it looks like ${typed} ng/mL FEU: choose ng/mL FEU` }]);
      expect(dDimerConversion(draft), typed).toBeNull();
    }
    draft.numbers.dDimerNgMlFeu = '100';
    expect(itemsOf(draft).items.dDimerNgMlFeu).toBe(100_000);
    // A stored entry opens in the stored unit, whatever unit it was typed in.
    expect(draftOf({ dDimerNgMlFeu: 650 })).toMatchObject({ dDimerUnit: 'ng/mL FEU', numbers: { dDimerNgMlFeu: '650' } });
  });
});
