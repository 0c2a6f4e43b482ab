import type { ParsedRequestOf } from '../contract/channels';
import type { StoredCorrection } from '../contract/measurement-schemas';
import type { RecordDetail } from '../contract/schemas';
import type { RecordMeasurements } from '../contract/viewer-schemas';
import type { AppState } from '../db/app-state';
import type { AuditLog } from '../db/audit';
import { BoundaryCorrectionStore } from '../db/boundary-corrections';
import type { Db } from '../db/database';
import { EinthovenError } from '../errors';
import { isEmptyCorrection } from '../signal/boundary-correction';
import type { MeasurementCache } from './record-measurements';

const lastReaderKey = 'reader.last';

/**
 * Where a reader corrects the wave boundaries of a record's median beat. A correction is
 * measured before it is stored, so one the median beat cannot take (out of order, outside the
 * beat) is refused with the reason and nothing is written; a correction made on a screen that
 * no longer shows the current one is refused too (two readers never silently overwrite each
 * other). Stored and audited in one transaction, with what it changed: the program's PR, QRS
 * and QT against the reader's, and the statements it added or removed.
 */
export class BoundaryDesk {
  readonly corrections: BoundaryCorrectionStore;
  readonly #db: Db;
  readonly #audit: AuditLog;
  readonly #state: AppState;
  readonly #cache: MeasurementCache;

  constructor(deps: { db: Db; audit: AuditLog; state: AppState; cache: MeasurementCache }) {
    this.corrections = new BoundaryCorrectionStore(deps.db);
    this.#db = deps.db;
    this.#audit = deps.audit;
    this.#state = deps.state;
    this.#cache = deps.cache;
  }

  /** The record's measurements under its current correction (the program's boundaries when it has none). */
  measure(record: RecordDetail): Promise<RecordMeasurements> {
    return this.#cache.get(record, this.corrections.current(record.id));
  }

  async correct(record: RecordDetail, request: ParsedRequestOf<'records:correct-boundaries'>): Promise<RecordMeasurements> {
    const before = this.#requireCurrent(record.id, request.supersedes);
    if (isEmptyCorrection(request.boundaries) && (!before || isEmptyCorrection(before.boundaries))) {
      throw new EinthovenError('E_VALIDATION', `record ${record.id} already has the program's boundaries: there is no correction to take back`);
    }
    const provisional: StoredCorrection = { id: Number.MAX_SAFE_INTEGER, recordId: record.id, boundaries: request.boundaries, reader: request.reader, note: request.note.trim(), supersedes: before?.id ?? null, correctedAt: new Date().toISOString() };
    const measured = await this.#cache.measureUncached(record, provisional);
    const outcome = measured.correction;
    if (outcome?.notApplied) throw new EinthovenError('E_VALIDATION', `the boundaries were not applied: ${outcome.notApplied}`);
    const program = await this.#cache.get(record);
    const entry = this.#db.transaction(() => {
      this.#requireCurrent(record.id, request.supersedes);
      const stored = this.corrections.insert({ recordId: record.id, boundaries: request.boundaries, reader: provisional.reader, note: provisional.note, supersedes: provisional.supersedes });
      this.#state.set(lastReaderKey, stored.reader);
      this.#audit.append(stored.reader, isEmptyCorrection(stored.boundaries) ? 'measurements.boundaries.reverted' : 'measurements.boundaries.corrected', `record:${record.id}`, {
        correction: stored.id,
        boundaries: stored.boundaries,
        supersedes: stored.supersedes,
        ...(stored.note ? { note: stored.note } : {}),
        program: intervals(program),
        reader: intervals(measured),
        statements: statementChange(program, measured),
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
    if (!current) throw new EinthovenError('E_VALIDATION', `record ${recordId} has no boundary correction ${supersedes} to replace`);
    throw new EinthovenError('E_CONFLICT', `the boundaries of record ${recordId} were corrected by ${current.reader} at ${current.correctedAt} (correction ${current.id}); reopen the record before correcting them`);
  }
}

const rounded = (v: number | null) => (v === null ? null : Math.round(v));

function intervals(m: RecordMeasurements): { prMs: number | null; qrsMs: number | null; qtMs: number | null } {
  return { prMs: rounded(m.prMs), qrsMs: rounded(m.qrsMs), qtMs: rounded(m.qtMs) };
}

/** Statement codes the correction brought in and took away, against the program's boundaries. */
function statementChange(program: RecordMeasurements, corrected: RecordMeasurements): { added: string[]; removed: string[] } {
  const before = new Set(program.statements.map((s) => s.code));
  const after = new Set(corrected.statements.map((s) => s.code));
  return { added: [...after].filter((c) => !before.has(c)), removed: [...before].filter((c) => !after.has(c)) };
}
