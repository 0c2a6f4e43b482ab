import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeRecordFiles } from '../data/records';
import { asMillivolts, type EcgRecord } from '../formats/record';
import { analyseEcg, measuredQrsMs } from '../signal/measure';
import { poolHeaders, poolScopeVerdicts, ptbxlFixtureRecords, starterIntendedInput } from '../test/scope-pool';
import { fixturePath, sharedData, sharedDataPath } from '../test/shared-data';
import { scopeFindings, type ScopeFindings } from './scope';

/**
 * Judging a record against a model's intended input was made faster (docs/benchmarks.md,
 * "scope"): the QRS width of a record whose spikes cannot be seen is measured without the rest
 * of analyseEcg, and quantiles, running medians and filter designs are found faster. No verdict
 * may change: every PTB-XL pool record's verdict is kept as the engine gave it before
 * (scripts/train/scope-verdicts.ts), and the faster width is the width analyseEcg reports.
 */
const golden = JSON.parse(readFileSync(fixturePath('train', 'scope-pool-verdicts.json'), 'utf8')) as { verdicts: Record<string, ScopeFindings> };

const decode = (hea: string) => decodeRecordFiles([hea, hea.replace(/\.hea$/, '.dat')]);
const judged = (record: EcgRecord) => scopeFindings({ fs: record.fs, leads: record.leads, patient: { ageYears: record.patient.ageYears } }, starterIntendedInput());

/** The record with white noise of `mv` (deterministic) added to its first `count` leads. */
function noisy(record: EcgRecord, count: number, mv: number): EcgRecord {
  let s = 12345;
  const next = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32 - 0.5) * 2 * mv;
  return { ...record, leads: record.leads.map((l, k) => (k < count ? { ...l, samples: asMillivolts(l.samples.map((v) => v + next())) } : l)) };
}

describe('the faster scope judgement, on the PTB-XL records among the fixtures', () => {
  it('gives each the verdict the engine gave before (reasons, kinds and notes), paced and possibly paced ones included', async () => {
    const records = ptbxlFixtureRecords();
    expect(records.length).toBeGreaterThanOrEqual(40);
    const outside: string[] = [];
    for (const { id, hea } of records) {
      const verdict = judged(await decode(hea));
      expect(verdict, id).toEqual(golden.verdicts[id]);
      if (verdict.reasons.length > 0) outside.push(id);
    }
    // Spikes seen at 500 Hz (00143, 00382) and a paced-wide QRS at 100 Hz (00143): the expensive paths ran.
    expect(outside).toEqual(expect.arrayContaining(['records100/00000/00143_lr', 'records500/00000/00143_hr', 'records500/00000/00382_hr']));
  });

  it('measures the QRS width analyseEcg reports, also where the intervals are withheld or leads are missing', async () => {
    const cases: [string, EcgRecord][] = [];
    for (const { id, hea } of ptbxlFixtureRecords()) {
      const record = await decode(hea);
      cases.push([id, record]);
      if (id.endsWith('00001_lr') || id.endsWith('00143_lr') || id.endsWith('00001_hr')) {
        cases.push([`${id}, 8 leads noisy`, noisy(record, 8, 0.4)]);
        cases.push([`${id}, 3 leads`, { ...record, leads: record.leads.slice(0, 3) }]);
        cases.push([`${id}, first 3 s`, { ...record, leads: record.leads.map((l) => ({ ...l, samples: asMillivolts(l.samples.subarray(0, 3 * record.fs)) })) }]);
      }
    }
    const widths = cases.map(([id, r]) => {
      const full = analyseEcg(r.leads, r.fs);
      expect(measuredQrsMs(r.leads, r.fs), id).toBe(full.measurements.qrsMs);
      return { id, qrsMs: full.measurements.qrsMs, withheld: full.caveats.intervalsWithheld !== undefined };
    });
    // Both branches ran: widths measured, and widths withheld for the signal's quality.
    expect(widths.filter((w) => w.qrsMs !== null).length).toBeGreaterThan(30);
    expect(widths.filter((w) => w.withheld).map((w) => w.id)).toEqual(expect.arrayContaining([expect.stringContaining('8 leads noisy')]));
  });
});

describe.runIf(sharedData)('the faster scope judgement on the whole PTB-XL pool (../shared)', () => {
  it('gives every one of its 912 records (100 and 500 Hz) the verdict the engine gave before', async () => {
    const pool = sharedDataPath('ptbxl-pool');
    const verdicts = await poolScopeVerdicts(pool, starterIntendedInput());
    expect(Object.keys(verdicts)).toHaveLength(912);
    const differing = Object.keys(golden.verdicts).filter((id) => JSON.stringify(verdicts[id]) !== JSON.stringify(golden.verdicts[id]));
    expect(differing).toEqual([]);
    expect(verdicts).toEqual(golden.verdicts);
  }, 600_000);

  it('measures, on each of its 456 records at 100 Hz, the QRS width analyseEcg reports', async () => {
    const pool = sharedDataPath('ptbxl-pool');
    const ids = poolHeaders(pool).filter((id) => id.startsWith('records100/'));
    expect(ids).toHaveLength(456);
    const differing: string[] = [];
    for (const id of ids) {
      const record = await decode(path.join(pool, `${id}.hea`));
      if (measuredQrsMs(record.leads, record.fs) !== analyseEcg(record.leads, record.fs).measurements.qrsMs) differing.push(id);
    }
    expect(differing).toEqual([]);
  }, 600_000);
});
