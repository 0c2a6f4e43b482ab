import type { BeatEditsInput, BoundaryCorrectionInput, StoredCorrection } from '../contract/measurement-schemas';
import type { Db } from './database';

export interface NewCorrection {
  readonly recordId: number;
  readonly boundaries: BoundaryCorrectionInput;
  readonly beats: BeatEditsInput;
  readonly reader: string;
  readonly note: string;
  readonly supersedes: number | null;
}

interface Row {
  id: number;
  record_id: number;
  boundaries: string;
  beats: string;
  reader: string;
  note: string;
  supersedes: number | null;
  corrected_at: string;
}

const columns = 'id, record_id, boundaries, beats, reader, note, supersedes, corrected_at';

function fromRow(row: Row): StoredCorrection {
  return {
    id: row.id,
    recordId: row.record_id,
    boundaries: JSON.parse(row.boundaries) as BoundaryCorrectionInput,
    beats: JSON.parse(row.beats) as BeatEditsInput,
    reader: row.reader,
    note: row.note,
    supersedes: row.supersedes,
    correctedAt: row.corrected_at,
  };
}

/** Readers' corrections of records' beats and wave boundaries, immutable (the table refuses UPDATE); the newest is current. */
export class FiducialCorrectionStore {
  readonly #insert;
  readonly #byId;
  readonly #forRecord;
  readonly #current;

  constructor(db: Db) {
    this.#insert = db.prepare(`INSERT INTO fiducial_corrections (record_id, boundaries, beats, reader, note, supersedes, corrected_at)
      VALUES (@recordId, @boundaries, @beats, @reader, @note, @supersedes, @correctedAt)`);
    this.#byId = db.prepare(`SELECT ${columns} FROM fiducial_corrections WHERE id = ?`);
    this.#forRecord = db.prepare(`SELECT ${columns} FROM fiducial_corrections WHERE record_id = ? ORDER BY id DESC`);
    this.#current = db.prepare(`SELECT ${columns} FROM fiducial_corrections WHERE record_id = ? ORDER BY id DESC LIMIT 1`);
  }

  insert(entry: NewCorrection): StoredCorrection {
    const info = this.#insert.run({ ...entry, boundaries: JSON.stringify(entry.boundaries), beats: JSON.stringify(entry.beats), correctedAt: new Date().toISOString() });
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
