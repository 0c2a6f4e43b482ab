import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PeAssessment, PeScoreResultInfo } from '../contract/pe-schemas';
import { computePeScores, type PeItems } from '../clinic/pe-scores/index';
import { PeAssessmentStore } from '../db/pe-assessments';
import { Engine } from './engine';
import { engineValue, fixtureRecordFiles, importedRecordId } from '../test/engine-value';

/** PE pre-test scores through the real engine: real SQLite, a real PTB-XL record. */
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-pe-'));
let engine: Engine;
let recordId: number;

const value = <T>(channel: string, request: object): Promise<T> => engineValue<T>(engine, channel, request);

beforeAll(async () => {
  engine = new Engine({ dataDir, shell: 'test' });
  recordId = await importedRecordId(engine, { files: fixtureRecordFiles('00001_lr') });
});

afterAll(async () => {
  await engine.close();
});

const byScore = (scores: PeScoreResultInfo[]) => Object.fromEntries(scores.map((s) => [s.score, s]));

describe('PE pre-test scores on a record', () => {
  it('previews the scores from items without storing, naming what is missing', async () => {
    const { scores } = await value<{ scores: PeScoreResultInfo[] }>('pe:preview', { items: { dvtSigns: true, heartRateBpm: 110 } });
    expect(byScore(scores).wells).toMatchObject({ total: null, missing: ['peMostLikely', 'immobilisationOrSurgery4w', 'previousVte', 'haemoptysis', 'activeCancer'] });
    expect(await value('pe:list', { recordId })).toEqual({ items: [], lastAssessor: null });
  });

  it('stores the items with the scores computed from them, audited; a correction supersedes and both stay', async () => {
    const items = { ageYears: 70, heartRateBpm: 110, dDimerNgMlFeu: 650, dvtSigns: true, peMostLikely: false, immobilisationOrSurgery4w: false, previousVte: false, haemoptysis: false, activeCancer: false, surgeryOrFracture1m: false, unilateralLegPain: false };
    // A typed rate: one said to be the ECG's must be the record's measured rate (pe-ecg-rate.test.ts).
    const first = await value<PeAssessment>('pe:assess', { recordId, items, heartRateSource: 'entered', assessor: ' Dr. E. Medic ', note: 'ED triage' });
    expect(first).toMatchObject({ recordId, items, assessor: 'Dr. E. Medic', note: 'ED triage', supersedes: null, heartRateSource: 'entered' });
    expect(byScore(first.scores).wells?.total).toBe(4.5);
    expect(byScore(first.scores).peged?.imagingIndicated).toBe(true);
    expect(engine.audit.recent(1)[0]).toMatchObject({ actor: 'Dr. E. Medic', action: 'pe.scores.entered', subject: `record:${recordId}`, details: { assessment: first.id, heartRateSource: 'entered', scores: { wells: 4.5, revisedGeneva: 10, years: 'imaging', peged: 'imaging' } } });

    const corrected = await value<PeAssessment>('pe:assess', { recordId, items: { ...items, dvtSigns: false }, heartRateSource: 'entered', assessor: 'Dr. F', supersedes: first.id });
    expect(byScore(corrected.scores).wells?.total).toBe(1.5);
    expect(engine.audit.recent(1)[0]).toMatchObject({ action: 'pe.scores.corrected', details: { supersedes: first.id, heartRateSource: 'entered' } });
    expect(await value('pe:list', { recordId })).toEqual({ items: [corrected, first], lastAssessor: 'Dr. F' });
    expect(() => engine.db.prepare("UPDATE pe_assessments SET assessor = 'x'").run()).toThrow(/immutable: UPDATE refused/);
  });

  it('refuses a stale correction, an empty or implausible entry, an unnamed assessor and an unknown record, storing nothing', async () => {
    const before = (await value<{ items: PeAssessment[] }>('pe:list', { recordId })).items;
    const stale = before.at(-1)?.id;
    const refusals: [object, string, RegExp][] = [
      [{ recordId, items: { haemoptysis: true }, assessor: 'Dr. G', supersedes: stale }, 'E_CONFLICT', /entered by Dr\. F/],
      [{ recordId, items: { haemoptysis: true }, assessor: 'Dr. G' }, 'E_CONFLICT', /open that entry/],
      [{ recordId, items: {}, assessor: 'Dr. G', supersedes: before[0]?.id }, 'E_VALIDATION', /at least one score item/],
      [{ recordId, items: { heartRateBpm: 1000 }, heartRateSource: 'entered', assessor: 'Dr. G', supersedes: before[0]?.id }, 'E_VALIDATION', /heartRateBpm above 350/],
      // Wells counts a rate above 100: an entry must say whether its rate is the ECG's or typed.
      [{ recordId, items: { heartRateBpm: 112 }, assessor: 'Dr. G', supersedes: before[0]?.id }, 'E_VALIDATION', /heartRateSource must say where the heart rate came from \('ecg' or 'entered'\)/],
      [{ recordId, items: { haemoptysis: true }, heartRateSource: 'ecg', assessor: 'Dr. G', supersedes: before[0]?.id }, 'E_VALIDATION', /heartRateSource is given without a heart rate/],
      [{ recordId, items: { heartRateBpm: 112 }, heartRateSource: 'monitor', assessor: 'Dr. G', supersedes: before[0]?.id }, 'E_VALIDATION', /heartRateSource/],
      [{ recordId, items: { wellsTotal: 5 }, assessor: 'Dr. G', supersedes: before[0]?.id }, 'E_VALIDATION', /wellsTotal/],
      [{ recordId, items: { haemoptysis: true }, assessor: '  ', supersedes: before[0]?.id }, 'E_VALIDATION', /assessor must be named/],
      [{ recordId: 999, items: { haemoptysis: true }, assessor: 'Dr. G' }, 'E_NOT_FOUND', /record 999 does not exist/],
    ];
    for (const [request, code, message] of refusals) {
      expect(await engine.handle('pe:assess', request), JSON.stringify(request)).toMatchObject({ ok: false, error: { code, message: expect.stringMatching(message) } });
    }
    expect((await value<{ items: PeAssessment[] }>('pe:list', { recordId })).items).toEqual(before);
  });

  it('refuses a D-dimer below what any assay reports (mg/L FEU typed as ng/mL), saying the unit mix-up, in the preview and on save', async () => {
    const current = (await value<{ items: PeAssessment[] }>('pe:list', { recordId })).items[0]?.id;
    const refused = (message: string) => ({ ok: false, error: { code: 'E_VALIDATION', message: expect.stringContaining(message) } });
    expect(await engine.handle('pe:preview', { items: { dDimerNgMlFeu: 0.65 } })).toMatchObject(refused('items.dDimerNgMlFeu: below 20 ng/mL FEU is not plausible; 0.65 mg/L FEU is 650 ng/mL'));
    expect(await engine.handle('pe:assess', { recordId, items: { dDimerNgMlFeu: 0.9 }, assessor: 'Dr. G', supersedes: current })).toMatchObject(refused('below 20 ng/mL FEU is not plausible; 0.9 mg/L FEU is 900 ng/mL'));
    expect((await value<{ items: PeAssessment[] }>('pe:list', { recordId })).items[0]?.id).toBe(current);
    const { scores } = await value<{ scores: PeScoreResultInfo[] }>('pe:preview', { items: { dDimerNgMlFeu: 20, dDimerUnitConfirmed: true } });
    expect(byScore(scores).wells?.missing).toEqual(expect.arrayContaining(['dvtSigns']));
    // Below 500 YEARS excludes whatever its three items are, so the confirmed 20 settles it alone.
    expect(byScore(scores).years).toMatchObject({ imagingIndicated: false, missing: [] });
  });

  it('refuses a D-dimer of 20–100 ng/mL FEU (24 mg/L FEU typed as ng/mL would exclude PE) unless its unit is confirmed, and stores the confirmation', async () => {
    const current = (await value<{ items: PeAssessment[] }>('pe:list', { recordId })).items[0]?.id;
    const items = { dDimerNgMlFeu: 24, dvtSigns: false, peMostLikely: false, haemoptysis: false };
    const asked = 'items.dDimerNgMlFeu: 24 ng/mL FEU is below what most assays report (the most sensitive from 45 ng/mL FEU; a result reported as "< 45" is entered as 45); if the lab reported 24 mg/L FEU, that is 24000 ng/mL FEU: give that, or send dDimerUnitConfirmed: true if the lab reported 24 ng/mL FEU';
    const refused = (message: string) => ({ ok: false, error: { code: 'E_VALIDATION', message: expect.stringContaining(message) } });
    expect(await engine.handle('pe:preview', { items })).toMatchObject(refused(asked));
    expect(await engine.handle('pe:assess', { recordId, items, assessor: 'Dr. G', supersedes: current })).toMatchObject(refused(asked));
    expect(await engine.handle('pe:assess', { recordId, items: { ...items, dDimerNgMlFeu: 100 }, assessor: 'Dr. G', supersedes: current })).toMatchObject(refused('100 ng/mL FEU is lower than most assays report'));
    // A confirmation with no such D-dimer would confirm nothing: refused too.
    for (const stray of [{ ...items, dDimerNgMlFeu: 650 }, { haemoptysis: true }]) {
      expect(await engine.handle('pe:assess', { recordId, items: { ...stray, dDimerUnitConfirmed: true }, assessor: 'Dr. G', supersedes: current })).toMatchObject(refused('items.dDimerUnitConfirmed: there is no D-dimer of 20–100 ng/mL FEU to confirm'));
    }
    expect((await value<{ items: PeAssessment[] }>('pe:list', { recordId })).items[0]?.id).toBe(current);

    const confirmed = await value<PeAssessment>('pe:assess', { recordId, items: { ...items, dDimerUnitConfirmed: true }, assessor: 'Dr. G', supersedes: current });
    expect(confirmed.items).toEqual({ ...items, dDimerUnitConfirmed: true });
    expect(byScore(confirmed.scores).years?.imagingIndicated).toBe(false);
    expect(engine.audit.recent(1)[0]).toMatchObject({ action: 'pe.scores.corrected', details: { items: { dDimerNgMlFeu: 24, dDimerUnitConfirmed: true } } });
    expect(await engine.handle('pe:preview', { items: { dDimerNgMlFeu: 100.5 } })).toMatchObject({ ok: true });
  });

  it('refuses a D-dimer above 100 mg/L FEU (a result in ng/mL converted as mg/L), in the preview and on save', async () => {
    const current = (await value<{ items: PeAssessment[] }>('pe:list', { recordId })).items[0]?.id;
    const refused = { ok: false, error: { code: 'E_VALIDATION', message: expect.stringContaining('items.dDimerNgMlFeu: dDimerNgMlFeu above 100000 ng/mL FEU (100 mg/L FEU) is not plausible: a result in ng/mL converted as if it were mg/L?') } };
    expect(await engine.handle('pe:preview', { items: { dDimerNgMlFeu: 150_000 } })).toMatchObject(refused);
    expect(await engine.handle('pe:assess', { recordId, items: { dDimerNgMlFeu: 500_000 }, assessor: 'Dr. G', supersedes: current })).toMatchObject(refused);
    expect((await value<{ items: PeAssessment[] }>('pe:list', { recordId })).items[0]?.id).toBe(current);
    expect(await engine.handle('pe:preview', { items: { dDimerNgMlFeu: 100_000 } })).toMatchObject({ ok: true });
  });

  it('still lists entries stored before the floor, the ceiling and the unit confirmation with a D-dimer they refuse, so the record opens and the value can be corrected', async () => {
    // 24: stored before a D-dimer of 20–100 ng/mL FEU needed its unit confirmed.
    for (const dDimerNgMlFeu of [0.9, 150_000, 24]) {
      const items = { dDimerNgMlFeu, dvtSigns: false, peMostLikely: false, haemoptysis: false };
      const old = new PeAssessmentStore(engine.db).insert({ recordId, items, scores: computePeScores(items), assessor: 'Dr. Before', note: '', supersedes: null, heartRateSource: null });
      const listed = await value<{ items: PeAssessment[] }>('pe:list', { recordId });
      expect(listed.items[0]).toEqual(old);
    }
  });

  it('shows an entry stored under PEGeD\'s earlier C-PTP recomputed from its items, saying so and what was entered, and keeps the stored row as it was', async () => {
    // Wells 2.5 and a D-dimer of 700: before ceb2286 C-PTP came from Wells' three levels (2–6
    // moderate), so PEGeD stored "imaging"; the study's bounds make it low C-PTP, PE excluded.
    const items: PeItems = { dvtSigns: false, peMostLikely: false, heartRateBpm: 80, immobilisationOrSurgery4w: false, previousVte: true, haemoptysis: true, activeCancer: false, dDimerNgMlFeu: 700 };
    const stored = computePeScores(items).map((s) =>
      s.score === 'peged' ? { ...s, imagingIndicated: true, summary: 'PEGeD: imaging indicated (moderate C-PTP (Wells 2.5), D-dimer 700 ≥ 500 ng/mL)' } : s,
    );
    const entry = new PeAssessmentStore(engine.db).insert({ recordId, items, scores: stored, assessor: 'Dr. Before', note: '', supersedes: null, heartRateSource: null });
    const shown = (await value<{ items: PeAssessment[] }>('pe:list', { recordId })).items[0];
    expect(byScore(shown?.scores ?? []).peged).toMatchObject({
      imagingIndicated: false,
      summary: "PEGeD: PE excluded without imaging (low C-PTP (Wells 2.5), D-dimer 700 < 1000 ng/mL) [recomputed from the entry's items under the current rule; entered as imaging indicated (moderate C-PTP (Wells 2.5), D-dimer 700 ≥ 500 ng/mL)]",
      entered: { outcome: 'imaging' },
    });
    expect(byScore(shown?.scores ?? []).wells).toEqual(stored.find((s) => s.score === 'wells'));
    const row = engine.db.prepare('SELECT scores FROM pe_assessments WHERE id = ?').get(entry.id) as { scores: string };
    expect(JSON.parse(row.scores)).toEqual(stored);
  });
});
