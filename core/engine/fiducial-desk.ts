import type { ParsedRequestOf } from '../contract/channels';
import { beatEditWindowsS, type StoredCorrection } from '../contract/measurement-schemas';
import type { RecordDetail } from '../contract/schemas';
import type { RecordMeasurements } from '../contract/viewer-schemas';
import type { AppState } from '../db/app-state';
import type { AuditLog } from '../db/audit';
import { FiducialCorrectionStore } from '../db/fiducial-corrections';
import type { Db } from '../db/database';
import type { RecordStore } from '../db/records';
import { storedRowDigest } from '../db/row-digests';
import { EinthovenError } from '../errors';
import { hasBeatEdits } from '../signal/beat-edits';
import { isEmptyCorrection } from '../signal/boundary-correction';
import type { MeasurementCache } from './record-measurements';
import { counted, wordFor } from '../contract/counted';

const lastReaderKey = 'reader.last';

/** Nothing corrected: the program's beats and boundaries stand. */
export const isNoCorrection = (c: Pick<StoredCorrection, 'boundaries' | 'beats'>) => isEmptyCorrection(c.boundaries) && !hasBeatEdits(c.beats);

/**
 * Where a reader corrects a record's beats and the wave boundaries of its median beat. A
 * correction is measured before it is stored, so one that cannot be applied (boundaries out of
 * order or outside the beat, a removal that names no detected beat) is refused with the reason
 * and nothing is written; a correction made on a screen that no longer shows the current one is
 * refused too (two readers never silently overwrite each other). Stored and audited in one
 * transaction, with what it changed: the program's rate and intervals against the reader's, and
 * the statements it added or removed.
 */
export class FiducialDesk {
  readonly corrections: FiducialCorrectionStore;
  readonly #db: Db;
  readonly #audit: AuditLog;
  readonly #state: AppState;
  readonly #cache: MeasurementCache;
  readonly #records: Pick<RecordStore, 'exists'>;

  constructor(deps: { db: Db; audit: AuditLog; state: AppState; cache: MeasurementCache; records: Pick<RecordStore, 'exists'> }) {
    this.corrections = new FiducialCorrectionStore(deps.db);
    this.#db = deps.db;
    this.#audit = deps.audit;
    this.#state = deps.state;
    this.#cache = deps.cache;
    this.#records = deps.records;
  }

  /** The record's measurements under its current correction (the program's when it has none). */
  measure(record: RecordDetail): Promise<RecordMeasurements> {
    return this.#cache.get(record, this.corrections.current(record.id));
  }

  async correct(record: RecordDetail, request: ParsedRequestOf<'records:correct-fiducials'>): Promise<RecordMeasurements> {
    const before = this.#requireCurrent(record.id, request.supersedes);
    if (isNoCorrection(request) && (!before || isNoCorrection(before))) {
      throw new EinthovenError('E_VALIDATION', `record ${record.id} already has the program's beats and boundaries: there is no correction to take back`);
    }
    const provisional: StoredCorrection = { id: Number.MAX_SAFE_INTEGER, recordId: record.id, boundaries: request.boundaries, beats: request.beats, reader: request.reader, note: request.note.trim(), supersedes: before?.id ?? null, correctedAt: new Date().toISOString() };
    const measured = await this.#cache.measureUncached(record, provisional);
    const outcome = measured.correction;
    if (outcome?.notApplied) throw new EinthovenError('E_VALIDATION', `the correction was not applied: ${outcome.notApplied}`);
    if (outcome && outcome.beatEdits.unmatched > 0) throw new EinthovenError('E_VALIDATION', `${counted(outcome.beatEdits.unmatched, 'beat edit')} ${wordFor(outcome.beatEdits.unmatched, 'names', 'name')} no beat (a removal with no detected beat within ${beatEditWindowsS.removal * 1000} ms, or an addition on a beat already there)`);
    const program = await this.#cache.get(record);
    const entry = this.#db.transaction(() => {
      // Measuring took a while: an admin may have removed the record meanwhile (records:remove).
      if (!this.#records.exists(record.id)) throw new EinthovenError('E_NOT_FOUND', `record ${record.id} was removed while the correction was measured: it was not stored`);
      this.#requireCurrent(record.id, request.supersedes);
      const stored = this.corrections.insert({ recordId: record.id, boundaries: request.boundaries, beats: request.beats, reader: provisional.reader, note: provisional.note, supersedes: provisional.supersedes });
      this.#state.set(lastReaderKey, stored.reader);
      this.#audit.append(stored.reader, isNoCorrection(stored) ? 'measurements.fiducials.reverted' : 'measurements.fiducials.corrected', `record:${record.id}`, {
        correction: stored.id,
        boundaries: stored.boundaries,
        beats: stored.beats,
        supersedes: stored.supersedes,
        // The note stays in its row, like a reading's: free text may name the patient, and the trail is exported.
        program: intervals(program),
        reader: intervals(measured),
        statements: statementChange(program, measured),
        storedSha256: storedRowDigest(this.#db, 'fiducial_corrections', stored.id),
      });
      return stored;
    })();
    const result: RecordMeasurements = { ...measured, correction: outcome ? { ...outcome, ...entry } : null };
    this.#cache.put(record, entry, result);
    return result;
  }

  /** The record's current correction, if `supersedes` names it (or both are absent); else the typed refusal. */
  #requireCurrent(recordId: number, supersedes: number | undefined): StoredCorrection | undefined {
    const current = this.corrections.current(recordId);
    if (current?.id === supersedes) return current;
    if (!current) throw new EinthovenError('E_VALIDATION', `record ${recordId} has no correction ${supersedes} to replace`);
    throw new EinthovenError('E_CONFLICT', `the beats or boundaries of record ${recordId} were corrected by ${current.reader} at ${current.correctedAt} (correction ${current.id}); reopen the record before correcting them`);
  }
}

const rounded = (v: number | null) => (v === null ? null : Math.round(v));

function intervals(m: RecordMeasurements): { heartRateBpm: number | null; beats: number; prMs: number | null; qrsMs: number | null; qtMs: number | null } {
  return { heartRateBpm: rounded(m.heartRateBpm), beats: m.beats.length, prMs: rounded(m.prMs), qrsMs: rounded(m.qrsMs), qtMs: rounded(m.qtMs) };
}

/** Statement codes the correction brought in and took away, against the program's. */
function statementChange(program: RecordMeasurements, corrected: RecordMeasurements): { added: string[]; removed: string[] } {
  const before = new Set(program.statements.map((s) => s.code));
  const after = new Set(corrected.statements.map((s) => s.code));
  return { added: [...after].filter((c) => !before.has(c)), removed: [...before].filter((c) => !after.has(c)) };
}
