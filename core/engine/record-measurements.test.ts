import { describe, expect, it } from 'vitest';
import type { RecordDetail } from '../contract/schemas';
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
