import { storedContentHash } from '../engine/record-hash';
import type { Db } from './database';
import { checkGuards, type GuardCheck } from './audit-guards';
import { scoresInEntry } from './pe-assessments';
import { identityColumns, recordIdentityHmac, rowDigest, type StoredRow } from './row-digests';

/** One stored row that does not match the audit entry that recorded it (or has none, or an entry has no row). */
export interface RowFinding {
  /** The table the row is (or should be) in. */
  readonly table: string;
  /** The row's id (a record's id for records and record_signals); null for a table-wide finding (a missing trigger). */
  readonly id: number | null;
  readonly recordId: number | null;
  /** The audit entry the row was compared with, if one was found. */
  readonly entry: number | null;
  readonly what: string;
}

/** How many stored rows were compared with their entries, and what did not match. */
export interface RowCheck extends GuardCheck {
  readonly records: number;
  readonly readings: number;
  readonly predictions: number;
  readonly notes: number;
  /** Readers' corrections of beats and wave boundaries (fiducial_corrections). */
  readonly corrections: number;
  /** PE pre-test score entries (pe_assessments). */
  readonly peAssessments: number;
  /**
   * Rows that agree with what their entries name in clear, counted by table, but whose other
   * columns nothing covers: the entry holds no digest (written before digests) and no trigger
   * refuses the table's UPDATE (a database that predates the guards). Not counted as matching above.
   */
  readonly partly: Readonly<Record<string, number>>;
  /** Records removed with a record.removed entry (their rows are gone, rightly). */
  readonly removed: number;
  /** The first findings (at most maxFindings, so a wholesale edit cannot fill memory), then how many more. */
  readonly findings: readonly RowFinding[];
  readonly moreFindings: number;
}

const maxFindings = 100;

/** Collects findings up to the cap and counts the rest; and counts the rows that agree with their entries only in part. */
class Findings {
  readonly list: RowFinding[] = [];
  more = 0;
  readonly partly: Record<string, number> = {};
  readonly #updateGuarded: ReadonlySet<string>;
  constructor(updateGuarded: readonly string[]) {
    this.#updateGuarded = new Set(updateGuarded);
  }
  /**
   * Whether a row that agrees with its entry is covered whole: by a digest of it in the entry
   * (`digestKey`) or by a trigger refusing its table's UPDATE. If not, it is counted in `partly`.
   */
  covered(table: string, details: Details, digestKey: string): boolean {
    if (details[digestKey] !== undefined || this.#updateGuarded.has(table)) return true;
    this.partly[table] = (this.partly[table] ?? 0) + 1;
    return false;
  }
  add(finding: RowFinding): void {
    if (this.list.length < maxFindings) this.list.push(finding);
    else this.more++;
  }
  get total(): number {
    return this.list.length + this.more;
  }
}

interface EntryColumns {
  entry: number | null;
  action: string | null;
  actor: string | null;
  details: string | null;
}

type Details = Readonly<Record<string, unknown>>;

function parseDetails(text: string | null): Details {
  try {
    const parsed: unknown = JSON.parse(text ?? '{}');
    return typeof parsed === 'object' && parsed !== null ? (parsed as Details) : {};
  } catch {
    return {};
  }
}

const json = (value: unknown): string => JSON.stringify(value ?? null);
const short = (hash: unknown): string => (typeof hash === 'string' ? hash.slice(0, 12) : json(hash));

/**
 * A field the entry recorded in clear, against the row's: a difference worded as "X on file, entry N
 * recorded Y". A field the entry does not hold (entries written by older versions) is not compared.
 */
function differs(what: string, stored: unknown, recorded: unknown, entry: number): string | null {
  if (recorded === undefined) return null;
  return json(stored) === json(recorded) ? null : `${what} ${json(stored)} on file, entry ${entry} recorded ${json(recorded)}`;
}

/** A digest the entry holds (entries written before digests existed hold none, and cover only what they name). */
function digestDiffers(what: string, stored: string, recorded: unknown, entry: number): string | null {
  if (recorded === undefined) return null;
  return stored === recorded ? null : `${what} differ from what entry ${entry} recorded (digest ${short(stored)} on file, ${short(recorded)} in the entry)`;
}

/** Joins rows to their entries by subject and action: the (action, subject) index of migration 0017 makes each a lookup. */
const recordId = "CAST(substr(a.subject, 8) AS INTEGER)";
const recordOnFile = `EXISTS (SELECT 1 FROM records r WHERE r.id = ${recordId})`;

/**
 * Compares the stored clinical rows with the audit entries that recorded them, reading each table
 * once in id order (row by row: memory stays flat however large the database) and the trail once
 * per kind of entry for rows that are gone. Run after the chain itself verified: it trusts the
 * entries and asks whether the rows still say what they recorded.
 */
export function crossCheckRows(db: Db): RowCheck {
  const guards = checkGuards(db);
  const findings = new Findings(guards.updateGuarded);
  const records = checkRecords(db, findings);
  const removed = checkRecordEntries(db, findings);
  const readings = checkReadings(db, findings);
  const predictions = checkPredictions(db, findings);
  const notes = checkNotes(db, findings);
  const corrections = checkCorrections(db, findings);
  const peAssessments = checkPeAssessments(db, findings);
  checkMissingRows(db, findings);
  for (const finding of [...guards.unrecorded, ...guards.missing]) findings.add(finding);
  return { records, removed, readings, predictions, notes, corrections, peAssessments, partly: findings.partly, ...guards, findings: findings.list, moreFindings: findings.more };
}

interface RecordJoin extends StoredRow, EntryColumns {
  id: number;
  content_hash: string;
  fs: number;
  n_samples: number;
  leads: string;
  format: string;
  source_path: string;
  data: Buffer | null;
}

/** Each record's samples against its content hash, and both against its record.imported entry. */
function checkRecords(db: Db, findings: Findings): number {
  const identity = identityColumns.map((c) => `r.${c}`).join(', ');
  const rows = db.prepare(`SELECT r.id, r.content_hash, r.fs, r.n_samples, ${identity}, s.data, a.id AS entry, a.action, a.actor, a.details
    FROM records r LEFT JOIN record_signals s ON s.record_id = r.id
    LEFT JOIN audit_log a ON a.action = 'record.imported' AND a.subject = 'record:' || r.id
    ORDER BY r.id`);
  let matched = 0;
  for (const row of rows.iterate() as Iterable<RecordJoin>) {
    const problems = recordProblems(row);
    for (const what of problems) findings.add({ table: what.startsWith('signal') ? 'record_signals' : 'records', id: row.id, recordId: row.id, entry: row.entry, what });
    if (problems.length === 0 && findings.covered('records', parseDetails(row.details), 'identityHmac')) matched++;
  }
  return matched;
}

function recordProblems(row: RecordJoin): string[] {
  const problems: string[] = [];
  if (row.data === null) problems.push('signal: no samples in record_signals');
  else {
    const names = (JSON.parse(row.leads) as { name: string }[]).map((l) => l.name);
    const recomputed = storedContentHash(row.fs, row.n_samples, names, row.data);
    if (recomputed !== row.content_hash) problems.push(`signal: the samples hash to ${short(recomputed)}, not to the record's content hash ${short(row.content_hash)}: samples, rate or leads were edited`);
  }
  if (row.entry === null) return [...problems, 'no record.imported entry in the trail'];
  const details = parseDetails(row.details);
  const files = Array.isArray(details['files']) ? (details['files'] as unknown[]) : [];
  const compared = [
    differs('content hash', row.content_hash, details['contentHash'], row.entry),
    differs('format', row.format, details['format'], row.entry),
    files.length > 0 ? differs('source file', row.source_path, files[0], row.entry) : null,
    row.data === null ? null : digestDiffers('patient identity or import fields', recordIdentityHmac(row, row.data), details['identityHmac'], row.entry),
  ];
  return [...problems, ...compared.filter((p): p is string => p !== null)];
}

/** record.imported entries whose record is gone: rightly only with a record.removed entry for it. */
function checkRecordEntries(db: Db, findings: Findings): number {
  const rows = db.prepare(`SELECT a.id AS entry, ${recordId} AS record_id,
      (SELECT x.id FROM audit_log x WHERE x.action = 'record.removed' AND x.subject = a.subject) AS removal
    FROM audit_log a WHERE a.action = 'record.imported' AND a.subject LIKE 'record:%' AND NOT ${recordOnFile} ORDER BY a.id`);
  let removed = 0;
  for (const row of rows.iterate() as Iterable<{ entry: number; record_id: number; removal: number | null }>) {
    if (row.removal !== null) removed++;
    else findings.add({ table: 'records', id: row.record_id, recordId: row.record_id, entry: row.entry, what: `entry ${row.entry} recorded its import, but it is not on file and no record.removed entry says it was removed` });
  }
  return removed;
}

interface ReadingJoin extends StoredRow, EntryColumns {
  id: number;
  record_id: number;
  statements: string;
  reader: string;
  prediction_id: number | null;
  agreement: string | null;
  supersedes: number | null;
}

/** Each signed reading against its record.confirmed / record.amended entry. */
function checkReadings(db: Db, findings: Findings): number {
  const rows = db.prepare(`SELECT o.*, a.id AS entry, a.action, a.actor, a.details FROM overreads o
    LEFT JOIN audit_log a ON a.action IN ('record.confirmed', 'record.amended') AND a.subject = 'record:' || o.record_id AND json_extract(a.details, '$.overread') = o.id
    ORDER BY o.id`);
  return compareRows(rows.iterate() as Iterable<ReadingJoin>, findings, 'overreads', 'record.confirmed or record.amended', (row, entry, details) => {
    const statements = (JSON.parse(row.statements) as { code: string | null; text: string }[]).map((s) => s.code ?? `text:${s.text}`);
    return [
      differs('action', row.supersedes === null ? 'record.confirmed' : 'record.amended', row.action, entry),
      differs('reader', row.reader, row.actor, entry),
      differs('statements', statements, details['statements'], entry),
      differs('prediction on screen', row.prediction_id, details['prediction'], entry),
      differs('agreement', row.agreement, details['agreement'], entry),
      differs('superseded reading', row.supersedes, details['supersedes'], entry),
      digestDiffers('note, statements or time', rowDigest('overreads', row), details['storedSha256'], entry),
    ];
  });
}

interface PredictionJoin extends StoredRow, EntryColumns {
  id: number;
  record_id: number;
  model_id: string;
  model_weights_sha256: string;
  op_method: string;
  abstained: number;
}

/** Each stored prediction against its record.predicted entry. */
function checkPredictions(db: Db, findings: Findings): number {
  const rows = db.prepare(`SELECT p.*, p.actor AS row_actor, a.id AS entry, a.action, a.actor, a.details FROM predictions p
    LEFT JOIN audit_log a ON a.action = 'record.predicted' AND a.subject = 'record:' || p.record_id AND json_extract(a.details, '$.prediction') = p.id
    ORDER BY p.id`);
  return compareRows(rows.iterate() as Iterable<PredictionJoin>, findings, 'predictions', 'record.predicted', (row, entry, details) => [
    differs('model', row.model_id, details['model'], entry),
    differs('weights', row.model_weights_sha256, details['weightsSha256'], entry),
    differs('operating point', row.op_method, details['operatingPoint'], entry),
    differs('abstained', row.abstained === 1, details['abstained'], entry),
    // The row's own actor column: the joined entry's actor shadows it under the same name.
    differs('actor', row['row_actor'], row.actor, entry),
    digestDiffers('probabilities, decisions, thresholds or quality', rowDigest('predictions', { ...row, actor: row['row_actor'] }), details['storedSha256'], entry),
  ]);
}

interface NoteJoin extends StoredRow, EntryColumns {
  id: number;
  record_id: number;
  at_s: number | null;
  lead: string | null;
  author: string;
  retracts: number | null;
}

/** Each note (and each retraction) against its record.note.added / record.note.retracted entry. */
function checkNotes(db: Db, findings: Findings): number {
  const rows = db.prepare(`SELECT n.*, a.id AS entry, a.action, a.actor, a.details FROM tracing_notes n
    LEFT JOIN audit_log a ON a.action = (CASE WHEN n.retracts IS NULL THEN 'record.note.added' ELSE 'record.note.retracted' END)
      AND a.subject = 'record:' || n.record_id AND json_extract(a.details, '$.note') = coalesce(n.retracts, n.id)
    ORDER BY n.id`);
  return compareRows(rows.iterate() as Iterable<NoteJoin>, findings, 'tracing_notes', 'record.note.added or record.note.retracted', (row, entry, details) => [
    differs('author', row.author, row.actor, entry),
    ...(row.retracts === null ? [differs('time', row.at_s, details['atS'], entry), differs('lead', row.lead, details['lead'], entry)] : []),
    digestDiffers('text, time or lead', rowDigest('tracing_notes', row), details['storedSha256'], entry),
  ]);
}

interface CorrectionJoin extends StoredRow, EntryColumns {
  id: number;
  record_id: number;
  boundaries: string;
  beats: string;
  reader: string;
  supersedes: number | null;
}

/** Each correction of beats and boundaries (or its taking back) against its measurements.fiducials.corrected / .reverted entry. */
function checkCorrections(db: Db, findings: Findings): number {
  const rows = db.prepare(`SELECT f.*, a.id AS entry, a.action, a.actor, a.details FROM fiducial_corrections f
    LEFT JOIN audit_log a ON a.action IN ('measurements.fiducials.corrected', 'measurements.fiducials.reverted')
      AND a.subject = 'record:' || f.record_id AND json_extract(a.details, '$.correction') = f.id
    ORDER BY f.id`);
  return compareRows(rows.iterate() as Iterable<CorrectionJoin>, findings, 'fiducial_corrections', 'measurements.fiducials.corrected or measurements.fiducials.reverted', (row, entry, details) => [
    differs('reader', row.reader, row.actor, entry),
    differs('boundaries', JSON.parse(row.boundaries), details['boundaries'], entry),
    differs('beat edits', JSON.parse(row.beats), details['beats'], entry),
    differs('superseded correction', row.supersedes, details['supersedes'], entry),
    digestDiffers('note, boundaries, beat edits or time', rowDigest('fiducial_corrections', row), details['storedSha256'], entry),
  ]);
}

interface PeAssessmentJoin extends StoredRow, EntryColumns {
  id: number;
  record_id: number;
  items: string;
  scores: string;
  assessor: string;
  supersedes: number | null;
  /** Undefined in a database from before migration 18 (verify opens it read-only, unmigrated). */
  heart_rate_source?: string | null;
}

/** Each PE score entry against its pe.scores.entered / pe.scores.corrected entry: the items, and the scores as the entry names them. */
function checkPeAssessments(db: Db, findings: Findings): number {
  const rows = db.prepare(`SELECT p.*, a.id AS entry, a.action, a.actor, a.details FROM pe_assessments p
    LEFT JOIN audit_log a ON a.action IN ('pe.scores.entered', 'pe.scores.corrected')
      AND a.subject = 'record:' || p.record_id AND json_extract(a.details, '$.assessment') = p.id
    ORDER BY p.id`);
  return compareRows(rows.iterate() as Iterable<PeAssessmentJoin>, findings, 'pe_assessments', 'pe.scores.entered or pe.scores.corrected', (row, entry, details) => [
    differs('action', row.supersedes === null ? 'pe.scores.entered' : 'pe.scores.corrected', row.action, entry),
    differs('assessor', row.assessor, row.actor, entry),
    differs('items', JSON.parse(row.items), details['items'], entry),
    differs('scores', scoresInEntry(JSON.parse(row.scores) as Parameters<typeof scoresInEntry>[0]), details['scores'], entry),
    differs('superseded entry', row.supersedes, details['supersedes'], entry),
    heartRateSourceDiffers(row, entry, details),
    digestDiffers('note, items, scores or time', rowDigest('pe_assessments', row), details['storedSha256'], entry),
  ]);
}

/**
 * The heart rate's source against the entry. It is outside the row digest (whose columns predate
 * it), so it is compared in clear; an entry written before it was recorded holds none, and its row
 * must hold none either: a source added afterwards to an old entry is a finding.
 */
function heartRateSourceDiffers(row: PeAssessmentJoin, entry: number, details: Details): string | null {
  return differs('heart-rate source', row.heart_rate_source ?? null, details['heartRateSource'] ?? null, entry);
}

/** Each row against its joined entry by `compare`; returns how many matched and are covered whole (Findings.covered). */
function compareRows<T extends EntryColumns & { id: number; record_id: number }>(
  rows: Iterable<T>,
  findings: Findings,
  table: string,
  actions: string,
  compare: (row: T, entry: number, details: Details) => (string | null)[],
): number {
  let matched = 0;
  for (const row of rows) {
    const details = parseDetails(row.details);
    const problems = row.entry === null ? [`no ${actions} entry in the trail`] : compare(row, row.entry, details).filter((p): p is string => p !== null);
    for (const what of problems) findings.add({ table, id: row.id, recordId: row.record_id, entry: row.entry, what });
    if (problems.length === 0 && findings.covered(table, details, 'storedSha256')) matched++;
  }
  return matched;
}

/** Entries whose reading, prediction, note, correction or PE entry is gone while its record is still on file (a removal takes them all). */
const missingRows = [
  { table: 'overreads', actions: "'record.confirmed', 'record.amended'", key: '$.overread', gone: 'NOT EXISTS (SELECT 1 FROM overreads o WHERE o.id = row_id)' },
  { table: 'predictions', actions: "'record.predicted'", key: '$.prediction', gone: 'NOT EXISTS (SELECT 1 FROM predictions p WHERE p.id = row_id)' },
  { table: 'tracing_notes', actions: "'record.note.added'", key: '$.note', gone: 'NOT EXISTS (SELECT 1 FROM tracing_notes n WHERE n.id = row_id AND n.retracts IS NULL)' },
  { table: 'tracing_notes', actions: "'record.note.retracted'", key: '$.note', gone: 'NOT EXISTS (SELECT 1 FROM tracing_notes n WHERE n.retracts = row_id)' },
  { table: 'fiducial_corrections', actions: "'measurements.fiducials.corrected', 'measurements.fiducials.reverted'", key: '$.correction', gone: 'NOT EXISTS (SELECT 1 FROM fiducial_corrections f WHERE f.id = row_id)' },
  { table: 'pe_assessments', actions: "'pe.scores.entered', 'pe.scores.corrected'", key: '$.assessment', gone: 'NOT EXISTS (SELECT 1 FROM pe_assessments p WHERE p.id = row_id)' },
] as const;

function checkMissingRows(db: Db, findings: Findings): void {
  for (const kind of missingRows) {
    // Early record.predicted entries name no stored prediction (the table came later): nothing to look for.
    const rows = db.prepare(`SELECT entry, action, record_id, row_id FROM (
        SELECT a.id AS entry, a.action, ${recordId} AS record_id, json_extract(a.details, '${kind.key}') AS row_id FROM audit_log a
        WHERE a.action IN (${kind.actions}) AND a.subject LIKE 'record:%' AND ${recordOnFile})
      WHERE row_id IS NOT NULL AND ${kind.gone} ORDER BY entry`);
    for (const row of rows.iterate() as Iterable<{ entry: number; action: string; record_id: number; row_id: number }>) {
      const what = kind.table === 'tracing_notes' && row.action === 'record.note.retracted' ? `the row retracting note ${row.row_id}` : `${kind.table} ${row.row_id}`;
      findings.add({ table: kind.table, id: row.row_id, recordId: row.record_id, entry: row.entry, what: `entry ${row.entry} (${row.action}) recorded ${what}, which is no longer on file while record ${row.record_id} is: deleted` });
    }
  }
}
