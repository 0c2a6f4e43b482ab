import type { Overread } from '../contract/overread-schemas';
import type { ReadStatement } from '../clinic/statements';
import type { Db } from './database';

/** A reading to store; statements are already resolved against the library. */
export interface NewOverread {
  readonly recordId: number;
  readonly statements: readonly ReadStatement[];
  readonly note: string;
  readonly reader: string;
  readonly predictionId: number | null;
  readonly agreement: Overread['agreement'];
  readonly supersedes: number | null;
}

interface OverreadRow {
  id: number;
  record_id: number;
  statements: string;
  note: string;
  reader: string;
  prediction_id: number | null;
  agreement: Overread['agreement'];
  supersedes: number | null;
  confirmed_at: string;
}

const columns = 'id, record_id, statements, note, reader, prediction_id, agreement, supersedes, confirmed_at';

function fromRow(row: OverreadRow): Overread {
  return {
    id: row.id,
    recordId: row.record_id,
    statements: JSON.parse(row.statements) as Overread['statements'],
    note: row.note,
    reader: row.reader,
    predictionId: row.prediction_id,
    agreement: row.agreement,
    supersedes: row.supersedes,
    confirmedAt: row.confirmed_at,
  };
}

/** Readings of records, immutable (the table refuses UPDATE); the newest one is the record's current reading. */
export class OverreadStore {
  readonly #insert;
  readonly #byId;
  readonly #forRecord;
  readonly #current;

  constructor(db: Db) {
    this.#insert = db.prepare(`INSERT INTO overreads (record_id, statements, note, reader, prediction_id, agreement, supersedes, confirmed_at)
      VALUES (@recordId, @statements, @note, @reader, @predictionId, @agreement, @supersedes, @confirmedAt)`);
    this.#byId = db.prepare(`SELECT ${columns} FROM overreads WHERE id = ?`);
    this.#forRecord = db.prepare(`SELECT ${columns} FROM overreads WHERE record_id = ? ORDER BY id DESC`);
    this.#current = db.prepare(`SELECT ${columns} FROM overreads WHERE record_id = ? ORDER BY id DESC LIMIT 1`);
  }

  insert(reading: NewOverread): Overread {
    const info = this.#insert.run({ ...reading, statements: JSON.stringify(reading.statements), confirmedAt: new Date().toISOString() });
    return fromRow(this.#byId.get(Number(info.lastInsertRowid)) as OverreadRow);
  }

  /** Every reading of a record, newest (current) first. */
  listForRecord(recordId: number): Overread[] {
    return (this.#forRecord.all(recordId) as OverreadRow[]).map(fromRow);
  }

  current(recordId: number): Overread | undefined {
    const row = this.#current.get(recordId) as OverreadRow | undefined;
    return row ? fromRow(row) : undefined;
  }
}
