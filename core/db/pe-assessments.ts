import { computePeScores } from '../clinic/pe-scores/index';
import type { PeItems } from '../clinic/pe-scores/items';
import type { ScoreResult } from '../clinic/pe-scores/points';
import { recomputedNote, type HeartRateSource, type PeAssessment, type PeScoreResultInfo } from '../contract/pe-schemas';
import type { Db } from './database';

export interface NewPeAssessment {
  readonly recordId: number;
  readonly items: PeItems;
  readonly scores: readonly ScoreResult[];
  readonly assessor: string;
  readonly note: string;
  readonly supersedes: number | null;
  /** Where the heart rate came from; null without one. */
  readonly heartRateSource: HeartRateSource | null;
}

interface Row {
  id: number;
  record_id: number;
  items: string;
  scores: string;
  assessor: string;
  note: string;
  supersedes: number | null;
  entered_at: string;
  heart_rate_source: HeartRateSource | null;
}

const columns = 'id, record_id, items, scores, assessor, note, supersedes, entered_at, heart_rate_source';

/** Each score's outcome as the audit entry names it: a points total, or a decision rule's 'imaging' / 'excluded' (null: incomplete). */
export function scoresInEntry(scores: readonly Pick<ScoreResult, 'score' | 'total' | 'imagingIndicated'>[]): Record<string, number | string | null> {
  return Object.fromEntries(scores.map((s) => [s.score, s.total ?? (s.imagingIndicated === null ? null : s.imagingIndicated ? 'imaging' : 'excluded')]));
}

/**
 * An entry's scores as they are shown: recomputed from its stored items, so a decision made under
 * a rule since corrected (PEGeD's C-PTP from Wells' three levels, before ceb2286) is not shown as
 * if current. Where the outcome differs from the one stored, the summary says it was recomputed
 * and what was entered, and `entered` keeps the stored one; the stored row is never rewritten
 * (the audit trail compares the row as stored, audit-rows.ts). Where they agree the stored score
 * is shown as it was.
 */
export function scoresAsShown(items: PeItems, stored: readonly PeScoreResultInfo[]): PeScoreResultInfo[] {
  const now = computePeScores(items);
  const storedOutcomes = scoresInEntry(stored);
  const nowOutcomes = scoresInEntry(now);
  return now.map((score) => {
    const was = stored.find((s) => s.score === score.score);
    if (was && storedOutcomes[score.score] === nowOutcomes[score.score]) return was;
    const entered = { outcome: storedOutcomes[score.score] ?? null, summary: was?.summary ?? `${score.name}: not computed when entered` };
    return { ...score, summary: `${score.summary} [${recomputedNote({ name: score.name, entered }) ?? ''}]`, entered };
  });
}

function fromRow(row: Row): PeAssessment {
  const items = JSON.parse(row.items) as PeAssessment['items'];
  return {
    id: row.id,
    recordId: row.record_id,
    items,
    scores: scoresAsShown(items, JSON.parse(row.scores) as PeAssessment['scores']),
    assessor: row.assessor,
    note: row.note,
    supersedes: row.supersedes,
    enteredAt: row.entered_at,
    heartRateSource: row.heart_rate_source,
  };
}

/** PE pre-test score entries of records, immutable (the table refuses UPDATE); the newest is current. */
export class PeAssessmentStore {
  readonly #insert;
  readonly #byId;
  readonly #forRecord;
  readonly #current;
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
    this.#insert = db.prepare(`INSERT INTO pe_assessments (record_id, items, scores, assessor, note, supersedes, entered_at, heart_rate_source)
      VALUES (@recordId, @items, @scores, @assessor, @note, @supersedes, @enteredAt, @heartRateSource)`);
    this.#byId = db.prepare(`SELECT ${columns} FROM pe_assessments WHERE id = ?`);
    this.#forRecord = db.prepare(`SELECT ${columns} FROM pe_assessments WHERE record_id = ? ORDER BY id DESC`);
    this.#current = db.prepare(`SELECT ${columns} FROM pe_assessments WHERE record_id = ? ORDER BY id DESC LIMIT 1`);
  }

  insert(entry: NewPeAssessment): PeAssessment {
    const info = this.#insert.run({ ...entry, items: JSON.stringify(entry.items), scores: JSON.stringify(entry.scores), enteredAt: new Date().toISOString() });
    return fromRow(this.#byId.get(Number(info.lastInsertRowid)) as Row);
  }

  /** Every entry of a record, newest (current) first. */
  listForRecord(recordId: number): PeAssessment[] {
    return (this.#forRecord.all(recordId) as Row[]).map(fromRow);
  }

  current(recordId: number): PeAssessment | undefined {
    const row = this.#current.get(recordId) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  /**
   * The age each record's current entry gives, for a page of records in one query (a worklist page
   * must not read entry by entry); records with no entry, or whose current one gives no age, are absent.
   */
  currentAges(recordIds: readonly number[]): Map<number, number> {
    if (recordIds.length === 0) return new Map();
    const rows = this.#db
      .prepare(
        `SELECT record_id AS recordId, json_extract(items, '$.ageYears') AS age FROM pe_assessments
         WHERE id IN (SELECT max(id) FROM pe_assessments WHERE record_id IN (${recordIds.map(() => '?').join(',')}) GROUP BY record_id)`,
      )
      .all(...recordIds) as { recordId: number; age: unknown }[];
    return new Map(rows.flatMap((r) => (typeof r.age === 'number' ? [[r.recordId, r.age] as const] : [])));
  }

  /** Every age that some record's current entry gives, each once (few: whole years, mostly), for a decision taken age by age. */
  distinctCurrentAges(): number[] {
    const ages = this.#db
      .prepare(`SELECT DISTINCT json_extract(items, '$.ageYears') FROM pe_assessments WHERE id IN (SELECT max(id) FROM pe_assessments GROUP BY record_id)`)
      .pluck()
      .all() as unknown[];
    return ages.filter((age): age is number => typeof age === 'number');
  }
}
