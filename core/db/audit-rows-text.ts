import type { AuditVerification } from './audit-chain';
import type { RowCheck, RowFinding } from './audit-rows';
import { counted, listed, wordFor } from '../contract/counted';

/** A finding as one line: the table, the row and record, then what differs. */
export function describeFinding(f: RowFinding): string {
  const row = f.id === null ? f.table : f.table === 'records' || f.table === 'record_signals' ? `${f.table} record ${f.id}` : `${f.table} ${f.id} (record ${f.recordId ?? '?'})`;
  return `${row}: ${f.what}`;
}

/** Each compared table in words: one row, many, what its entries name in clear, and what only a digest or a guard covers. */
const tables = {
  records: { one: 'record', many: 'records', inClear: 'samples, content hash, format and source file', rest: 'patient identity and import fields' },
  overreads: { one: 'reading', many: 'readings', inClear: 'reader, statement codes, prediction, agreement and superseded reading', rest: 'note, statement wording and time' },
  predictions: { one: 'prediction', many: 'predictions', inClear: 'model, weights, operating point, abstention and actor', rest: 'probabilities, decisions, thresholds and quality' },
  tracing_notes: { one: 'note', many: 'notes', inClear: 'author, time and lead', rest: 'text' },
  fiducial_corrections: { one: 'fiducial correction', many: 'fiducial corrections', inClear: 'reader, boundaries, beat edits and superseded correction', rest: 'note and time' },
  pe_assessments: { one: 'PE assessment', many: 'PE assessments', inClear: 'assessor, items, scores, heart-rate source and superseded entry', rest: 'note and time' },
} as const;

/**
 * What was cross-checked, for the clean case: "6 records, 3 readings, 2 predictions, 1 note, 2 fiducial corrections, 1 PE assessment match their entries; …".
 * Rows nothing covers whole (no digest in their entries, no guard) are not said to match: what
 * they agree in is named, and what is left unprotected; so are the guards not yet in place.
 */
export function rowsSummary(rows: RowCheck): string {
  const counts = { records: rows.records, overreads: rows.readings, predictions: rows.predictions, tracing_notes: rows.notes, fiducial_corrections: rows.corrections, pe_assessments: rows.peAssessments };
  const matched = Object.entries(counts).map(([table, n]) => counted(n, tables[table as keyof typeof tables].one, tables[table as keyof typeof tables].many));
  const removed = rows.removed > 0 ? `, ${counted(rows.removed, 'removed record')} audited` : '';
  const partly = Object.entries(rows.partly).map(([table, n]) => {
    const t = tables[table as keyof typeof tables];
    return `; ${counted(n, t.one, t.many)} ${wordFor(n, 'agrees with its', 'agree with their')} entries only in ${t.inClear} (${wordFor(n, 'its', 'their')} ${t.rest}: no digest in the entries, no guard)`;
  });
  return `${matched.join(', ')} match their entries${removed}${partly.join('')}; ${counted(rows.guards, 'guard trigger')} in place${pendingGuards(rows)}`;
}

/** "; not yet guarded, as this database predates migration 17 (…): UPDATE of records and …; DELETE of …". */
function pendingGuards(rows: RowCheck): string {
  if (rows.pendingGuards.length === 0) return '';
  const versions = [...new Set(rows.pendingGuards.map((g) => g.version))];
  const of = (statement: 'UPDATE' | 'DELETE') => rows.pendingGuards.filter((g) => g.refuses === statement).map((g) => g.table);
  const statements = (['UPDATE', 'DELETE'] as const).filter((st) => of(st).length > 0).map((st) => `${st} of ${listed(of(st))}`);
  return `; not yet guarded, as this database predates ${wordFor(versions.length, 'migration')} ${listed(versions.map(String))} (the app adds the guards when it next opens the folder): ${statements.join('; ')}`;
}

/** Every reason a whole verification failed, one line each: the chain's first broken entry, then each row or guard that does not match. */
export function verificationProblems(v: AuditVerification): string[] {
  const chain = v.problem ? [`audit trail: fails at entry ${v.problem.id}: ${v.problem.reason}`] : [];
  const rows = (v.rows?.findings ?? []).map((f) => `stored rows: ${describeFinding(f)}`);
  const more = v.rows && v.rows.moreFindings > 0 ? [`stored rows: … and ${v.rows.moreFindings} more`] : [];
  return [...chain, ...rows, ...more];
}
