import { auditThroughFile, backupSummary, createBackup, manifestName, type BackupManifest } from '../../storage/backup';
import { checkBackup, restoreBackup } from '../../storage/backup-check';
import { databasePath } from '../../engine/data-dir';
import { databaseError, EinthovenError } from '../../errors';
import { parseCommandArgs } from '../args';
import type { CliCommand, CliIO } from '../command';
import { cliEngine } from './models-promote';
import { reapplyRemovals, recordedRemovals, type ReappliedRemovals, type RecordedRemoval } from './reapply-removals';
import { jsonLine, textColumn } from '../text-column';
import { openCliDataDir } from '../data-folder';

function describe(manifest: BackupManifest): string {
  const summary = backupSummary('', manifest, null);
  const head = summary.auditHead.lastId === null ? 'no audit entries' : `audit head entry ${summary.auditHead.lastId} ${summary.auditHead.head ?? '(unchained)'}`;
  return `${summary.records} records, ${summary.files} model and export files, ${(summary.bytes / 1e6).toFixed(1)} MB; ${head}; made ${summary.createdAt}`;
}

function print(io: CliIO, json: boolean, value: object, text: string[]): void {
  if (json) io.stdout(jsonLine(value));
  // Each line names folders the user gave and what a backup's manifest or check found, any character in them.
  else for (const line of text) io.stdout(textColumn(line));
}

/** The removals another data folder's trail recorded, applied again to the restored folder through its engine (admin role, audited). */
async function reapplyInto(dataDir: string, removals: readonly RecordedRemoval[]): Promise<ReappliedRemovals> {
  const engine = cliEngine(dataDir);
  try {
    return await reapplyRemovals(engine, removals);
  } catch (error) {
    throw databaseError(engine.databaseFile, error);
  } finally {
    await engine.close();
  }
}

export const backupCommand: CliCommand = {
  name: 'backup',
  summary: 'Back up the data folder while the app runs, check a backup, or restore one',
  usage: `Usage: ecg backup --to DIR [--data-dir DIR] [--json]
       ecg backup --check DIR [--json]
       ecg backup --restore DIR [--reapply-removals-from FOLDER] [--data-dir DIR] [--json]

--to DIR      copies the data folder into DIR (new or empty): the database as a consistent
              snapshot (SQLite VACUUM INTO: committed work only, the app need not be closed and
              is never blocked), the model packages (models/) and the exports (exports/), and a
              ${manifestName} naming every file with its SHA-256, the record count and the audit
              trail's head. The copy is checked before the manifest is written, and the backup is
              audited in the data folder's trail; if that entry cannot be written (the database
              locked past the wait, a full disk), the backup is removed and the command fails. From
              a read-only data folder the backup is kept, not audited, and the exit code is 1.
              Files are owner-only (0600, folders 0700). Left out: keys/ (the installation's signing key:
              a backup travels where a private key must not; keep it under the hospital's own key
              procedure), checkpoints/ (resume state of interrupted training) and logs/ (the
              app's log for IT of engine starts, stops and errors: not needed to restore).
--check DIR   checks a backup without writing: every file against the manifest, SQLite's
              integrity check, the audit trail's hash chain and head. Exit 1 if anything fails.
--restore DIR checks the backup, then copies it into the data folder, which must hold no
              database: a restore never writes over stored records (move the current folder aside,
              or name a new one with --data-dir), nor lie inside the backup. The restored trail
              records the restore. A partial copy an earlier restore into the same folder left
              beside it when it was stopped (.NAME.restoring-PID-…, its process gone) is removed,
              said and recorded.
              A record removed after the backup was made comes back with it: with
              --reapply-removals-from FOLDER, every record FOLDER's trail says was removed
              (ecg remove, or Remove… in the app) and that the backup still holds, same id and
              content, is removed again and audited. FOLDER is the data folder moved aside, or,
              when that was lost with its disk, any backup made after the removals.
--data-dir DIR the data folder (default: $EINTHOVEN_DATA_DIR or the OS data folder)
--json        one JSON object instead of lines of text`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      to: { type: 'string' },
      check: { type: 'string' },
      restore: { type: 'string' },
      'reapply-removals-from': { type: 'string' },
      'data-dir': { type: 'string' },
      json: { type: 'boolean' },
    });
    if (positionals.length > 0) throw new EinthovenError('E_VALIDATION', `unexpected argument '${positionals[0]}'`);
    const modes = (['to', 'check', 'restore'] as const).filter((m) => values[m] !== undefined);
    if (modes.length !== 1) throw new EinthovenError('E_VALIDATION', 'give exactly one of --to DIR, --check DIR or --restore DIR');
    if (values['reapply-removals-from'] !== undefined && values.restore === undefined) throw new EinthovenError('E_VALIDATION', '--reapply-removals-from goes with --restore DIR');
    const json = values.json === true;
    const dataDir = openCliDataDir(values['data-dir'], io.stderr);
    if (values.to !== undefined) {
      const { manifest, notAudited } = await createBackup(dataDir, values.to, auditThroughFile(databasePath(dataDir), 'cli'));
      print(io, json, { ok: notAudited === null, to: values.to, audited: notAudited === null, notAudited, manifest }, [
        `backed up ${dataDir} to ${values.to}: ${describe(manifest)}`,
        notAudited === null ? 'audited in the data folder (data.backup)' : `NOT audited in the data folder: ${notAudited}; the backup is kept (a read-only data folder's trail can record nothing): record it in the hospital's own log`,
        `left out: ${manifest.leftOut.join('; ')}`,
      ]);
      // An unaudited backup exists only from a read-only data folder (auditBackup); a script must notice it.
      return notAudited === null ? 0 : 1;
    }
    if (values.check !== undefined) {
      const check = await checkBackup(values.check);
      print(io, json, check, check.ok ? [`OK: ${values.check}: ${check.manifest ? describe(check.manifest) : ''}`] : [`FAILED: ${values.check}`, ...check.problems.map((p) => `  ${p}`)]);
      return check.ok ? 0 : 1;
    }
    const from = values.restore ?? '';
    const removalsFrom = values['reapply-removals-from'];
    // Read first: a folder that cannot be read stops the restore before anything is copied.
    const removals = removalsFrom === undefined ? null : recordedRemovals(removalsFrom);
    const { manifest, notAudited, staleRestoresRemoved } = await restoreBackup(from, dataDir, 'cli');
    const reapplied = removals === null ? null : await reapplyInto(dataDir, removals);
    print(io, json, { ok: true, from, to: dataDir, audited: notAudited === null, notAudited, staleRestoresRemoved, manifest, ...(reapplied ? { reapplied } : {}) }, [
      `restored ${from} into ${dataDir}: ${describe(manifest)}`,
      ...staleRestoresRemoved.map((stale) => `removed ${stale}: the partial copy an earlier restore into this folder left when it was stopped (its process is gone; recorded in data.restored)`),
      notAudited === null ? 'the restore is audited in the restored trail (data.restored)' : `the restore is not audited: ${notAudited}`,
      reapplied === null
        ? 'a record removed after this backup was made is back with it: --reapply-removals-from FOLDER (the old data folder, or a later backup) removes such records again'
        : `removals recorded in ${removalsFrom}: ${reapplied.recorded}; removed again here: ${reapplied.removed.length}${reapplied.removed.length > 0 ? ` (records ${reapplied.removed.join(', ')})` : ''}; not in the backup: ${reapplied.absent}`,
    ]);
    return 0;
  },
};
