import { existsSync } from 'node:fs';
import { AuditLog, type AuditEntry } from '../../db/audit';
import { makeAnchor, readAnchorFile } from '../../db/audit-anchor';
import type { AuditAnchor, AuditVerification } from '../../db/audit-chain';
import { describeFinding, rowsSummary } from '../../db/audit-rows-text';
import { writeFileAtomic } from '../../storage/atomic';
import { signingKeyOfThisAccount } from '../../train/package/keys';
import { openDatabase } from '../../db/database';
import { existingDatabase } from '../../engine/data-dir';
import { databaseError, EinthovenError } from '../../errors';
import { isoTimeFlag, parseCommandArgs, wholeNumberFlag } from '../args';
import type { CliCommand, CliIO } from '../command';
import { openCliDataDir } from '../data-folder';
import { counted } from '../../contract/counted';
import { jsonLine, textColumn } from '../text-column';

const maxLimit = 100_000;

/** Prints entries as they are read; returns how many and the last id. */
function printEntries(entries: Iterable<AuditEntry>, json: boolean, io: CliIO): { count: number; lastId: number | null } {
  let count = 0;
  let lastId: number | null = null;
  for (const e of entries) {
    // The details column too: JSON leaves DEL, C1, the line separators and the bidirectional overrides raw.
    const text = () => [String(e.id), e.at, e.actor, e.osAccount ?? '-', e.reader ?? '-', e.action, e.subject ?? '-', JSON.stringify(e.details)].map(textColumn).join('\t');
    io.stdout(json ? jsonLine(e) : text());
    count++;
    lastId = e.id;
  }
  return { count, lastId };
}

function printVerification(v: AuditVerification, json: boolean, io: CliIO): void {
  if (json) return io.stdout(jsonLine(v));
  // A reason or finding quotes what a row or entry holds (a source file's name, a reader's, an action), whoever wrote it there.
  if (v.problem) io.stdout(`FAILED at entry ${v.problem.id}: ${textColumn(v.problem.reason)} (${counted(v.entries, 'entry', 'entries')} read)`);
  const findings = v.rows?.findings ?? [];
  for (const finding of findings) io.stdout(`MISMATCH ${textColumn(describeFinding(finding))}`);
  if (v.rows && v.rows.moreFindings > 0) io.stdout(`MISMATCH … and ${v.rows.moreFindings} more`);
  if (findings.length > 0) io.stdout(`FAILED: ${counted(findings.length + (v.rows?.moreFindings ?? 0), 'mismatch', 'mismatches')} between the stored rows (or their guard triggers) and the trail (${counted(v.entries, 'entry', 'entries')} read)`);
  if (!v.ok) return;
  io.stdout(`OK: ${counted(v.entries, 'entry', 'entries')}, ${v.entries - v.unchained} hash-chained${v.unchained > 0 ? `, ${counted(v.unchained, 'older entry', 'older entries')} without hashes` : ''}${v.rows ? `; ${rowsSummary(v.rows)}` : ''}`);
  io.stdout(`head: entry ${v.lastId ?? '-'} ${v.head ?? '-'} (keep it elsewhere — ecg audit --export-anchor FILE — to detect a rewritten trail)`);
}

export const auditCommand: CliCommand = {
  name: 'audit',
  summary: 'Print, export or verify the audit trail',
  usage: `Usage: ecg audit [--json] [--since TIME] [--after-id N] [--action PREFIX] [--limit N] [--data-dir DIR]
       ecg audit --verify [--anchor FILE]… [--json] [--data-dir DIR]
       ecg audit --export-anchor FILE [--data-dir DIR]

Prints audit entries oldest first (who did what, to which record, model or job, and when;
the app's role, the operating-system account and the chosen reader): one tab-separated line
each (a tab, line break, other control character or bidirectional override in a column written as \\t, \\n, \\r or
\\uXXXX; a backslash as itself), or with --json one JSON object per line {"id","at","actor","osAccount","reader","action",
"subject","details","hash"} for export to a log archive. Without --limit every matching entry
is printed; with --limit, when more remain, stderr says so and how to continue (--after-id).
Reading never writes to the trail, and works on a read-only data folder.

--verify walks the whole hash chain and exits 1 if an entry was edited or removed behind the
app's back (ids must run without gaps; each hash must match and link). It prints the head hash.
It also compares every stored record (samples recomputed to their content hash), reading,
prediction, tracing note, fiducial correction and PE score entry with the entry that recorded it, finds rows without an entry and
entries whose row is gone (a removal audited as record.removed is not a finding), and checks
that the triggers refusing edits are in place and that the record of applied migrations agrees
with what the database shows: each mismatch is a MISMATCH line naming the
table, row and what differs (docs/security.md says what the trail cannot cover).
Anyone with the database file could rewrite the whole chain and recompute every hash; an anchor
exported earlier and kept elsewhere (--export-anchor, signed with the installation's key when
one exists) makes that detectable: --verify --anchor FILE fails unless the anchored entry is
still there with the same hash.

Options:
  --json             JSON lines instead of a table
  --since TIME       entries at or after an ISO 8601 date or time (UTC unless an offset is given)
  --after-id N       entries after id N
  --action PREFIX    entries whose action starts with PREFIX (e.g. record. or finetune.)
  --limit N          at most N entries (1–${maxLimit}; default: all)
  --verify           check the hash chain instead of printing entries
  --anchor FILE      with --verify: also check against an exported anchor (repeatable)
  --export-anchor FILE  verify, then write the head (entry id and hash) to FILE
  --data-dir DIR     database folder (default: $EINTHOVEN_DATA_DIR or the OS data folder)`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      json: { type: 'boolean' },
      since: { type: 'string' },
      'after-id': { type: 'string', default: '0' },
      action: { type: 'string' },
      limit: { type: 'string' },
      verify: { type: 'boolean' },
      anchor: { type: 'string', multiple: true },
      'export-anchor': { type: 'string' },
      'data-dir': { type: 'string' },
    });
    if (positionals.length > 0) throw new EinthovenError('E_VALIDATION', `unexpected argument '${positionals[0]}'`);
    const query = {
      limit: values.limit === undefined ? undefined : wholeNumberFlag('limit', values.limit, 1, maxLimit),
      afterId: wholeNumberFlag('after-id', values['after-id'], 0, Number.MAX_SAFE_INTEGER),
      since: values.since === undefined ? undefined : isoTimeFlag('since', values.since),
      actionPrefix: values.action,
    };
    // Reading an audit trail must not create an empty database where none was.
    const dataDir = openCliDataDir(values['data-dir'], io.stderr);
    const file = existingDatabase(dataDir);
    // Read-only: reading or verifying the trail never writes, and works on archival media.
    const { db } = openDatabase(file, undefined, { readonly: true });
    try {
      const audit = new AuditLog(db);
      if (values['export-anchor']) {
        // An anchor kept elsewhere is the evidence a rewritten trail is caught by: replacing an old one loses it.
        if (existsSync(values['export-anchor'])) throw new EinthovenError('E_CONFLICT', `${values['export-anchor']} already exists: an exported anchor is never replaced (it is what a rewritten trail is checked against); write the new one to another file`);
        const key = signingKeyOfThisAccount(dataDir);
        const anchor = makeAnchor(audit.verify(), file, key.signer);
        await writeFileAtomic(values['export-anchor'], `${JSON.stringify(anchor, null, 2)}\n`);
        io.stdout(`anchor written to ${textColumn(values['export-anchor'])}: entry ${anchor.lastId} ${anchor.head}${anchor.signature ? `, signed by ${textColumn(anchor.signature.signer)}` : ''}${key.unsignedBecause ? `, not signed: ${textColumn(key.unsignedBecause)}` : ''}`);
        return 0;
      }
      if (!values.verify) {
        if (query.limit === undefined) {
          printEntries(audit.all(query), values.json === true, io);
          return 0;
        }
        const printed = printEntries(audit.entries({ ...query, limit: query.limit }), values.json === true, io);
        const more = printed.lastId !== null && audit.entries({ ...query, afterId: printed.lastId, limit: 1 }).length > 0;
        if (more) io.stderr(`ecg audit: ${counted(printed.count, 'entry', 'entries')} printed (--limit ${query.limit}); more follow: continue with --after-id ${printed.lastId}`);
        return 0;
      }
      const anchors: AuditAnchor[] = (values.anchor ?? []).map((f) => readAnchorFile(f));
      const verification = audit.verify(anchors);
      printVerification(verification, values.json === true, io);
      if (verification.ok && anchors.length > 0 && !values.json) io.stdout(`matches ${counted(anchors.length, 'exported anchor')}`);
      return verification.ok ? 0 : 1;
    } catch (error) {
      // Its own queries, outside the engine's dispatch: a SQLite error names this file, not "the Einthoven database".
      throw databaseError(file, error);
    } finally {
      db.close();
    }
  },
};
