import { copyFile, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../test/shared-data';
import { loadHospital } from './hospital';

/** PE score columns of a hospital labels CSV, on real PTB-XL records with synthetic labels and items. */
async function folder(csv: string): Promise<{ dir: string; labels: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'einthoven-pe-csv-'));
  await mkdir(path.join(dir, 'ecgs'));
  for (const id of ['00001', '00002', '00003']) {
    for (const ext of ['hea', 'dat']) await copyFile(fixturePath('train', 'ptbxl', 'records100', '00000', `${id}_lr.${ext}`), path.join(dir, 'ecgs', `${id}_lr.${ext}`));
  }
  await writeFile(path.join(dir, 'labels.csv'), csv);
  return { dir, labels: path.join(dir, 'labels.csv') };
}

const header = 'file,label,age,heart_rate,d_dimer_ng_ml_feu,dvt_signs,pe_most_likely,immobilisation_or_surgery_4w,previous_vte,haemoptysis,active_cancer,surgery_or_fracture_1m,unilateral_leg_pain,wells_total,peged_imaging,pe_scores_source';

describe('hospital labels CSV: PE score items and totals', () => {
  it('computes every score from the items, takes totals where only they were recorded, and keeps the provenance', async () => {
    const { dir, labels } = await folder(
      `${header}\n` +
        'ecgs/00001_lr.hea,1,70,110,650,yes,no,no,no,no,no,no,no,,,ED form\n' + // Wells 4.5 from items
        'ecgs/00002_lr.hea,0,45,,,,,,,,,,,2,0,chart review\n' + // only totals
        'ecgs/00003_lr.hea,0,,,,,,,,,,,,,,\n', // nothing: no scores
    );
    const ds = await loadHospital(dir, { labels });
    const [a, b, c] = ['ecgs/00001_lr.hea', 'ecgs/00002_lr.hea', 'ecgs/00003_lr.hea'].map((id) => ds.items.find((i) => i.id === id));
    expect(ds.classes).toEqual(['positive']);
    expect(a?.peScores?.items).toEqual({ ageYears: 70, heartRateBpm: 110, dDimerNgMlFeu: 650, dvtSigns: true, peMostLikely: false, immobilisationOrSurgery4w: false, previousVte: false, haemoptysis: false, activeCancer: false, surgeryOrFracture1m: false, unilateralLegPain: false });
    expect(a?.peScores?.values).toEqual({
      wells: { value: 4.5, provenance: 'items' },
      revisedGeneva: { value: 10, provenance: 'items' },
      simplifiedGeneva: { value: 4, provenance: 'items' },
      years: { value: 1, provenance: 'items' },
      peged: { value: 1, provenance: 'items' },
      ageAdjustedDdimer: { value: 1, provenance: 'items' },
    });
    expect(a?.peScores?.source).toBe('ED form');
    expect(b?.peScores).toEqual({ items: { ageYears: 45 }, values: { wells: { value: 2, provenance: 'total' }, peged: { value: 0, provenance: 'total' } }, source: 'chart review' });
    expect(c?.peScores).toBeUndefined();
  });

  it("takes a site's PEGeD decisions on Wells 2–4 with a D-dimer of 500–999 as the study made them: PE excluded (low C-PTP)", async () => {
    // Wells 2.5 (previous VTE, haemoptysis) is Wells' own "moderate" but PEGeD's low C-PTP (Wells ≤ 4): D-dimer 700 < 1000 excludes PE.
    const { dir, labels } = await folder(`${header}\necgs/00001_lr.hea,0,60,80,700,no,no,no,yes,yes,no,no,no,,excluded,ED PEGeD protocol\n`);
    const [item] = (await loadHospital(dir, { labels })).items;
    expect(item?.peScores?.values.wells).toEqual({ value: 2.5, provenance: 'items' });
    expect(item?.peScores?.values.peged).toEqual({ value: 0, provenance: 'items' });
  });

  it('refuses unreadable values and totals that contradict their items, naming the row and column', async () => {
    const cases: [string, RegExp][] = [
      ['ecgs/00001_lr.hea,1,70,110,650,maybe,no,no,no,no,no,no,no,,,', /row 2: dvt_signs 'maybe' is not yes\/no/],
      ['ecgs/00001_lr.hea,1,70,fast,650,,,,,,,,,,,', /row 2: heart_rate 'fast' is not a number of beats\/min/],
      ['ecgs/00001_lr.hea,1,70,110,-5,,,,,,,,,,,', /d_dimer_ng_ml_feu '-5' is not a number of ng\/mL FEU/],
      // A lab's mg/L FEU (= µg/mL FEU) put in the ng/mL column: 1000 times too small, it would have excluded PE.
      ['ecgs/00001_lr.hea,1,70,110,0.65,,,,,,,,,,,', /row 2: d_dimer_ng_ml_feu '0\.65' is below 20 ng\/mL FEU, which is not plausible; 0\.65 mg\/L FEU is 650 ng\/mL: give it in d_dimer_mg_l_feu/],
      ['ecgs/00001_lr.hea,1,70,,,,,,,,,,,14,,', /wells_total '14' is not a wells total \(0–12.5\)/],
      // Wells adds 3, 3, 1.5, 1.5, 1.5, 1 and 1: 2.3 (a typo of 2.5 or 3), 0.5 and 12 are no sum of them.
      ['ecgs/00001_lr.hea,1,70,,,,,,,,,,,2.3,,', /row 2: wells_total '2\.3' is not a total the score's items can give: Wells adds its items' points \(3, 3, 1\.5, 1\.5, 1\.5, 1 and 1\), so a total is one of 0, 1, 1\.5, 2, 2\.5, .*, 11\.5, 12\.5$/],
      ['ecgs/00001_lr.hea,1,70,,,,,,,,,,,0.5,,', /row 2: wells_total '0\.5' is not a total the score's items can give/],
      ['ecgs/00001_lr.hea,1,70,,,,,,,,,,,12,,', /row 2: wells_total '12' is not a total the score's items can give/],
      ['ecgs/00001_lr.hea,1,70,110,650,yes,no,no,no,no,no,no,no,6,,', /wells_total 6 disagrees with 4.5 computed from the row's items/],
      ['ecgs/00001_lr.hea,1,70,,,,,,,,,,,,perhaps,', /peged_imaging 'perhaps' is not yes\/no/],
      // A comma inside a quoted cell of a comma-separated file: decimal or thousands is not known.
      ['ecgs/00001_lr.hea,1,70,110,"1,234",,,,,,,,,,,', /row 2: d_dimer_ng_ml_feu '1,234' has a decimal comma, which is not read in a comma-separated file .*save the file with ';' between fields/],
      ['ecgs/00001_lr.hea,1,70,"104,5",650,,,,,,,,,,,', /row 2: heart_rate '104,5' has a decimal comma, which is not read in a comma-separated file/],
      ['ecgs/00001_lr.hea,1,70,,,,,,,,,,,"1,5",,', /row 2: wells_total '1,5' has a decimal comma/],
    ];
    for (const [row, message] of cases) {
      const { dir, labels } = await folder(`${header}\n${row}\n`);
      await expect(loadHospital(dir, { labels }), row).rejects.toThrow(message);
    }
  });

  it('refuses a total or decision that the items a row does give rule out, whatever its items not assessed are, and takes one they allow', async () => {
    const partial = 'file,label,d_dimer_ng_ml_feu,dvt_signs,pe_most_likely,haemoptysis,wells_total,years_imaging';
    const refusals: [string, RegExp][] = [
      // DVT signs and PE most likely are 6 Wells points on their own: a total of 2 was taken as given.
      ['ecgs/00001_lr.hea,1,,yes,yes,,2,', /row 2: wells_total 2 disagrees with the row's items: they give 6–12\.5 whatever heart_rate, immobilisation_or_surgery_4w, previous_vte, haemoptysis and active_cancer \(not assessed\) are; correct the total or the items/],
      // One YEARS item and a D-dimer of 800 image whatever the other two are: "excluded" was taken as given.
      // Settled by the items given, the decision is computed and the recorded one compared with it, its reason named.
      ['ecgs/00001_lr.hea,1,800,yes,,,,excluded', /row 2: years_imaging excluded disagrees with the row's items: YEARS: imaging indicated \(1–3 YEARS items, haemoptysis and PE the most likely diagnosis not assessed, D-dimer 800 ≥ 500 ng\/mL\); correct the total or the items/],
      ['ecgs/00001_lr.hea,1,400,,,,,imaging', /row 2: years_imaging imaging disagrees with the row's items: YEARS: PE excluded without imaging \(0–3 YEARS items, clinical signs of DVT, haemoptysis and PE the most likely diagnosis not assessed, D-dimer 400 < 500 ng\/mL\)/],
    ];
    for (const [row, message] of refusals) {
      const { dir, labels } = await folder(`${partial}\n${row}\n`);
      await expect(loadHospital(dir, { labels }), row).rejects.toThrow(message);
    }
    // A site that counted its items not assessed as absent: Wells 3 is what the items allow; YEARS'
    // imaging is settled by DVT signs and 800 ≥ 500 whatever PE most likely is, so computed.
    const { dir, labels } = await folder(`${partial}\necgs/00001_lr.hea,1,800,yes,,no,3,imaging\n`);
    const [item] = (await loadHospital(dir, { labels })).items;
    expect(item?.peScores?.values).toEqual({ wells: { value: 3, provenance: 'total' }, years: { value: 1, provenance: 'items' } });
  });

  it('reads a D-dimer of 20–100 ng/mL FEU only from a row that confirms its unit, and refuses it, naming the mix-up, from one that does not', async () => {
    const confirmed = `${header},d_dimer_ng_ml_feu_confirmed\n`;
    const { dir, labels } = await folder(`${confirmed}ecgs/00001_lr.hea,1,70,110,60,no,no,no,no,no,no,no,no,,,ED form,yes\necgs/00002_lr.hea,0,45,,650,,,,,,,,,,,,\n`);
    const ds = await loadHospital(dir, { labels });
    expect(ds.items.find((i) => i.id === 'ecgs/00001_lr.hea')?.peScores?.items.dDimerNgMlFeu).toBe(60);
    expect(ds.items.find((i) => i.id === 'ecgs/00002_lr.hea')?.peScores?.items.dDimerNgMlFeu).toBe(650);
    const unconfirmed = await folder(`${confirmed}ecgs/00001_lr.hea,1,70,110,24,no,no,no,no,no,no,no,no,,,ED form,\n`);
    await expect(loadHospital(unconfirmed.dir, { labels: unconfirmed.labels })).rejects.toThrow(/row 2: d_dimer_ng_ml_feu '24': 24 ng\/mL FEU is below what most assays report \(the most sensitive from 45 ng\/mL FEU; a result reported as "< 45" is entered as 45\); if the lab reported 24 mg\/L FEU, that is 24000 ng\/mL FEU: give it in d_dimer_mg_l_feu/);
  });

  it('reads a decimal comma in a tab-separated export, where a comma cannot separate fields either', async () => {
    const tabs = header.replace(/,/g, '\t');
    const { dir, labels } = await folder(`${tabs}\necgs/00001_lr.hea\t1\t70,5\t104,5\t650,0\t\t\t\t\t\t\t\t\t\t\t\necgs/00002_lr.hea\t0\t45\t\t\t\t\t\t\t\t\t\t\t1,5\t\t\n`);
    const ds = await loadHospital(dir, { labels });
    expect(ds.items.find((i) => i.id === 'ecgs/00001_lr.hea')?.peScores?.items).toEqual({ ageYears: 70.5, heartRateBpm: 104.5, dDimerNgMlFeu: 650 });
    expect(ds.items.find((i) => i.id === 'ecgs/00002_lr.hea')?.peScores?.values.wells).toEqual({ value: 1.5, provenance: 'total' });
    const ambiguous = await folder(`${tabs}\necgs/00001_lr.hea\t1\t70\t\t1,234\t\t\t\t\t\t\t\t\t\t\t\n`);
    await expect(loadHospital(ambiguous.dir, { labels: ambiguous.labels })).rejects.toThrow(/row 2: d_dimer_ng_ml_feu '1,234' may be 1\.234 \(decimal comma\) or 1234 \(thousands comma\)/);
  });

  it("reads the age, which sets the age-adjusted D-dimer cut-off, as the other numbers: no hexadecimal, exponent or ambiguous comma", async () => {
    const row = (age: string) => `ecgs/00001_lr.hea,1,${age},,650,,,,,,,,,,,`;
    const refusals: [string, RegExp][] = [
      // Number() read these as 31 and 50 years: a cut-off of 500 (or 310) ng/mL instead of a refusal.
      [row('0x1F'), /row 2: age '0x1F' is not a number of years/],
      [row('5e1'), /row 2: age '5e1' is not a number of years/],
      [row('Infinity'), /row 2: age 'Infinity' is not a number of years/],
      [row('"70,5"'), /row 2: age '70,5' has a decimal comma, which is not read in a comma-separated file/],
      [row('"1.234,5"'), /row 2: age '1\.234,5' has both a comma and a point/],
      [row('-3'), /row 2: age '-3' is not a number of years/],
    ];
    for (const [line, message] of refusals) {
      const { dir, labels } = await folder(`${header}\n${line}\n`);
      await expect(loadHospital(dir, { labels }), line).rejects.toThrow(message);
    }
    const semicolons = header.replace(/,/g, ';');
    const { dir, labels } = await folder(`${semicolons}\necgs/00001_lr.hea;1;70,5;;650;;;;;;;;;;;\n`);
    const [item] = (await loadHospital(dir, { labels })).items;
    expect(item?.peScores?.items.ageYears).toBe(70.5);
    expect(item?.demographics?.ageYears).toBe(70.5);
    const ambiguous = await folder(`${semicolons}\necgs/00001_lr.hea;1;1,234;;650;;;;;;;;;;;\n`);
    await expect(loadHospital(ambiguous.dir, { labels: ambiguous.labels })).rejects.toThrow(/row 2: age '1,234' may be 1\.234 \(decimal comma\) or 1234 \(thousands comma\)/);
  });

  it('refuses an age above the oldest the PE form accepts (130 years), naming the row and column, where 130–149 once reached the items', async () => {
    const row = (age: string) => `ecgs/00001_lr.hea,1,${age},,650,,,,,,,,,,,`;
    const semicolons = header.replace(/,/g, ';');
    const refusals: [string, RegExp][] = [
      // Read as 140 years, the age-adjusted D-dimer rule took it as given (a cut-off of 1400 ng/mL), and Geneva's > 65.
      [`${header}\n${row('140')}\n`, /row 2: age '140' is above 130 years, which is not a plausible age/],
      [`${header}\n${row('130.5')}\n`, /row 2: age '130\.5' is above 130 years/],
      [`${semicolons}\necgs/00001_lr.hea;1;149,5;;650;;;;;;;;;;;\n`, /row 2: age '149,5' is above 130 years/],
    ];
    for (const [csv, message] of refusals) {
      const { dir, labels } = await folder(csv);
      await expect(loadHospital(dir, { labels }), csv).rejects.toThrow(message);
    }
    const oldest = await folder(`${header}\n${row('130')}\n`);
    const [item] = (await loadHospital(oldest.dir, { labels: oldest.labels })).items;
    expect(item?.peScores?.items.ageYears).toBe(130);
  });

  it("reads a decimal comma in a ';'-separated export, where a comma cannot separate fields, and refuses a number that may be grouped in thousands", async () => {
    const semicolons = header.replace(/,/g, ';');
    const row = (heartRate: string, dDimer: string, wells: string) => `ecgs/00001_lr.hea;1;70;${heartRate};${dDimer};;;;;;;;;${wells};;`;
    const { dir, labels } = await folder(`${semicolons}\n${row('104,5', '650,0', '')}\necgs/00002_lr.hea;0;45;;;;;;;;;;;1,5;;\n`);
    const ds = await loadHospital(dir, { labels });
    expect(ds.items.find((i) => i.id === 'ecgs/00001_lr.hea')?.peScores?.items).toEqual({ ageYears: 70, heartRateBpm: 104.5, dDimerNgMlFeu: 650 });
    expect(ds.items.find((i) => i.id === 'ecgs/00002_lr.hea')?.peScores?.values.wells).toEqual({ value: 1.5, provenance: 'total' });
    const refusals: [string, RegExp][] = [
      [row('110', '1,234', ''), /row 2: d_dimer_ng_ml_feu '1,234' may be 1\.234 \(decimal comma\) or 1234 \(thousands comma\), 1000 times apart; type it as 1\.234 or 1234/],
      [row('110', '1.234,5', ''), /row 2: d_dimer_ng_ml_feu '1\.234,5' has both a comma and a point, so a thousands separator is in it/],
      [row('110', '1,234.5', ''), /row 2: d_dimer_ng_ml_feu '1,234\.5' has both a comma and a point/],
    ];
    for (const [line, message] of refusals) {
      const other = await folder(`${semicolons}\n${line}\n`);
      await expect(loadHospital(other.dir, { labels: other.labels }), line).rejects.toThrow(message);
    }
  });
});
