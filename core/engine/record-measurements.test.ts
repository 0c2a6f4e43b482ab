import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RecordDetail } from '../contract/schemas';
import { RecordMeasurementsSchema } from '../contract/viewer-schemas';
import { openDatabase } from '../db/database';
import { RecordStore } from '../db/records';
import { decodeFiles } from '../formats/index';
import { loadFilesForDecoding } from '../formats/load';
import { fixturePath } from '../test/shared-data';
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
    signals: [new Float32Array(750), new Float32Array(750)],
    statements: [],
    warnings: [],
    missingLeads: [],
  };
}

describe('measureRecord', () => {
  it('reports the leads a 12-lead analysis expects but the record lacks as missing', () => {
    const m = measureRecord(flatRecord(1));
    expect(m.quality.leads.map((l) => l.lead)).toEqual(['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6']);
    expect(m.quality.leads[0]).toMatchObject({ ok: false, issues: ['flat'], descriptions: ['flat (no signal)'] });
    expect(m.quality.leads[2]).toMatchObject({ ok: false, issues: ['missing'] });
    expect(m.heartRateBpm).toBeNull();
  });
});

describe('measureRecord beside the device', () => {
  // The committed Philips example (core/test/fixtures/formats/philips): the cart states PR 151,
  // QRS 135 (mean QRS duration; its own QRS fiducials span 96 ms), QT 476, axes 66/−21/59.
  it('stores the device’s measurements at import and shows them beside ours, beyond-tolerance rows flagged', () => {
    const [outcome] = decodeFiles(loadFilesForDecoding([fixturePath('formats', 'philips', '129DYPRG.XML')]));
    if (!outcome?.ok) throw new Error('fixture did not decode');
    expect(outcome.record.deviceMeasurements?.values).toMatchObject({ prMs: 151, qrsMs: 135, qtMs: 476, qrsAxisDeg: -21 });
    const { db } = openDatabase(path.join(mkdtempSync(path.join(os.tmpdir(), 'einthoven-device-')), 'db.sqlite'));
    const store = new RecordStore(db);
    const id = store.insert(outcome.record, 'hash-philips', '129DYPRG.XML');
    const detail = store.get(id) as RecordDetail;
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
    db.close();
  });

  it('has no device column for a file without device measurements, and no statements when the signal is flat', () => {
    const m = measureRecord(flatRecord(7));
    expect(m.device).toBeNull();
    expect(m.statements).toEqual([]);
    expect(m.caveats.intervalsWithheld).toMatch(/signal quality unusable/);
  });
});

describe('MeasurementCache', () => {
  it('answers a record it measured from memory and forgets the least recently used beyond its capacity', () => {
    const cache = new MeasurementCache(2);
    const first = cache.get(flatRecord(1));
    expect(cache.get(flatRecord(1))).toBe(first);
    cache.get(flatRecord(2));
    cache.get(flatRecord(1)); // 1 is now the most recent, 2 the least
    cache.get(flatRecord(3)); // evicts 2
    expect(cache.get(flatRecord(1))).toBe(first);
    const again = cache.get(flatRecord(2));
    expect(again).toEqual(measureRecord(flatRecord(2)));
  });

  it('never answers for other samples under the same id', () => {
    const cache = new MeasurementCache();
    const first = cache.get(flatRecord(1, 'a'));
    expect(cache.get(flatRecord(1, 'b'))).not.toBe(first);
  });
});
