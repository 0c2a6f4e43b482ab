import { computePeScores } from '../clinic/pe-scores/index';
import type { PeItems } from '../clinic/pe-scores/items';
import type { ParsedRequestOf } from '../contract/channels';
import type { PeAssessment } from '../contract/pe-schemas';
import type { AppState } from '../db/app-state';
import type { AuditLog } from '../db/audit';
import type { Db } from '../db/database';
import { PeAssessmentStore } from '../db/pe-assessments';
import type { RecordStore } from '../db/records';
import { EinthovenError } from '../errors';

const lastAssessorKey = 'pe.lastAssessor';

/** Only the items that were assessed: `undefined` keys (not assessed) are not stored. */
function assessedItems(items: PeItems): PeItems {
  return Object.fromEntries(Object.entries(items).filter(([, v]) => v !== undefined)) as PeItems;
}

/**
 * Where the clinical pre-test scores for PE are entered on a record: computes every score
 * from the items, refuses a form that was opened on an entry that is no longer current (two
 * clinicians never silently overwrite each other), stores the entry and audits it, in one
 * transaction.
 */
export class PeDesk {
  readonly entries: PeAssessmentStore;
  readonly #db: Db;
  readonly #audit: AuditLog;
  readonly #records: RecordStore;
  readonly #state: AppState;

  constructor(deps: { db: Db; audit: AuditLog; records: RecordStore; state: AppState }) {
    this.entries = new PeAssessmentStore(deps.db);
    this.#db = deps.db;
    this.#audit = deps.audit;
    this.#records = deps.records;
    this.#state = deps.state;
  }

  preview(items: PeItems) {
    return { scores: computePeScores(assessedItems(items)) };
  }

  list(recordId: number): { items: PeAssessment[]; lastAssessor: string | null } {
    this.#requireRecord(recordId);
    return { items: this.entries.listForRecord(recordId), lastAssessor: this.#state.get(lastAssessorKey) ?? null };
  }

  assess(request: ParsedRequestOf<'pe:assess'>): PeAssessment {
    const items = assessedItems(request.items);
    if (Object.keys(items).length === 0) throw new EinthovenError('E_VALIDATION', 'no item was assessed: enter at least one score item');
    const scores = computePeScores(items);
    return this.#db.transaction(() => {
      this.#requireRecord(request.recordId);
      this.#requireCurrent(request.recordId, request.supersedes);
      const entry = this.entries.insert({ recordId: request.recordId, items, scores, assessor: request.assessor, note: request.note.trim(), supersedes: request.supersedes ?? null });
      this.#state.set(lastAssessorKey, entry.assessor);
      this.#audit.append(entry.assessor, entry.supersedes ? 'pe.scores.corrected' : 'pe.scores.entered', `record:${entry.recordId}`, {
        assessment: entry.id,
        items,
        scores: Object.fromEntries(scores.map((s) => [s.score, s.total ?? (s.imagingIndicated === null ? null : s.imagingIndicated ? 'imaging' : 'excluded')])),
        supersedes: entry.supersedes,
      });
      return entry;
    })();
  }

  #requireRecord(recordId: number): void {
    if (!this.#records.exists(recordId)) throw new EinthovenError('E_NOT_FOUND', `record ${recordId} does not exist`);
  }

  #requireCurrent(recordId: number, supersedes: number | undefined): void {
    const current = this.entries.current(recordId);
    if ((current?.id ?? undefined) === supersedes) return;
    if (!current) throw new EinthovenError('E_VALIDATION', `record ${recordId} has no PE score entry to correct (entry ${supersedes} is not its current one)`);
    throw new EinthovenError('E_CONFLICT', `the PE scores of record ${recordId} were entered by ${current.assessor} at ${current.enteredAt} (entry ${current.id}); open that entry before correcting it`);
  }
}
