import type { Db } from './database';

/**
 * The actor the bundled PTB-XL samples are imported as (Engine.seedSamplesOnce), and only they: a
 * user's import is 'user' in the app and 'cli' on the command line. Their record.imported entries
 * in the hash-chained, append-only trail are what marks a record as demonstration data, in a
 * database an earlier version seeded as in one seeded now.
 */
export const sampleImportActor = 'system';

/**
 * Whether the record aliased `r` in the query is one of them: the worklist's rows say so
 * (RecordSummary.demonstration), from the same trail entries as demonstrationRecordIds, one
 * indexed look-up (audit_log_action_subject) per row of the page.
 */
export const demonstrationRecordSql = `EXISTS (SELECT 1 FROM audit_log a WHERE a.action = 'record.imported' AND a.subject = 'record:' || r.id AND a.actor = '${sampleImportActor}')`;

/**
 * The records imported as demonstration samples, still stored. They are public PTB-XL records,
 * not the site's patients: a reading signed on one (a reader trying the app) is no site label.
 */
export function demonstrationRecordIds(db: Db): Set<number> {
  const rows = db
    .prepare("SELECT DISTINCT a.subject AS subject FROM audit_log a JOIN records r ON a.subject = 'record:' || r.id WHERE a.action = 'record.imported' AND a.actor = ?")
    .all(sampleImportActor) as { subject: string }[];
  return new Set(rows.map((row) => Number(row.subject.slice('record:'.length))));
}
