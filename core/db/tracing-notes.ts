import type { TracingNote } from '../contract/note-schemas';
import type { Db } from './database';

interface Row {
  id: number;
  record_id: number;
  at_s: number;
  lead: string | null;
  text: string;
  author: string;
  created_at: string;
}

const columns = 'id, record_id, at_s, lead, text, author, created_at';

const fromRow = (row: Row): TracingNote => ({ id: row.id, recordId: row.record_id, atS: row.at_s, lead: row.lead, text: row.text, author: row.author, createdAt: row.created_at });

/** A note as it stands on file: taken back or not, and if so by whom and when. */
export interface NoteOnFile extends TracingNote {
  readonly retracted: { readonly by: string; readonly at: string } | null;
}

interface RowOnFile extends Row {
  retracted_by: string | null;
  retracted_at: string | null;
}

const onFile = (row: RowOnFile): NoteOnFile => ({ ...fromRow(row), retracted: row.retracted_by === null || row.retracted_at === null ? null : { by: row.retracted_by, at: row.retracted_at } });

/** Notes on records' tracings, immutable (the table refuses UPDATE); a note is taken back by a row that retracts it. */
export class TracingNoteStore {
  readonly #insert;
  readonly #retract;
  readonly #byId;
  readonly #inForce;
  readonly #retracted;
  readonly #onFile;

  constructor(db: Db) {
    this.#insert = db.prepare(`INSERT INTO tracing_notes (record_id, at_s, lead, text, author, created_at) VALUES (@recordId, @atS, @lead, @text, @author, @createdAt)`);
    this.#retract = db.prepare(`INSERT INTO tracing_notes (record_id, text, author, retracts, created_at) VALUES (@recordId, '', @author, @retracts, @createdAt)`);
    this.#byId = db.prepare(`SELECT ${columns} FROM tracing_notes WHERE id = ? AND retracts IS NULL`);
    this.#inForce = db.prepare(`SELECT ${columns} FROM tracing_notes n WHERE record_id = ? AND retracts IS NULL
      AND NOT EXISTS (SELECT 1 FROM tracing_notes r WHERE r.retracts = n.id) ORDER BY at_s, id`);
    this.#retracted = db.prepare('SELECT 1 FROM tracing_notes WHERE retracts = ?');
    // A note is retracted at most once (a unique index), so the join yields one row per note.
    this.#onFile = db.prepare(`SELECT n.id, n.record_id, n.at_s, n.lead, n.text, n.author, n.created_at, r.author AS retracted_by, r.created_at AS retracted_at
      FROM tracing_notes n LEFT JOIN tracing_notes r ON r.retracts = n.id WHERE n.record_id = ? AND n.retracts IS NULL ORDER BY n.id DESC`);
  }

  add(note: Omit<TracingNote, 'id' | 'createdAt'>): TracingNote {
    const info = this.#insert.run({ ...note, createdAt: new Date().toISOString() });
    return fromRow(this.#byId.get(Number(info.lastInsertRowid)) as Row);
  }

  /** Takes a note back; returns the id of the row that does. */
  retract(recordId: number, noteId: number, author: string): number {
    return Number(this.#retract.run({ recordId, author, retracts: noteId, createdAt: new Date().toISOString() }).lastInsertRowid);
  }

  /** A note (not a retraction), whether or not it was taken back. */
  get(noteId: number): TracingNote | undefined {
    const row = this.#byId.get(noteId) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  isRetracted(noteId: number): boolean {
    return this.#retracted.get(noteId) !== undefined;
  }

  /** The record's notes not taken back, in time order. */
  inForce(recordId: number): TracingNote[] {
    return (this.#inForce.all(recordId) as Row[]).map(fromRow);
  }

  /** Every note ever put on the record's tracing, those taken back included (with who and when), newest first. */
  onFile(recordId: number): NoteOnFile[] {
    return (this.#onFile.all(recordId) as RowOnFile[]).map(onFile);
  }
}
