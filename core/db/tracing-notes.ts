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

/** Notes on records' tracings, immutable (the table refuses UPDATE); a note is taken back by a row that retracts it. */
export class TracingNoteStore {
  readonly #insert;
  readonly #retract;
  readonly #byId;
  readonly #inForce;
  readonly #retracted;

  constructor(db: Db) {
    this.#insert = db.prepare(`INSERT INTO tracing_notes (record_id, at_s, lead, text, author, created_at) VALUES (@recordId, @atS, @lead, @text, @author, @createdAt)`);
    this.#retract = db.prepare(`INSERT INTO tracing_notes (record_id, text, author, retracts, created_at) VALUES (@recordId, '', @author, @retracts, @createdAt)`);
    this.#byId = db.prepare(`SELECT ${columns} FROM tracing_notes WHERE id = ? AND retracts IS NULL`);
    this.#inForce = db.prepare(`SELECT ${columns} FROM tracing_notes n WHERE record_id = ? AND retracts IS NULL
      AND NOT EXISTS (SELECT 1 FROM tracing_notes r WHERE r.retracts = n.id) ORDER BY at_s, id`);
    this.#retracted = db.prepare('SELECT 1 FROM tracing_notes WHERE retracts = ?');
  }

  add(note: Omit<TracingNote, 'id' | 'createdAt'>): TracingNote {
    const info = this.#insert.run({ ...note, createdAt: new Date().toISOString() });
    return fromRow(this.#byId.get(Number(info.lastInsertRowid)) as Row);
  }

  retract(recordId: number, noteId: number, author: string): void {
    this.#retract.run({ recordId, author, retracts: noteId, createdAt: new Date().toISOString() });
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
}
