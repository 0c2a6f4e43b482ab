import { describe, expect, it } from 'vitest';
import { readPeScores } from './pe-columns';

/** The D-dimer a labels-CSV row gives, in the ng/mL FEU it is stored as. */
function dDimerOf(row: Record<string, string>): number | undefined {
  return readPeScores({ file: 'a.hea', label: '1', ...row }, 'labels.csv row 2', 70)?.items.dDimerNgMlFeu;
}

describe('hospital labels CSV: the D-dimer in the unit the laboratory reports', () => {
  it('reads FEU in ng/mL as is and in mg/L or µg/mL (the same unit) × 1000, without float residue', () => {
    expect(dDimerOf({ d_dimer_ng_ml_feu: '650' })).toBe(650);
    for (const column of ['d_dimer_mg_l_feu', 'd_dimer_ug_ml_feu']) {
      // 35.2 mg/L FEU: Innovance D-Dimer's highest reportable result; 100, the ceiling, for a diluted one.
      for (const [given, stored] of [['0.65', 650], ['1.1', 1100], ['0.27', 270], ['35.2', 35_200], ['100', 100_000]] as const) {
        expect(dDimerOf({ [column]: given }), `${column} ${given}`).toBe(stored);
      }
    }
  });

  it('computes the D-dimer rules from a mg/L FEU value as from the same value in ng/mL FEU', () => {
    const items = { heart_rate: '80', dvt_signs: 'no', pe_most_likely: 'no', immobilisation_or_surgery_4w: 'no', previous_vte: 'no', haemoptysis: 'no', active_cancer: 'no', surgery_or_fracture_1m: 'no', unilateral_leg_pain: 'no' };
    const inMgL = readPeScores({ ...items, d_dimer_mg_l_feu: '0.65' }, 'row 2', 70);
    const inNgMl = readPeScores({ ...items, d_dimer_ng_ml_feu: '650' }, 'row 2', 70);
    expect(inMgL).toEqual(inNgMl);
    expect(inMgL?.values.ageAdjustedDdimer).toEqual({ value: 0, provenance: 'items' }); // 650 < 700 (age 70 × 10)
  });

  it('leaves an empty D-dimer cell as not assessed, in any column, DDU included', () => {
    expect(readPeScores({ heart_rate: '80', d_dimer_mg_l_feu: '', d_dimer_ng_ml_ddu: ' ' }, 'row 2', undefined)?.items).toEqual({ heartRateBpm: 80 });
  });

  it('refuses a D-dimer in D-dimer units (DDU), saying the conversion to FEU depends on the assay', () => {
    for (const column of ['d_dimer_ng_ml_ddu', 'd_dimer_mg_l_ddu', 'D-dimer (DDU)']) {
      expect(() => dDimerOf({ [column]: '300' }), column).toThrow(
        `labels.csv row 2: ${column} gives the D-dimer in D-dimer units (DDU), which is not read: FEU is about twice DDU, but the factor depends on the assay and its calibrator, so no fixed factor is right; give the FEU result (d_dimer_ng_ml_feu, d_dimer_mg_l_feu or d_dimer_ug_ml_feu)`,
      );
    }
  });

  it('refuses a D-dimer column whose unit it does not know, instead of leaving the D-dimer out', () => {
    expect(() => dDimerOf({ d_dimer: '650' })).toThrow("labels.csv row 2: d_dimer is not a D-dimer column read here (its unit is not known); give the FEU result in d_dimer_ng_ml_feu, d_dimer_mg_l_feu or d_dimer_ug_ml_feu");
  });

  it('refuses a row that gives the D-dimer in two columns', () => {
    expect(() => dDimerOf({ d_dimer_ng_ml_feu: '650', d_dimer_mg_l_feu: '0.65' })).toThrow('labels.csv row 2: the D-dimer is given in both d_dimer_ng_ml_feu and d_dimer_mg_l_feu; give it in one column');
  });

  it('refuses a D-dimer of 20–100 in d_dimer_ng_ml_feu (24 mg/L FEU in a massive PE, given as ng/mL, would exclude PE) unless the row confirms it', () => {
    const asked = (text: string, low: string) =>
      `labels.csv row 2: d_dimer_ng_ml_feu '${text}': ${text} ng/mL FEU is ${low}; if the lab reported ${text} mg/L FEU, that is ${Number(text) * 1000} ng/mL FEU: give it in d_dimer_mg_l_feu, or set d_dimer_ng_ml_feu_confirmed to yes if the lab reported ${text} ng/mL FEU`;
    for (const text of ['20', '24', '44.5']) expect(() => dDimerOf({ d_dimer_ng_ml_feu: text }), text).toThrow(asked(text, 'below what most assays report (the most sensitive from 45 ng/mL FEU; a result reported as "< 45" is entered as 45)'));
    for (const text of ['45', '60', '100']) expect(() => dDimerOf({ d_dimer_ng_ml_feu: text }), text).toThrow(asked(text, 'lower than most assays report'));
    expect(() => dDimerOf({ d_dimer_ng_ml_feu: '24', d_dimer_ng_ml_feu_confirmed: 'no' })).toThrow(asked('24', 'below what most assays report (the most sensitive from 45 ng/mL FEU; a result reported as "< 45" is entered as 45)'));
    // Confirmed on its row, a real result that low is read as given; above 100, or in mg/L FEU, none is asked for.
    for (const [text, yes] of [['24', 'yes'], ['45', '1'], ['100', 'TRUE']] as const) expect(dDimerOf({ d_dimer_ng_ml_feu: text, d_dimer_ng_ml_feu_confirmed: yes }), text).toBe(Number(text));
    expect(dDimerOf({ d_dimer_ng_ml_feu: '100.5' })).toBe(100.5);
    expect(dDimerOf({ d_dimer_mg_l_feu: '0.05' })).toBe(50);
    expect(dDimerOf({ d_dimer_ng_ml_feu: '650', d_dimer_ng_ml_feu_confirmed: 'no' })).toBe(650);
  });

  it('refuses a confirmation where no D-dimer of 20–100 ng/mL FEU needs one, so a column of yes on every row confirms nothing', () => {
    const stray = 'labels.csv row 2: d_dimer_ng_ml_feu_confirmed is yes without a d_dimer_ng_ml_feu of 20–100 to confirm; leave it empty';
    const rows: Record<string, string>[] = [{ d_dimer_ng_ml_feu: '650' }, { d_dimer_mg_l_feu: '0.05' }, { heart_rate: '80' }, {}];
    for (const row of rows) expect(() => dDimerOf({ ...row, d_dimer_ng_ml_feu_confirmed: 'yes' }), JSON.stringify(row)).toThrow(stray);
    expect(() => dDimerOf({ d_dimer_ng_ml_feu: '24', d_dimer_ng_ml_feu_confirmed: 'sure' })).toThrow("labels.csv row 2: d_dimer_ng_ml_feu_confirmed 'sure' is not yes/no");
  });

  it('refuses implausible values naming the likely unit mix-up and the column that fits it', () => {
    const cases: [Record<string, string>, string][] = [
      // mg/L FEU put in the ng/mL column: 1000 times too small, it would have excluded PE.
      [{ d_dimer_ng_ml_feu: '0.65' }, "labels.csv row 2: d_dimer_ng_ml_feu '0.65' is below 20 ng/mL FEU, which is not plausible; 0.65 mg/L FEU is 650 ng/mL: give it in d_dimer_mg_l_feu"],
      [{ d_dimer_ng_ml_feu: '-5' }, "labels.csv row 2: d_dimer_ng_ml_feu '-5' is not a number of ng/mL FEU"],
      [{ d_dimer_ng_ml_feu: '150000' }, "labels.csv row 2: d_dimer_ng_ml_feu '150000' is above 100000 ng/mL FEU, which is not plausible"],
      // ng/mL put in the mg/L column: 1000 times too large.
      [{ d_dimer_mg_l_feu: '650' }, "labels.csv row 2: d_dimer_mg_l_feu '650' is 650000 ng/mL FEU, above 100 mg/L FEU, which no assay reports: it looks like 650 ng/mL FEU; give it in d_dimer_ng_ml_feu"],
      // Under the earlier 200 mg/L ceiling these passed as mg/L: 500 ng/mL read as 500 mg/L, 150 as 150 mg/L.
      [{ d_dimer_mg_l_feu: '150' }, "labels.csv row 2: d_dimer_mg_l_feu '150' is 150000 ng/mL FEU, above 100 mg/L FEU, which no assay reports: it looks like 150 ng/mL FEU; give it in d_dimer_ng_ml_feu"],
      [{ d_dimer_ug_ml_feu: '101' }, "labels.csv row 2: d_dimer_ug_ml_feu '101' is 101000 ng/mL FEU, above 100 mg/L FEU, which no assay reports: it looks like 101 ng/mL FEU; give it in d_dimer_ng_ml_feu"],
      [{ d_dimer_ug_ml_feu: '0.01' }, "labels.csv row 2: d_dimer_ug_ml_feu '0.01' is 10 ng/mL FEU, below 20 ng/mL FEU, which is not plausible"],
      // A decimal comma in a comma-separated file: refused, saying why (readPeScores' default reading).
      [{ d_dimer_mg_l_feu: '0,65' }, "labels.csv row 2: d_dimer_mg_l_feu '0,65' has a decimal comma, which is not read in a comma-separated file"],
    ];
    for (const [row, message] of cases) expect(() => dDimerOf(row), JSON.stringify(row)).toThrow(message);
  });
});
