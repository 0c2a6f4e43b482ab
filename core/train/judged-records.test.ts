import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeRecordFiles, recordDecodings } from '../data/records';
import type { DatasetItem } from '../data/types';
import { recordSeconds } from '../formats/record';
import { cropWfdbRecord } from '../test/cropped-records';
import { ptbxlFixtureRecords, starterIntendedInput } from '../test/scope-pool';
import { fixturePath } from '../test/shared-data';
import { readScope } from './evaluation-scope';
import { JudgedRecords, scopeJudgements } from './judged-records';
import { scopeFindings, type IntendedInput, type ScopeFindings } from './scope';

/** The verdicts the engine gave before any was kept (scripts/train/scope-verdicts.ts), against the starter's intended input. */
const golden = JSON.parse(readFileSync(fixturePath('train', 'scope-pool-verdicts.json'), 'utf8')) as { verdicts: Record<string, ScopeFindings> };

const itemOf = (hea: string, id = hea, ageYears?: number): DatasetItem => ({
  id,
  files: [hea, hea.replace(/\.hea$/, '.dat')],
  labels: [1],
  split: 'test',
  ...(ageYears === undefined ? {} : { demographics: { ageYears } }),
});

/** What readScope gave before verdicts were kept: each record decoded and judged against each intended input afresh. */
async function judgedAfresh(intended: readonly IntendedInput[], items: readonly DatasetItem[]) {
  const out = [];
  for (const item of items) {
    const record = await decodeRecordFiles(item.files).catch(() => undefined);
    if (!record) {
      out.push({ item, reasons: [] });
      continue;
    }
    const input = { fs: record.fs, leads: record.leads, patient: { ageYears: item.demographics?.ageYears ?? record.patient.ageYears } };
    out.push({ item, reasons: intended.flatMap((one) => scopeFindings(input, one).reasons), seconds: recordSeconds(record) });
  }
  return out;
}

/** readScope's verdicts through `judged`, and how many records it judged for them. */
async function counted(intended: readonly IntendedInput[], items: readonly DatasetItem[], judged: JudgedRecords) {
  const before = scopeJudgements.count;
  const { verdicts } = await readScope(intended, items, undefined, judged);
  return { verdicts, judgedNow: scopeJudgements.count - before };
}

const starter = starterIntendedInput();
const for500Hz: IntendedInput = { ...starter, fsHz: { min: 500, max: 20_000 } };

describe("a job's kept scope verdicts (JudgedRecords)", () => {
  const records = ptbxlFixtureRecords();
  const items = records.map((r) => itemOf(r.hea, r.id));

  it('give every fixture record the verdict the engine gave before, judged once, and again under any minimum duration without judging it again', async () => {
    const judged = new JudgedRecords();
    const first = await counted([starter], items, judged);
    expect(first.judgedNow).toBe(items.length);
    expect(first.verdicts.map((v) => v.reasons)).toEqual(items.map((i) => golden.verdicts[i.id]?.reasons));
    // Paced 500 Hz records among them: a duration reason goes before their pacing one, as scopeFindings orders them.
    expect(first.verdicts.filter((v) => v.reasons.some((r) => r.kind === 'pacing')).length).toBeGreaterThan(0);
    for (const [minSeconds, minSecondsBasis] of [[2.5, 'one model window'], [5, 'validation records'], [10, undefined], [12.5, 'resting ECG']] as const) {
      const intended = { ...starter, minSeconds, ...(minSecondsBasis ? { minSecondsBasis } : { minSecondsBasis: undefined }) };
      const again = await counted([intended], items, judged);
      expect(again.judgedNow).toBe(0);
      expect(again.verdicts).toEqual(await judgedAfresh([intended], items));
    }
  });

  it('judge a record again against an intended input that differs in another field, for each of an ensemble\'s members it was not judged against', async () => {
    const judged = new JudgedRecords();
    const some = items.filter((i) => i.id.includes('records500') || i.id.endsWith('00001_lr') || i.id.endsWith('00143_lr'));
    await counted([starter], some, judged);
    const other = await counted([for500Hz], some, judged);
    expect(other.judgedNow).toBe(some.length);
    expect(other.verdicts).toEqual(await judgedAfresh([for500Hz], some));
    const allowed: IntendedInput = { ...starter, pacing: 'allowed', minSeconds: 12 };
    const ensemble = await counted([starter, allowed, for500Hz], some, judged);
    expect(ensemble.judgedNow).toBe(some.length);
    expect(ensemble.verdicts).toEqual(await judgedAfresh([starter, allowed, for500Hz], some));
  });

  it('judge an unchanged record once whatever order its files are listed in', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-judged-order-'));
    const source = path.join(fixturePath('train', 'ptbxl'), 'records100', '00000', '00001_lr');
    const hea = path.join(dir, '00001_lr.hea');
    copyFileSync(`${source}.hea`, hea);
    copyFileSync(`${source}.dat`, path.join(dir, '00001_lr.dat'));
    const listed = itemOf(hea, 'a');
    // The same record from another listing of its folder (the file system promises no order): its signal file first.
    const relisted = { ...listed, files: [...listed.files].reverse() };
    const judged = new JudgedRecords();
    const before = recordDecodings.count;
    const first = await counted([starter], [listed], judged);
    const again = await counted([starter], [relisted], judged);
    expect([first.judgedNow, again.judgedNow, recordDecodings.count - before]).toEqual([1, 0, 1]);
    expect(again.verdicts.map((v) => v.reasons)).toEqual(first.verdicts.map((v) => v.reasons));
  });

  it("judge again a record whose file was written again, or whose row states another age; keep one that does not decode as one", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-judged-'));
    const source = path.join(fixturePath('train', 'ptbxl'), 'records100', '00000', '00001_lr');
    const hea = path.join(dir, '00001_lr.hea');
    copyFileSync(`${source}.hea`, hea);
    copyFileSync(`${source}.dat`, path.join(dir, '00001_lr.dat'));
    const brokenHea = path.join(dir, 'broken.hea');
    writeFileSync(brokenHea, readFileSync(hea, 'latin1').replace(/00001_lr/g, 'broken'), 'latin1');
    writeFileSync(path.join(dir, 'broken.dat'), Buffer.alloc(10));
    const rows = [itemOf(hea, 'a'), itemOf(hea, 'b', 12), itemOf(brokenHea, 'c')];
    const judged = new JudgedRecords();
    const first = await counted([starter], rows, judged);
    // The same file under a row that states a minor's age: judged on its own.
    expect(first.judgedNow).toBe(2);
    expect(first.verdicts.map((v) => v.reasons.map((r) => r.kind))).toEqual([[], ['age'], []]);
    expect(first.verdicts[2]?.seconds).toBeUndefined();
    expect((await counted([starter], rows, judged)).judgedNow).toBe(0);
    // The record cut to 3 s in place: read and judged again, now too short.
    await cropWfdbRecord(rows[0]?.files ?? [], 3);
    const cut = await counted([starter], rows, judged);
    expect(cut.judgedNow).toBe(2);
    expect(cut.verdicts).toEqual(await judgedAfresh([starter], rows));
    expect(cut.verdicts[0]?.reasons.map((r) => r.kind)).toEqual(['duration']);
  });
});
