import { resolveStatements, statementLibrary } from '../clinic/statements';
import type { Overread } from '../contract/overread-schemas';
import type { ParsedRequestOf } from '../contract/channels';
import type { AppState } from '../db/app-state';
import type { AuditLog } from '../db/audit';
import type { Db } from '../db/database';
import { OverreadStore } from '../db/overreads';
import { storedRowDigest } from '../db/row-digests';
import type { PredictionStore } from '../db/predictions';
import type { RecordStore } from '../db/records';
import { EinthovenError } from '../errors';

const lastReaderKey = 'reader.last';

/**
 * Where a cardiologist confirms a record: checks that the reading refers to this record's own
 * prediction and to the record's current reading (so two readers never silently overwrite each
 * other), stores it and audits it, all in one transaction.
 */
export class OverreadDesk {
  readonly readings: OverreadStore;
  readonly #db: Db;
  readonly #audit: AuditLog;
  readonly #records: RecordStore;
  readonly #predictions: PredictionStore;
  readonly #state: AppState;

  constructor(deps: { db: Db; audit: AuditLog; records: RecordStore; predictions: PredictionStore; state: AppState }) {
    this.readings = new OverreadStore(deps.db);
    this.#db = deps.db;
    this.#audit = deps.audit;
    this.#records = deps.records;
    this.#predictions = deps.predictions;
    this.#state = deps.state;
  }

  library() {
    return { items: [...statementLibrary] };
  }

  list(recordId: number): { items: Overread[]; lastReader: string | null } {
    this.#requireRecord(recordId);
    return { items: this.readings.listForRecord(recordId), lastReader: this.#state.get(lastReaderKey) ?? null };
  }

  confirm(request: ParsedRequestOf<'overreads:confirm'>): Overread {
    const statements = resolveStatements(request.codes, request.freeText);
    return this.#db.transaction(() => {
      this.#requireRecord(request.recordId);
      this.#requireOwnPrediction(request.recordId, request.predictionId);
      this.#requireCurrent(request.recordId, request.supersedes);
      const reading = this.readings.insert({
        recordId: request.recordId,
        statements,
        note: request.note.trim(),
        reader: request.reader,
        predictionId: request.predictionId ?? null,
        agreement: request.agreement ?? null,
        supersedes: request.supersedes ?? null,
      });
      this.#state.set(lastReaderKey, reading.reader);
      this.#audit.append(reading.reader, reading.supersedes ? 'record.amended' : 'record.confirmed', `record:${reading.recordId}`, {
        overread: reading.id,
        statements: statements.map((s) => s.code ?? `text:${s.text}`),
        prediction: reading.predictionId,
        agreement: reading.agreement,
        supersedes: reading.supersedes,
        // The note, the statements' wording and the times are not spelt out above: the digest covers them.
        storedSha256: storedRowDigest(this.#db, 'overreads', reading.id),
      });
      return reading;
    })();
  }

  #requireRecord(recordId: number): void {
    if (!this.#records.exists(recordId)) throw new EinthovenError('E_NOT_FOUND', `record ${recordId} does not exist`);
  }

  #requireOwnPrediction(recordId: number, predictionId: number | undefined): void {
    if (predictionId === undefined) return;
    const prediction = this.#predictions.get(predictionId);
    if (prediction?.recordId !== recordId) throw new EinthovenError('E_VALIDATION', `prediction ${predictionId} is not a prediction of record ${recordId}`);
  }

  #requireCurrent(recordId: number, supersedes: number | undefined): void {
    const current = this.readings.current(recordId);
    if ((current?.id ?? undefined) === supersedes) return;
    if (!current) throw new EinthovenError('E_VALIDATION', `record ${recordId} has no reading to amend (reading ${supersedes} is not its current one)`);
    throw new EinthovenError('E_CONFLICT', `record ${recordId} was confirmed by ${current.reader} at ${current.confirmedAt} (reading ${current.id}); open that reading before amending it`);
  }
}
