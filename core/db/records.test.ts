import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeFiles } from '../formats/index';
import { loadFilesForDecoding } from '../formats/load';
import type { EcgRecord } from '../formats/record';
import { fixturePath } from '../test/shared-data';
import { openDatabase } from './database';
import { OverreadStore } from './overreads';
import { RecordStore } from './records';

/** A real PTB-XL record (CC BY 4.0, core/test/fixtures/train/ATTRIBUTION.md) given another patient. */
function recordOf(patientId: string | undefined): EcgRecord {
  const [outcome] = decodeFiles(loadFilesForDecoding([fixturePath('train', 'ptbxl', 'records100', '00000', '00001_lr.hea')]));
  if (!outcome?.ok) throw new Error('fixture record did not decode');
  return { ...outcome.record, patient: patientId === undefined ? {} : { id: patientId } };
}

describe('record list queries (real SQLite)', () => {
  it('filters by exact patient id, by review status, and by the reader’s statements', () => {
    const { db } = openDatabase(path.join(mkdtempSync(path.join(os.tmpdir(), 'einthoven-records-')), 'test.sqlite'));
    const store = new RecordStore(db);
    const [p1, p10, p1again, none] = [recordOf('P1'), recordOf('P10'), recordOf('P1'), recordOf(undefined)].map((r, i) => store.insert(r, `hash-${i}`, `r${i}.hea`));
    const ids = (query: Parameters<RecordStore['list']>[0]) => store.list(query).items.map((r) => r.id);
    // Exact match: P1 is not a prefix search (P10 stays out), and % or _ mean nothing special.
    expect(ids({ patientId: 'P1', limit: 10, offset: 0 })).toEqual([p1again, p1]);
    expect(ids({ patientId: 'P%', limit: 10, offset: 0 })).toEqual([]);
    new OverreadStore(db).insert({ recordId: p10, statements: [{ code: 'AFIB', text: 'atrial fibrillation' }], note: '', reader: 'Dr. A', predictionId: null, agreement: null, supersedes: null });
    expect(ids({ review: 'confirmed', limit: 10, offset: 0 })).toEqual([p10]);
    expect(ids({ review: 'unconfirmed', limit: 10, offset: 0 })).toEqual([none, p1again, p1]);
    expect(ids({ search: 'fibrillation', limit: 10, offset: 0 })).toEqual([p10]);
    expect(store.list({ review: 'unconfirmed', patientId: 'P1', limit: 1, offset: 0 })).toMatchObject({ total: 2, items: [{ id: p1again, confirmed: null }] });
    expect(store.get(p10)?.confirmed).toMatchObject({ reader: 'Dr. A' });
    db.close();
  });
});
