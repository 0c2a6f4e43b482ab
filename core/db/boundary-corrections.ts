import type { BoundaryCorrectionInput, StoredCorrection } from '../contract/measurement-schemas';
import type { Db } from './database';

export interface NewCorrection {
  readonly recordId: number;
  readonly boundaries: BoundaryCorrectionInput;
  readonly reader: string;
  readonly note: string;
  readonly supersedes: number | null;
}

interface Row {
  id: number;
  record_id: number;
  boundaries: string;
  reader: string;
  note: string;
  supersedes: number | null;
  corrected_at: string;
}

const columns = 'id, record_id, boundaries, reader, note, supersedes, corrected_at';

function fromRow(row: Row): StoredCorrection {
  return {
    id: row.id,
    recordId: row.record_id,
    boundaries: JSON.parse(row.boundaries) as BoundaryCorrectionInput,
    reader: row.reader,
    note: row.note,
    supersedes: row.supersedes,
    correctedAt: row.corrected_at,
  };
}

/** Readers' boundary corrections of records, immutable (the table refuses UPDATE); the newest is current. */
export class BoundaryCorrectionStore {
  readonly #insert;
  readonly #byId;
  readonly #forRecord;
  readonly #current;

  constructor(db: Db) {
    this.#insert = db.prepare(`INSERT INTO boundary_corrections (record_id, boundaries, reader, note, supersedes, corrected_at)
      VALUES (@recordId, @boundaries, @reader, @note, @supersedes, @correctedAt)`);
    this.#byId = db.prepare(`SELECT ${columns} FROM boundary_corrections WHERE id = ?`);
    this.#forRecord = db.prepare(`SELECT ${columns} FROM boundary_corrections WHERE record_id = ? ORDER BY id DESC`);
    this.#current = db.prepare(`SELECT ${columns} FROM boundary_corrections WHERE record_id = ? ORDER BY id DESC LIMIT 1`);
  }

  insert(entry: NewCorrection): StoredCorrection {
    const info = this.#insert.run({ ...entry, boundaries: JSON.stringify(entry.boundaries), correctedAt: new Date().toISOString() });
    return fromRow(this.#byId.get(Number(info.lastInsertRowid)) as Row);
  }

  /** Every correction of a record, newest (current) first. */
  listForRecord(recordId: number): StoredCorrection[] {
    return (this.#forRecord.all(recordId) as Row[]).map(fromRow);
  }

  current(recordId: number): StoredCorrection | undefined {
    const row = this.#current.get(recordId) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }
}
