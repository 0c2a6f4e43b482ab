import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RecordDetail } from '../contract/schemas';
import { RecordMeasurementsSchema } from '../contract/viewer-schemas';
import { openDatabase } from '../db/database';
import { RecordStore } from '../db/records';
import { decodeFiles } from '../formats/index';
import type { EcgRecord } from '../formats/record';
import { loadFilesForDecoding } from '../formats/load';
import { analyseEcg } from '../signal/measure';
import { fixturePath, sharedData, sharedDataPath } from '../test/shared-data';
import { DecodePool } from './decode-pool';
import { MeasurementCache, measureRecord } from './record-measurements';

/** A 3 s, 2-lead record of flat signal: quick to analyse, and everything in it is unmeasurable. */
function flatRecord(id: number, contentHash = `hash-${id}`): RecordDetail {
  return {
    id,
    contentHash,
    sourcePath: `flat-${id}.csv`,
    format: 'csv',
    fs: 250,
    nSamples: 750,
    leads: [
      { name: 'I', derived: false },
      { name: 'II', derived: false },
    ],
    patient: {},
    recordedAt: null,
    importedAt: '2025-01-01T00:00:00Z',
    confirmed: null,
    corrected: null,
    notes: 0,
    demonstration: false,
    signals: [new Float32Array(750), new Float32Array(750)],
    statements: [],
    warnings: [],
    missingLeads: [],
  };
}

/**
 * A committed fixture as the viewer meets it: decoded, imported into a new database and read
 * back (the device's measurements travel through the store); the database is closed after.
 */
function storedFixture(...parts: string[]): { decoded: EcgRecord; detail: RecordDetail } {
  const [outcome] = decodeFiles(loadFilesForDecoding([fixturePath(...parts)]));
  if (!outcome?.ok) throw new Error(`${parts.join('/')} did not decode`);
  const { db } = openDatabase(path.join(mkdtempSync(path.join(os.tmpdir(), 'einthoven-measure-')), 'db.sqlite'));
  const store = new RecordStore(db);
  const detail = store.get(store.insert(outcome.record, `hash-${parts.join('/')}`, parts[parts.length - 1] ?? '')) as RecordDetail;
  db.close();
  return { decoded: outcome.record, detail };
}

describe('measureRecord', () => {
  it('reports the leads a 12-lead analysis expects but the record lacks as missing', () => {
    const m = measureRecord(flatRecord(1));
    expect(m.quality.leads.map((l) => l.lead)).toEqual(['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6']);
    expect(m.quality.leads[0]).toMatchObject({ ok: false, issues: ['flat'], descriptions: ['flat (no signal)'] });
    expect(m.quality.leads[2]).toMatchObject({ ok: false, issues: ['missing'] });
    expect(m.heartRateBpm).toBeNull();
    // No beat either: unusable for measurement too, not for want of leads alone.
    expect(m.quality).toMatchObject({ verdict: 'unusable', leadsMissingOnly: false });
  });

  it('says when a record is unusable for the AI model only for want of leads, and measures it on the leads present (MIT-BIH 100: MLII and V5)', () => {
    const m = measureRecord(storedFixture('signal', 'mitdb-100', '100.hea').detail);
    expect(m.quality).toMatchObject({ verdict: 'unusable', leadsMissingOnly: true });
    expect(m.caveats.intervalsWithheld).toBeUndefined();
    expect(m.heartRateBpm).toBeGreaterThan(60);
    expect(RecordMeasurementsSchema.parse(m).quality.leadsMissingOnly).toBe(true);
  });
});

// A lead-off electrode: V1–V3 of PTB-XL 00001 missing for 0.2 s at eight of its nine averaged beats
// (under the fifth of the lead that makes it missing). The analysis leaves them out of the median
// beat (caveat leadsLeftOut), yet their rows in the quality table read "signal quality OK".
describe('measureRecord with leads left out of the median beat (PTB-XL 00001, V1–V3 missing at most beats)', () => {
  const { decoded, detail } = storedFixture('formats', 'ptbxl', '00001_hr.hea');
  const beats = analyseEcg(decoded.leads, decoded.fs).measurements.beats.slice(1, 9);
  const precordial = ['V1', 'V2', 'V3'];
  const signals = detail.signals.map((samples, i) => {
    const copy = Float32Array.from(samples);
    if (precordial.includes(detail.leads[i]?.name ?? '')) for (const b of beats) copy.fill(Number.NaN, b - 0.1 * detail.fs, b + 0.1 * detail.fs);
    return copy;
  });
  const m = measureRecord({ ...detail, signals });

  it('flags each left-out lead in the quality table, saying why, the others as they were', () => {
    for (const lead of precordial) {
      const row = m.quality.leads.find((l) => l.lead === lead);
      const why = 'left out of the median beat: missing for stretches at most beats (1 of 9 recorded in full)';
      expect(row).toEqual({ lead, ok: false, issues: [], descriptions: [why], leftOut: why });
    }
    expect(m.quality.leads.filter((l) => !precordial.includes(l.lead)).every((l) => l.ok && l.leftOut === undefined)).toBe(true);
    expect(m.caveats.leadsLeftOut).toContain('V1, V2 and V3');
    expect(RecordMeasurementsSchema.parse(m).quality.leads.find((l) => l.lead === 'V2')?.leftOut).toContain('left out of the median beat');
  });
});

describe('measureRecord on a monitor record with a non-ECG channel', () => {
  // PhysioNet/CinC 2015 a103l (committed under core/test/fixtures/signal/wfdb-python, ODC-By): II, V and PLETH
  // (a plethysmogram in NU). The viewer's figures came from all three.
  it('measures II and V, not the plethysmogram, as ecg measure does', () => {
    const [outcome] = decodeFiles(loadFilesForDecoding(['a103l.hea', 'a103l.mat'].map((f) => fixturePath('signal', 'wfdb-python', f))));
    if (!outcome?.ok) throw new Error('a103l did not decode');
    const { db } = openDatabase(path.join(mkdtempSync(path.join(os.tmpdir(), 'einthoven-measure-')), 'db.sqlite'));
    const store = new RecordStore(db);
    const detail = store.get(store.insert(outcome.record, 'hash-a103l', 'a103l.hea')) as RecordDetail;
    db.close();
    expect(detail.leads.find((l) => l.name === 'PLETH')).toMatchObject({ units: 'NU' });
    const m = measureRecord(detail);
    expect(m.quality.leads.map((l) => l.lead)).not.toContain('PLETH');
    const alone = analyseEcg(outcome.record.leads.filter((l) => l.units === undefined), outcome.record.fs, { sex: outcome.record.patient.sex });
    expect(m.beats).toEqual(alone.measurements.beats);
    expect({ pr: m.prMs, qrs: m.qrsMs, qt: m.qtMs }).toEqual({ pr: alone.measurements.prMs, qrs: alone.measurements.qrsMs, qt: alone.measurements.qtMs });
    expect(m.statements.map((st) => st.text)).toEqual(alone.statements.map((st) => st.text));
  });
});

// The committed HL7 aECG example (core/test/fixtures/formats/aecg, CC0), stored and measured.
describe('the device QTc of the HL7 aECG example through the store', () => {
  // The HL7 example's QTc 443 (QT 420, ≈ 72 bpm) is near Hodges or Fridericia, not Bazett (≈ 460); its code says only "QTc".
  it('labels the HL7 aECG example’s QTc as of no stated formula', () => {
    const aecg = measureRecord(storedFixture('formats', 'aecg', 'Example_aECG.xml').detail).device?.rows.find((r) => r.field === 'qtcMs');
    expect(aecg).toMatchObject({ label: 'QTc (formula not stated)', device: 443, beyondTolerance: false });
    expect(aecg?.oursFormula).not.toBe('bazett');
  });
});

describe.runIf(sharedData)('the device QTc on the shared corpus', () => {
  const shared = (...parts: string[]) => {
    const [outcome] = decodeFiles(loadFilesForDecoding([sharedDataPath('ecg', ...parts)]));
    if (!outcome?.ok) throw new Error(`${parts.join('/')} did not decode`);
    return outcome.record;
  };

  const qtcRows = (record: EcgRecord) => {
    const { db } = openDatabase(path.join(mkdtempSync(path.join(os.tmpdir(), 'einthoven-measure-')), 'db.sqlite'));
    const store = new RecordStore(db);
    const detail = store.get(store.insert(record, `hash-${record.source.format}`, 'corpus')) as RecordDetail;
    db.close();
    return (measureRecord(detail).device?.rows ?? []).filter((r) => r.field === 'qtcMs').map((r) => ({ label: r.label, device: r.device }));
  };

  // muse-sinus.xml carries QTCorrected 491 and QTcFrederica 460.
  it('shows every QTc the file names through the store: MUSE QTCorrected and QTcFrederica', () => {
    expect(qtcRows(shared('muse-xml', 'muse-sinus.xml'))).toEqual([
      { label: 'QTc (formula not stated)', device: 491 },
      { label: 'QTc (Fridericia)', device: 460 },
    ]);
  });
});

// The committed Philips 1.04.01 example (core/test/fixtures/formats/philips, MIT): its global measurements
// carry qtcb 412, qtcf 408 (its qtco elements are empty), rrint 938, pdur 104 and atrialrate 64; its
// internal cross-lead measurements meanprseg 60 and qtintdispersion 67, which 1.04 no longer reports there.
describe('the Philips 1.04 file’s device measurements through the store', () => {
  const stored = () => measureRecord(storedFixture('formats', 'philips', '2020-5-18_15-48-11.xml').detail);

  it('names qtcb as Bazett and shows qtcf beside it as Fridericia', () => {
    const qtcs = stored().device?.rows.filter((r) => r.field === 'qtcMs');
    expect(qtcs?.map((r) => ({ label: r.label, device: r.device }))).toEqual([
      { label: 'QTc (Bazett)', device: 412 },
      { label: 'QTc (Fridericia)', device: 408 },
    ]);
    expect(qtcs?.[0]).toMatchObject({ oursFormula: 'bazett' });
  });

  it('shows the RR, atrial rate and P duration under their names beside ours', () => {
    const m = stored();
    const row = (field: string) => m.device?.rows.find((r) => r.field === field);
    expect(row('rrMs')).toMatchObject({ label: 'RR (mean)', device: 938, ours: m.rrMs.mean });
    expect(row('atrialRateBpm')).toMatchObject({ label: 'Atrial rate', device: 64, ours: null, beyondTolerance: false });
    expect(row('pDurationMs')).toMatchObject({ label: 'P duration', device: 104, ours: null, beyondTolerance: false });
  });

  it('shows the cart’s PR segment and QT dispersion under their names as for a 1.03 file, with nothing of ours to flag', () => {
    const m = RecordMeasurementsSchema.parse(stored());
    const row = (field: string) => m.device?.rows.find((r) => r.field === field);
    expect(row('prSegmentMs')).toMatchObject({ label: 'PR segment', unit: 'ms', device: 60, ours: null, difference: null, beyondTolerance: false });
    expect(row('qtDispersionMs')).toMatchObject({ label: 'QT dispersion', unit: 'ms', device: 67, ours: null, difference: null, beyondTolerance: false });
  });
});

describe('measureRecord beside the device', () => {
  // The committed Philips example (core/test/fixtures/formats/philips): the cart states PR 151,
  // QRS 135 (mean QRS duration; its own QRS fiducials span 96 ms), QT 476, axes 66/−21/59.
  it('stores the device’s measurements at import and shows them beside ours, beyond-tolerance rows flagged', () => {
    const { decoded, detail } = storedFixture('formats', 'philips', '129DYPRG.XML');
    expect(decoded.deviceMeasurements?.values).toMatchObject({ prMs: 151, qrsMs: 135, qtMs: 476, qrsAxisDeg: -21 });
    expect(detail.deviceMeasurements?.source).toMatch(/Philips/);
    const m = RecordMeasurementsSchema.parse(measureRecord(detail));
    const row = (field: string) => m.device?.rows.find((r) => r.field === field);
    expect(row('prMs')).toMatchObject({ device: 151, beyondTolerance: false });
    expect(Math.abs(row('prMs')?.difference as number)).toBeLessThanOrEqual(10);
    expect(row('qrsMs')).toMatchObject({ device: 135, beyondTolerance: true });
    expect(row('qtMs')).toMatchObject({ device: 476, beyondTolerance: false });
    expect(m.statements.length).toBeGreaterThan(0);
    expect(m.caveats).toEqual({});
    expect(m.pacing.paced).toBe(false);
  });

  // 129DYPRG's <globalmeasurements> carries meanprseg 66 and qtintdispersion 27, figures we do not measure.
  it('shows the cart’s PR segment and QT dispersion under their names, through the store, with nothing of ours to flag', () => {
    const m = RecordMeasurementsSchema.parse(measureRecord(storedFixture('formats', 'philips', '129DYPRG.XML').detail));
    const row = (field: string) => m.device?.rows.find((r) => r.field === field);
    expect(row('prSegmentMs')).toMatchObject({ label: 'PR segment', unit: 'ms', device: 66, ours: null, difference: null, beyondTolerance: false });
    expect(row('qtDispersionMs')).toMatchObject({ label: 'QT dispersion', unit: 'ms', device: 27, ours: null, difference: null, beyondTolerance: false });
  });

  // The panel and `ecg measure` show the difference in whole units: 20.4 ms reads "+20", and was flagged beyond ±20.
  it('judges a difference beyond tolerance as it is shown, rounded to a whole unit', () => {
    const { detail } = storedFixture('formats', 'philips', '129DYPRG.XML');
    const prRow = (prMs: number) => RecordMeasurementsSchema.parse(measureRecord({ ...detail, deviceMeasurements: { source: 'Philips', values: { prMs } } })).device?.rows.find((r) => r.field === 'prMs');
    const ours = prRow(150)?.ours as number;
    expect(prRow(ours - 20.4)).toMatchObject({ tolerance: 20, beyondTolerance: false });
    expect(prRow(ours - 20.6)).toMatchObject({ beyondTolerance: true });
    expect(prRow(ours + 20.4)).toMatchObject({ beyondTolerance: false });
  });

  // 129DYPRG's meanqtc (Philips 1.03) names no formula: the cart's 393 ms was labelled and compared as Bazett.
  it('labels a device QTc whose formula the file does not name so, and compares it with ours under every formula', () => {
    const { decoded, detail } = storedFixture('formats', 'philips', '129DYPRG.XML');
    expect(decoded.deviceMeasurements?.values.qtcMs).toBe(393);
    expect(decoded.deviceMeasurements?.qtcFormula).toBeUndefined();
    const ours = measureRecord(detail).qtc;
    const at = (f: string) => ours.find((q) => q.formula === f)?.ms as number;
    // Ours at 41 bpm: Bazett ≈ 390, Fridericia ≈ 416, Framingham ≈ 400, Hodges ≈ 440 ms; the formulas spread 50 ms apart.
    expect(at('hodges') - at('bazett')).toBeGreaterThan(40);
    const qtc = (qtcMs: number, qtcFormula?: 'bazett' | 'hodges') => {
      const device = { source: 'Philips', values: { qtcMs }, ...(qtcFormula ? { qtcFormula } : {}) };
      const m = RecordMeasurementsSchema.parse(measureRecord({ ...detail, deviceMeasurements: device }));
      return m.device?.rows.find((r) => r.field === 'qtcMs');
    };
    // The file's own 393: near our Bazett, labelled as not stated.
    expect(qtc(393)).toMatchObject({ label: 'QTc (formula not stated)', oursFormula: 'bazett', ours: at('bazett'), beyondTolerance: false });
    expect(qtc(393)?.note).toMatch(/does not say which formula/);
    // A cart set to Hodges (440): 50 ms above our Bazett, a formula mismatch, not a disagreement.
    const hodgesCart = qtc(Math.round(at('hodges')));
    expect(hodgesCart).toMatchObject({ label: 'QTc (formula not stated)', oursFormula: 'hodges', ours: at('hodges'), beyondTolerance: false });
    expect(hodgesCart?.note).toMatch(/within ±30 ms of our Fridericia and Hodges QTcs \(shown: Hodges, the nearest\)/);
    // Beyond tolerance of ours under every formula: flagged.
    expect(qtc(Math.round(at('hodges')) + 60)).toMatchObject({ beyondTolerance: true });
    expect(qtc(Math.round(at('hodges')) + 60)?.note).toMatch(/beyond ±30 ms of ours under every formula/);
    // Named by the file: compared under that formula alone, and labelled with it.
    expect(qtc(Math.round(at('hodges')), 'bazett')).toMatchObject({ label: 'QTc (Bazett)', oursFormula: 'bazett', ours: at('bazett'), beyondTolerance: true });
    expect(qtc(Math.round(at('hodges')), 'hodges')).toMatchObject({ label: 'QTc (Hodges)', oursFormula: 'hodges', beyondTolerance: false });
  });

  it('keeps the QTc formula a file names through import and the database', () => {
    const { decoded } = storedFixture('formats', 'philips', '129DYPRG.XML');
    const { db } = openDatabase(path.join(mkdtempSync(path.join(os.tmpdir(), 'einthoven-measure-')), 'db.sqlite'));
    const store = new RecordStore(db);
    const named = { ...decoded, deviceMeasurements: { source: 'Philips PageWriter TC', values: { qtMs: 399, qtcMs: 412 }, qtcFormula: 'bazett' as const } };
    const detail = store.get(store.insert(named, 'hash-named-qtc', 'named.xml')) as RecordDetail;
    const unnamed = store.get(store.insert(decoded, 'hash-unnamed-qtc', 'unnamed.xml')) as RecordDetail;
    db.close();
    expect(detail.deviceMeasurements).toEqual({ source: 'Philips PageWriter TC', values: { qtMs: 399, qtcMs: 412 }, qtcFormula: 'bazett' });
    expect(unnamed.deviceMeasurements?.qtcFormula).toBeUndefined();
    expect(measureRecord(detail).device?.rows.find((r) => r.field === 'qtcMs')?.label).toBe('QTc (Bazett)');
  });

  it('carries a PR measured beat by beat across the contract (PTB-XL 00191), and still parses measurements made before it', () => {
    const m = RecordMeasurementsSchema.parse(measureRecord(storedFixture('signal', 'ptbxl-1avb', '00191_hr.hea').detail));
    expect(m.prBeats).toMatchObject({ measured: expect.any(Number), of: 5, varies: true });
    expect(m.prMs).toBe(m.prBeats?.medianMs);
    expect(m.caveats.prFromBeats).toMatch(/PR measured beat by beat/);
    const { prBeats: _dropped, ...older } = m;
    expect(RecordMeasurementsSchema.parse(older).prBeats).toBeUndefined();
  });

  it('reads LUDB 8 (AF, ventricular pacing, spikes seen before 5 of 12 beats) as a paced rhythm: the beats of the paced QRS with no spike seen count too, none is left out, and nothing is said of its QRS', () => {
    const m = RecordMeasurementsSchema.parse(measureRecord(storedFixture('signal', 'ludb-8', '8.hea').detail));
    const pace = m.statements.find((s) => s.code === 'PACE');
    expect(pace?.text).toBe('Paced rhythm');
    expect(pace?.evidence).toEqual(expect.arrayContaining([{ name: 'beats after a spike', value: 42, unit: '%' }, { name: 'beats with the paced QRS, no spike seen', value: 33, unit: '%' }]));
    expect(m.medianBeat?.pacedBeatsLeftOut ?? 0).toBe(0);
    expect(m.statements.map((s) => s.code)).not.toContain('IVCD');
    expect(m.statements.map((s) => s.code)).toContain('QTCNI');
    // Measurements stored before the field existed still parse.
    const { pacedBeatsLeftOut: _dropped, ...older } = m.medianBeat ?? {};
    expect(RecordMeasurementsSchema.parse({ ...m, medianBeat: older }).medianBeat?.pacedBeatsLeftOut).toBeUndefined();
  });

  it('has no device column for a file without device measurements, and no statements when the signal is flat', () => {
    const m = measureRecord(flatRecord(7));
    expect(m.device).toBeNull();
    expect(m.statements).toEqual([]);
    expect(m.caveats.intervalsWithheld).toMatch(/signal quality unusable/);
  });
});

describe('MeasurementCache', () => {
  it('answers a record it measured from memory and forgets the least recently used beyond its capacity', async () => {
    const cache = new MeasurementCache(2);
    const first = await cache.get(flatRecord(1));
    expect(await cache.get(flatRecord(1))).toBe(first);
    await cache.get(flatRecord(2));
    await cache.get(flatRecord(1)); // 1 is now the most recent, 2 the least
    await cache.get(flatRecord(3)); // evicts 2
    expect(await cache.get(flatRecord(1))).toBe(first);
    const again = await cache.get(flatRecord(2));
    expect(again).toEqual(measureRecord(flatRecord(2)));
  });

  it('never answers for other samples under the same id', async () => {
    const cache = new MeasurementCache();
    const first = await cache.get(flatRecord(1, 'a'));
    expect(await cache.get(flatRecord(1, 'b'))).not.toBe(first);
  });

  it('does not keep a measurement that failed', async () => {
    let calls = 0;
    const cache = new MeasurementCache(4, (record) => (++calls === 1 ? Promise.reject(new Error('stopped')) : Promise.resolve(measureRecord(record))));
    await expect(cache.get(flatRecord(1))).rejects.toThrow('stopped');
    expect((await cache.get(flatRecord(1))).recordId).toBe(1);
    expect(calls).toBe(2);
  });
});

describe('measuring in a decode worker (records:measure)', () => {
  const pool = new DecodePool({ workers: 1 });
  afterAll(() => pool.close());

  const philips = (): RecordDetail => storedFixture('formats', 'philips', '129DYPRG.XML').detail;

  it('gives what this thread gives, and stops a measurement past its time limit with a typed error, the worker replaced', async () => {
    const record = philips();
    expect(RecordMeasurementsSchema.parse(await pool.measure(record))).toEqual(RecordMeasurementsSchema.parse(measureRecord(record)));
    await expect(pool.measure(record, undefined, 1)).rejects.toMatchObject({ code: 'E_TOO_LARGE', message: expect.stringMatching(/measuring it took longer than 0 s.*stopped/) });
    expect((await pool.measure(record)).recordId).toBe(record.id);
  });

  it('goes ahead of decodes already queued (a reader opening a record during an import waits for one file, not the import)', async () => {
    const record = philips();
    const file = fixturePath('formats', 'philips', '129DYPRG.XML');
    const finished: string[] = [];
    const decodes = [1, 2, 3].map((k) => pool.decode([{ name: `decode-${k}`, path: file }], {}, 1).then(() => finished.push(`decode-${k}`)));
    const measured = pool.measure(record).then(() => finished.push('measure'));
    await Promise.all([...decodes, measured]);
    expect(finished).toEqual(['decode-1', 'measure', 'decode-2', 'decode-3']);
  });
});
