import { describe, expect, it } from 'vitest';
import { ageAdjustedCutoff, ageAdjustedDdimer, atCutOff, computePeScores, peCutOffs, peged, revisedGeneva, scoreValue, simplifiedGeneva, wells, years, type PeItems } from './index';
import { dDimerCeilingMgLFeu, dDimerDoubt, dDimerFloorNgMlFeu, dDimerLowestReportedNgMlFeu, dDimerNeedsUnitConfirmation, dDimerUnitQuestion } from './items';

/**
 * Worked examples built from each source's point table and category bounds (the papers give
 * tables, not patient vignettes); the boundary cases are where a transcription error shows.
 */
const none: Required<Omit<PeItems, 'dDimerNgMlFeu' | 'dDimerUnitConfirmed'>> = {
  ageYears: 40,
  heartRateBpm: 70,
  dvtSigns: false,
  peMostLikely: false,
  immobilisationOrSurgery4w: false,
  previousVte: false,
  haemoptysis: false,
  activeCancer: false,
  surgeryOrFracture1m: false,
  unilateralLegPain: false,
};
const categoryNames = (r: ReturnType<typeof wells>) => r.categories.map((c) => c.name);

describe('Wells (Wells 2000; two levels van Belle 2006)', () => {
  it('weights each item as published: DVT signs 3, PE most likely 3, HR > 100 1.5, immobilisation/surgery 1.5, previous VTE 1.5, haemoptysis 1, cancer 1', () => {
    const all = wells({ ...none, dvtSigns: true, peMostLikely: true, heartRateBpm: 101, immobilisationOrSurgery4w: true, previousVte: true, haemoptysis: true, activeCancer: true });
    expect(all.total).toBe(12.5);
    expect(all.points.map((p) => [p.item, p.points])).toEqual([['dvtSigns', 3], ['peMostLikely', 3], ['heartRateBpm', 1.5], ['immobilisationOrSurgery4w', 1.5], ['previousVte', 1.5], ['haemoptysis', 1], ['activeCancer', 1]]);
    expect(categoryNames(all)).toEqual(['high', 'PE likely']);
  });

  it('places the category bounds where the source does (low < 2, moderate 2–6, high > 6; unlikely ≤ 4)', () => {
    expect(wells({ ...none, previousVte: true }).total).toBe(1.5);
    expect(categoryNames(wells({ ...none, previousVte: true }))).toEqual(['low', 'PE unlikely']);
    expect(categoryNames(wells({ ...none, haemoptysis: true, activeCancer: true }))).toEqual(['moderate', 'PE unlikely']); // 2
    expect(categoryNames(wells({ ...none, previousVte: true, heartRateBpm: 101, haemoptysis: true }))).toEqual(['moderate', 'PE unlikely']); // 4
    expect(categoryNames(wells({ ...none, dvtSigns: true, heartRateBpm: 110 }))).toEqual(['moderate', 'PE likely']); // 4.5
    expect(categoryNames(wells({ ...none, dvtSigns: true, peMostLikely: true }))).toEqual(['moderate', 'PE likely']); // 6
    expect(categoryNames(wells({ ...none, dvtSigns: true, peMostLikely: true, activeCancer: true }))).toEqual(['high', 'PE likely']); // 7
    expect(wells({ ...none, heartRateBpm: 100 }).total).toBe(0); // > 100, not ≥
  });

  it('is incomplete, naming the items not assessed, rather than counting them as absent', () => {
    const r = wells({ dvtSigns: true, heartRateBpm: 120 });
    expect(r.total).toBeNull();
    expect(r.missing).toEqual(['peMostLikely', 'immobilisationOrSurgery4w', 'previousVte', 'haemoptysis', 'activeCancer']);
    expect(r.summary).toBe('Wells: incomplete (5 items not assessed)');
  });
});

describe('revised Geneva (Le Gal 2006) and simplified (Klok 2008)', () => {
  it('weights as published, with the two heart-rate bands', () => {
    const all = { ...none, ageYears: 66, previousVte: true, surgeryOrFracture1m: true, activeCancer: true, unilateralLegPain: true, haemoptysis: true, heartRateBpm: 95, dvtSigns: true };
    expect(revisedGeneva(all).total).toBe(22);
    expect(simplifiedGeneva(all).total).toBe(9);
    for (const [hr, revised, simplified] of [[74, 0, 0], [75, 3, 1], [94, 3, 1], [95, 5, 2]] as const) {
      expect(revisedGeneva({ ...none, heartRateBpm: hr }).total).toBe(revised);
      expect(simplifiedGeneva({ ...none, heartRateBpm: hr }).total).toBe(simplified);
    }
    expect(revisedGeneva({ ...none, ageYears: 65 }).total).toBe(0); // > 65, not ≥
  });

  it('categorises as published: revised low 0–3 / intermediate 4–10 / high ≥ 11, unlikely ≤ 5; simplified low 0–1 / 2–4 / ≥ 5, unlikely ≤ 2', () => {
    // A 70-year-old with unilateral leg pain and a heart rate of 96: 1 + 3 + 5 = 9.
    const patient = { ...none, ageYears: 70, unilateralLegPain: true, heartRateBpm: 96 };
    expect(revisedGeneva(patient).total).toBe(9);
    expect(categoryNames(revisedGeneva(patient))).toEqual(['intermediate', 'PE likely']);
    expect(simplifiedGeneva(patient).total).toBe(4);
    expect(categoryNames(simplifiedGeneva(patient))).toEqual(['intermediate', 'PE likely']);
    expect(categoryNames(revisedGeneva({ ...none, previousVte: true }))).toEqual(['low', 'PE unlikely']); // 3
    expect(categoryNames(revisedGeneva({ ...none, dvtSigns: true }))).toEqual(['intermediate', 'PE unlikely']); // 4
    expect(categoryNames(revisedGeneva({ ...none, previousVte: true, heartRateBpm: 80 }))).toEqual(['intermediate', 'PE likely']); // 6
    expect(categoryNames(revisedGeneva({ ...none, dvtSigns: true, heartRateBpm: 100, haemoptysis: true }))).toEqual(['high', 'PE likely']); // 11
    expect(categoryNames(simplifiedGeneva({ ...none, haemoptysis: true }))).toEqual(['low', 'PE unlikely']); // 1
    expect(categoryNames(simplifiedGeneva({ ...none, haemoptysis: true, heartRateBpm: 80 }))).toEqual(['intermediate', 'PE unlikely']); // 2
    expect(categoryNames(simplifiedGeneva({ ...none, haemoptysis: true, activeCancer: true, heartRateBpm: 95, dvtSigns: true }))).toEqual(['high', 'PE likely']); // 5
    expect(revisedGeneva(patient).categories[0]).toMatchObject({ reportedPrevalence: 0.28, prevalenceSource: 'Le Gal 2006, validation set' });
  });
});

describe('YEARS (van der Hulle 2017)', () => {
  it('excludes PE below 1000 ng/mL with no YEARS item and below 500 ng/mL with one or more', () => {
    expect(years({ ...none, dDimerNgMlFeu: 999 }).imagingIndicated).toBe(false);
    expect(years({ ...none, dDimerNgMlFeu: 1000 }).imagingIndicated).toBe(true);
    expect(years({ ...none, haemoptysis: true, dDimerNgMlFeu: 499 }).imagingIndicated).toBe(false);
    expect(years({ ...none, haemoptysis: true, dDimerNgMlFeu: 500 }).imagingIndicated).toBe(true);
    expect(years({ ...none, dvtSigns: true, peMostLikely: true, dDimerNgMlFeu: 800 }).summary).toBe('YEARS: imaging indicated (2 YEARS items, D-dimer 800 ≥ 500 ng/mL)');
    expect(years({ ...none }).missing).toEqual(['dDimerNgMlFeu']);
  });
});

describe('PEGeD (Kearon 2019)', () => {
  it('excludes PE with low C-PTP and D-dimer < 1000, or moderate C-PTP and D-dimer < 500; high C-PTP always images', () => {
    expect(peged({ ...none, previousVte: true, dDimerNgMlFeu: 999 }).imagingIndicated).toBe(false); // Wells 1.5: low
    expect(peged({ ...none, previousVte: true, dDimerNgMlFeu: 1000 }).imagingIndicated).toBe(true);
    expect(peged({ ...none, dvtSigns: true, peMostLikely: true, dDimerNgMlFeu: 499 }).imagingIndicated).toBe(false); // Wells 6: still moderate
    expect(peged({ ...none, dvtSigns: true, peMostLikely: true, dDimerNgMlFeu: 500 }).imagingIndicated).toBe(true);
    const high = peged({ ...none, dvtSigns: true, peMostLikely: true, activeCancer: true }); // Wells 7, no D-dimer needed
    expect(high).toMatchObject({ imagingIndicated: true, missing: [], summary: 'PEGeD: imaging indicated (high C-PTP (Wells 7))' });
    expect(peged({ ...none, previousVte: true }).missing).toEqual(['dDimerNgMlFeu']);
  });

  it("bounds C-PTP by the study's Wells cut-offs (low 0–4.0, moderate 4.5–6.0, high > 6.0), not Wells' own three levels", () => {
    // Wells 2–4 is Wells' "moderate" but PEGeD's low C-PTP: a D-dimer of 500–999 excludes PE.
    expect(peged({ ...none, haemoptysis: true, activeCancer: true, dDimerNgMlFeu: 700 })).toMatchObject({ imagingIndicated: false, summary: 'PEGeD: PE excluded without imaging (low C-PTP (Wells 2), D-dimer 700 < 1000 ng/mL)' });
    expect(peged({ ...none, dvtSigns: true, activeCancer: true, dDimerNgMlFeu: 999 }).imagingIndicated).toBe(false); // Wells 4: low
    expect(peged({ ...none, dvtSigns: true, heartRateBpm: 101, dDimerNgMlFeu: 499 }).summary).toBe('PEGeD: PE excluded without imaging (moderate C-PTP (Wells 4.5), D-dimer 499 < 500 ng/mL)');
    expect(peged({ ...none, dvtSigns: true, heartRateBpm: 101, dDimerNgMlFeu: 700 }).imagingIndicated).toBe(true); // Wells 4.5: moderate
    expect(peged({ ...none, dvtSigns: true, peMostLikely: true, haemoptysis: true, dDimerNgMlFeu: 200 }).imagingIndicated).toBe(true); // Wells 7: high
  });
});

describe('age-adjusted D-dimer (Righini 2014, ADJUST-PE)', () => {
  it('uses age × 10 above 50 years and 500 otherwise, only when PE is unlikely', () => {
    expect([30, 50, 51, 75, 90].map(ageAdjustedCutoff)).toEqual([500, 500, 510, 750, 900]);
    // A 75-year-old, PE unlikely, D-dimer 700: above the fixed 500 but below the adjusted 750.
    expect(ageAdjustedDdimer({ ...none, ageYears: 75, dDimerNgMlFeu: 700 }).imagingIndicated).toBe(false);
    expect(ageAdjustedDdimer({ ...none, ageYears: 75, dDimerNgMlFeu: 750 }).imagingIndicated).toBe(true);
    expect(ageAdjustedDdimer({ ...none, ageYears: 45, dDimerNgMlFeu: 700 }).imagingIndicated).toBe(true);
    const likely = { ...none, dvtSigns: true, peMostLikely: true } as PeItems;
    delete likely.ageYears;
    expect(ageAdjustedDdimer(likely)).toMatchObject({ imagingIndicated: true, missing: [] });
  });
});

describe('decision rules with items not assessed', () => {
  // Only DVT signs, PE most likely and cancer assessed: Wells 7 whatever the other four are.
  const highSoFar: PeItems = { dvtSigns: true, peMostLikely: true, activeCancer: true };

  it('gives the decision the items given already settle, naming what was not assessed and why it does not matter', () => {
    expect(peged(highSoFar)).toMatchObject({
      imagingIndicated: true,
      summary: 'PEGeD: imaging indicated (high C-PTP (Wells 7–12.5, heart rate, immobilisation ≥ 3 days or surgery within the previous 4 weeks, previous DVT or PE and haemoptysis not assessed))',
    });
    expect(ageAdjustedDdimer(highSoFar)).toMatchObject({ imagingIndicated: true, missing: [] });
    // A D-dimer of 1000 images whatever the C-PTP; below 500 it excludes where Wells cannot pass 6.
    expect(peged({ previousVte: true, dDimerNgMlFeu: 1200 })).toMatchObject({ imagingIndicated: true, summary: expect.stringMatching(/^PEGeD: imaging indicated \(low to high C-PTP \(Wells 1\.5–12\.5, .* not assessed\), D-dimer 1200 ≥ 1000 ng\/mL\)$/) });
    expect(peged({ ...none, peMostLikely: true, heartRateBpm: undefined, dDimerNgMlFeu: 450 } as PeItems)).toMatchObject({
      imagingIndicated: false,
      summary: 'PEGeD: PE excluded without imaging (low to moderate C-PTP (Wells 3–4.5, heart rate not assessed), D-dimer 450 < 500 ng/mL)',
    });
    // With Wells unknown but ≤ 4 possible, the age-adjusted cut-off is at least 500: 450 excludes whatever the age.
    const unlikely = { ...none, dDimerNgMlFeu: 450 } as PeItems;
    delete unlikely.ageYears;
    expect(ageAdjustedDdimer(unlikely).summary).toBe('Age-adjusted D-dimer: PE excluded without imaging (PE unlikely (Wells 0), D-dimer 450 < 500 ng/mL (age not assessed: the cut-off is at least 500 ng/mL))');
    expect(ageAdjustedDdimer({ ...unlikely, dDimerNgMlFeu: 1300 }).imagingIndicated).toBe(true); // ≥ 130 × 10
    expect(years({ dvtSigns: true, dDimerNgMlFeu: 800 })).toMatchObject({ imagingIndicated: true, summary: 'YEARS: imaging indicated (1–3 YEARS items, haemoptysis and PE the most likely diagnosis not assessed, D-dimer 800 ≥ 500 ng/mL)' });
    expect(years({ dDimerNgMlFeu: 1000 }).imagingIndicated).toBe(true);
  });

  it('stays incomplete where the items not assessed could still change the decision', () => {
    expect(peged({ previousVte: true, dDimerNgMlFeu: 700 })).toMatchObject({ imagingIndicated: null, missing: ['dvtSigns', 'peMostLikely', 'heartRateBpm', 'immobilisationOrSurgery4w', 'haemoptysis', 'activeCancer'] });
    expect(peged({ ...none, peMostLikely: true, heartRateBpm: undefined, dDimerNgMlFeu: 700 } as PeItems).imagingIndicated).toBeNull(); // Wells 3 or 4.5
    expect(peged({ dvtSigns: true }).missing).toContain('dDimerNgMlFeu');
    const unlikely = { ...none, dDimerNgMlFeu: 700 } as PeItems;
    delete unlikely.ageYears;
    expect(ageAdjustedDdimer(unlikely)).toMatchObject({ imagingIndicated: null, missing: ['ageYears'] });
    expect(years({ dDimerNgMlFeu: 700 }).imagingIndicated).toBeNull();
  });
});

describe('all scores and their cut-offs', () => {
  it('computes every score in display order and turns each into a ROC value and decisions', () => {
    const items: PeItems = { ...none, dvtSigns: true, heartRateBpm: 110, ageYears: 70, dDimerNgMlFeu: 650 };
    const results = computePeScores(items);
    expect(results.map((r) => [r.score, scoreValue(r)])).toEqual([['wells', 4.5], ['revisedGeneva', 10], ['simplifiedGeneva', 4], ['years', 1], ['peged', 1], ['ageAdjustedDdimer', 1]]);
    const wellsCut = peCutOffs.find((c) => c.label.startsWith('Wells > 4'));
    expect(wellsCut && [atCutOff(wellsCut, 4), atCutOff(wellsCut, 4.5)]).toEqual([false, true]);
    expect(computePeScores({}).every((r) => scoreValue(r) === null && r.missing.length > 0)).toBe(true);
  });
});

describe('a D-dimer low enough to be a result in mg/L FEU typed as ng/mL', () => {
  it('needs its unit confirmed in ng/mL FEU from the floor up to 100 (24 mg/L FEU typed as ng/mL reads as 24 ng/mL), never in mg/L FEU', () => {
    const values = [19.9, 20, 24, 45, 99.5, 100, 100.5, 650];
    expect(values.map((v) => dDimerNeedsUnitConfirmation(v, 'ng/mL FEU'))).toEqual([false, true, true, true, true, true, false, false]);
    expect(values.some((v) => dDimerNeedsUnitConfirmation(v, 'mg/L FEU'))).toBe(false);
    // The band is every number that is also an accepted result in mg/L FEU, from the floor up.
    expect([dDimerFloorNgMlFeu, dDimerCeilingMgLFeu]).toEqual([20, 100]);
  });

  it("doubts a stored D-dimer outside the plausible range, or of 20–100 ng/mL FEU without its unit confirmed: the one rule the items line, the rules' caveat and the fused probability use", () => {
    const values = [0.9, 19.9, 20, 24, 100, 100.5, 650, 100_000, 150_000];
    expect(values.map((v) => dDimerDoubt({ dDimerNgMlFeu: v }))).toEqual(['below floor', 'below floor', 'unit not confirmed', 'unit not confirmed', 'unit not confirmed', null, null, null, 'above ceiling']);
    expect(values.map((v) => dDimerDoubt({ dDimerNgMlFeu: v, dDimerUnitConfirmed: true }))).toEqual(['below floor', 'below floor', null, null, null, null, null, null, 'above ceiling']);
    expect(dDimerDoubt({})).toBeNull();
  });

  it('asks naming the mix-up with the value itself', () => {
    expect(dDimerUnitQuestion(24)).toBe('24 ng/mL FEU is below what most assays report (the most sensitive from 45 ng/mL FEU; a result reported as "< 45" is entered as 45); if the lab reported 24 mg/L FEU, that is 24000 ng/mL FEU');
    expect(dDimerUnitQuestion(60)).toBe('60 ng/mL FEU is lower than most assays report; if the lab reported 60 mg/L FEU, that is 60000 ng/mL FEU');
  });

  it('lies under every cut-off, so a lab reporting "< 45" entered as 45 gets the decision any lower value would', () => {
    const clinical: PeItems[] = [{}, { haemoptysis: true }, { previousVte: true }, { haemoptysis: true, activeCancer: true }, { dvtSigns: true, peMostLikely: true }];
    const decisions = (items: PeItems) => computePeScores(items).map((r) => [r.score, r.imagingIndicated]);
    for (const ageYears of [18, 50, 51, 75, 130]) {
      for (const items of clinical) {
        const at = (dDimerNgMlFeu: number) => decisions({ ...none, ...items, ageYears, dDimerNgMlFeu });
        // 499: just under the lowest cut-off (500, YEARS and PEGeD with items, age-adjusted up to 50 years).
        const band = [dDimerFloorNgMlFeu, dDimerLowestReportedNgMlFeu, dDimerCeilingMgLFeu];
        for (const value of band) expect(at(value), `${ageYears} ${JSON.stringify(items)} ${value}`).toEqual(at(499));
      }
    }
    expect(years({ ...none, dDimerNgMlFeu: 100 }).imagingIndicated).toBe(false);
  });
});
