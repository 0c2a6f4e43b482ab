import type { AuditVerification } from './audit-chain';
import type { RowCheck, RowFinding } from './audit-rows';

/** A finding as one line: the table, the row and record, then what differs. */
export function describeFinding(f: RowFinding): string {
  const row = f.id === null ? f.table : f.table === 'records' || f.table === 'record_signals' ? `${f.table} record ${f.id}` : `${f.table} ${f.id} (record ${f.recordId ?? '?'})`;
  return `${row}: ${f.what}`;
}

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** What was cross-checked, for the clean case: "6 records, 3 readings, 2 predictions, 1 note, 2 fiducial corrections, 1 PE assessment match their entries; …". */
export function rowsSummary(rows: RowCheck): string {
  const matched = [
    plural(rows.records, 'record', 'records'), plural(rows.readings, 'reading', 'readings'), plural(rows.predictions, 'prediction', 'predictions'), plural(rows.notes, 'note', 'notes'),
    plural(rows.corrections, 'fiducial correction', 'fiducial corrections'), plural(rows.peAssessments, 'PE assessment', 'PE assessments'),
  ];
  const removed = rows.removed > 0 ? `, ${plural(rows.removed, 'removed record', 'removed records')} audited` : '';
  const guards = rows.guardsPending
    ? `; ${rows.guards} guard triggers in place (this database predates the clinical rows' guards: the app adds them when it next opens the folder)`
    : `; ${rows.guards} guard triggers in place`;
  return `${matched.join(', ')} match their entries${removed}${guards}`;
}

/** Every reason a whole verification failed, one line each: the chain's first broken entry, then each row or guard that does not match. */
export function verificationProblems(v: AuditVerification): string[] {
  const chain = v.problem ? [`audit trail: fails at entry ${v.problem.id}: ${v.problem.reason}`] : [];
  const rows = (v.rows?.findings ?? []).map((f) => `stored rows: ${describeFinding(f)}`);
  const more = v.rows && v.rows.moreFindings > 0 ? [`stored rows: … and ${v.rows.moreFindings} more`] : [];
  return [...chain, ...rows, ...more];
}
