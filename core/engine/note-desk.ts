import type { ParsedRequestOf } from '../contract/channels';
import type { TracingNote } from '../contract/note-schemas';
import type { AppState } from '../db/app-state';
import type { AuditLog } from '../db/audit';
import type { Db } from '../db/database';
import type { RecordStore } from '../db/records';
import { storedRowDigest } from '../db/row-digests';
import { TracingNoteStore } from '../db/tracing-notes';
import { EinthovenError } from '../errors';

const lastReaderKey = 'reader.last';

/**
 * Where readers put notes on a record's tracing and take them back: a note must fall inside the
 * recording and name one of its leads (or none); each is stored and audited in one transaction.
 * The audit names the note, its place and its author, not its words: free text may name the
 * patient, and the trail is exported.
 */
export class NoteDesk {
  readonly notes: TracingNoteStore;
  readonly #db: Db;
  readonly #audit: AuditLog;
  readonly #records: RecordStore;
  readonly #state: AppState;

  constructor(deps: { db: Db; audit: AuditLog; records: RecordStore; state: AppState }) {
    this.notes = new TracingNoteStore(deps.db);
    this.#db = deps.db;
    this.#audit = deps.audit;
    this.#records = deps.records;
    this.#state = deps.state;
  }

  list(recordId: number): { items: TracingNote[]; lastAuthor: string | null } {
    if (!this.#records.exists(recordId)) throw new EinthovenError('E_NOT_FOUND', `record ${recordId} does not exist`);
    return { items: this.notes.inForce(recordId), lastAuthor: this.#state.get(lastReaderKey) ?? null };
  }

  add(request: ParsedRequestOf<'notes:add'>): TracingNote {
    const record = this.#records.get(request.recordId);
    if (!record) throw new EinthovenError('E_NOT_FOUND', `record ${request.recordId} does not exist`);
    const durationS = record.nSamples / record.fs;
    if (request.atS > durationS) throw new EinthovenError('E_VALIDATION', `a note at ${request.atS} s lies after the end of the recording (${durationS.toFixed(2)} s)`);
    if (request.lead !== null && !record.leads.some((l) => l.name === request.lead)) throw new EinthovenError('E_VALIDATION', `record ${record.id} has no lead ${request.lead}`);
    return this.#db.transaction(() => {
      const note = this.notes.add({ recordId: record.id, atS: request.atS, lead: request.lead, text: request.text, author: request.author });
      this.#state.set(lastReaderKey, note.author);
      this.#audit.append(note.author, 'record.note.added', `record:${record.id}`, { note: note.id, atS: note.atS, lead: note.lead, storedSha256: storedRowDigest(this.#db, 'tracing_notes', note.id) });
      return note;
    })();
  }

  retract(request: ParsedRequestOf<'notes:retract'>): { retracted: number } {
    return this.#db.transaction(() => {
      const note = this.notes.get(request.noteId);
      if (note?.recordId !== request.recordId) throw new EinthovenError('E_NOT_FOUND', `record ${request.recordId} has no note ${request.noteId}`);
      if (this.notes.isRetracted(note.id)) throw new EinthovenError('E_CONFLICT', `note ${note.id} was already taken back`);
      const retraction = this.notes.retract(note.recordId, note.id, request.author);
      this.#state.set(lastReaderKey, request.author);
      this.#audit.append(request.author, 'record.note.retracted', `record:${note.recordId}`, { note: note.id, by: request.author, wrote: note.author, storedSha256: storedRowDigest(this.#db, 'tracing_notes', retraction) });
      return { retracted: note.id };
    })();
  }
}
