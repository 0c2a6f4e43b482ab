import { existsSync } from 'node:fs';
import { AuditLog, type AuditEntry } from '../../db/audit';
import type { AuditVerification } from '../../db/audit-chain';
import { openDatabase } from '../../db/database';
import { databasePath, resolveDataDir } from '../../engine/data-dir';
import { EinthovenError } from '../../errors';
import { parseCommandArgs } from '../args';
import type { CliCommand, CliIO } from '../command';

const maxLimit = 100_000;

function wholeNumber(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw new EinthovenError('E_VALIDATION', `--${flag} must be a whole number from ${min} to ${max}, got '${text}'`);
  return n;
}

/** An ISO 8601 date or date-time, normalised to the stored form (UTC, milliseconds) so text comparison is time order. */
function isoTime(text: string): string {
  const t = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(t)) throw new EinthovenError('E_VALIDATION', `--since must be an ISO 8601 date or time (e.g. 2026-11-01 or 2026-11-01T08:00:00Z), got '${text}'`);
  return new Date(t).toISOString();
}

function printEntries(entries: AuditEntry[], json: boolean, io: CliIO): void {
  for (const e of entries) io.stdout(json ? JSON.stringify(e) : `${e.id}\t${e.at}\t${e.actor}\t${e.action}\t${e.subject ?? '-'}\t${JSON.stringify(e.details)}`);
}

function printVerification(v: AuditVerification, json: boolean, io: CliIO): void {
  if (json) return io.stdout(JSON.stringify(v));
  if (!v.ok) return io.stdout(`FAILED at entry ${v.problem?.id}: ${v.problem?.reason} (${v.entries} entries read)`);
  io.stdout(`OK: ${v.entries} entries, ${v.entries - v.unchained} hash-chained${v.unchained > 0 ? `, ${v.unchained} older entries without hashes` : ''}`);
  io.stdout(`head: entry ${v.lastId ?? '-'} ${v.head ?? '-'} (keep it elsewhere to detect later removal of the newest entries)`);
}

export const auditCommand: CliCommand = {
  name: 'audit',
  summary: 'Print, export or verify the audit trail',
  usage: `Usage: ecg audit [--json] [--since TIME] [--after-id N] [--action PREFIX] [--limit N] [--data-dir DIR]
       ecg audit --verify [--json] [--data-dir DIR]

Prints audit entries oldest first (who did what, to which record, model or job, and when): one
tab-separated line each, or with --json one JSON object per line {"id","at","actor","action",
"subject","details","hash"} for export to a log archive. Page with --after-id (the last id printed).
Reading never writes to the trail.

--verify walks the whole hash chain and exits 1 if an entry was edited or removed behind the
app's back (for example with another SQLite tool). It prints the head hash: record it elsewhere,
as only an outside copy can reveal removal of the newest entries.

Options:
  --json             JSON lines instead of a table
  --since TIME       entries at or after an ISO 8601 date or time (UTC unless an offset is given)
  --after-id N       entries after id N
  --action PREFIX    entries whose action starts with PREFIX (e.g. record. or finetune.)
  --limit N          at most N entries (1–${maxLimit}, default 1000)
  --verify           check the hash chain instead of printing entries
  --data-dir DIR     database folder (default: $EINTHOVEN_DATA_DIR or the OS data folder)`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      json: { type: 'boolean' },
      since: { type: 'string' },
      'after-id': { type: 'string', default: '0' },
      action: { type: 'string' },
      limit: { type: 'string', default: '1000' },
      verify: { type: 'boolean' },
      'data-dir': { type: 'string' },
    });
    if (positionals.length > 0) throw new EinthovenError('E_VALIDATION', `unexpected argument '${positionals[0]}'`);
    const query = {
      limit: wholeNumber('limit', values.limit, 1, maxLimit),
      afterId: wholeNumber('after-id', values['after-id'], 0, Number.MAX_SAFE_INTEGER),
      since: values.since === undefined ? undefined : isoTime(values.since),
      actionPrefix: values.action,
    };
    const file = databasePath(resolveDataDir(values['data-dir']));
    // Reading an audit trail must not create an empty database where none was.
    if (!existsSync(file)) throw new EinthovenError('E_NOT_FOUND', `no Einthoven database at ${file}`);
    // Read-only: reading or verifying the trail never writes, and works on archival media.
    const { db } = openDatabase(file, undefined, { readonly: true });
    try {
      const audit = new AuditLog(db);
      if (!values.verify) {
        printEntries(audit.entries(query), values.json === true, io);
        return 0;
      }
      const verification = audit.verify();
      printVerification(verification, values.json === true, io);
      return verification.ok ? 0 : 1;
    } finally {
      db.close();
    }
  },
};
