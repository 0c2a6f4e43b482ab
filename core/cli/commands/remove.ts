import type { RecordDetail } from '../../contract/schemas';
import type { RecordRemoved } from '../../contract/viewer-schemas';
import { EinthovenError } from '../../errors';
import { parseCommandArgs } from '../args';
import type { CliCommand, CliIO } from '../command';
import { cliEngine } from './models-promote';
import { recordId } from './record';

/** The line that says which tracing is meant, before anything is removed. */
function recordLine(record: RecordDetail): string {
  const patient = record.patient.id ? `patient ${record.patient.id}` : 'no patient id';
  return `record ${record.id}: ${record.sourcePath} (${record.format}, ${patient}, recorded ${record.recordedAt ?? 'at an unknown time'}, imported ${record.importedAt}; content SHA-256 ${record.contentHash})`;
}

function removedLines({ id, removed, remainsIn }: RecordRemoved, io: CliIO): void {
  io.stdout(`removed record ${id} with ${removed.predictions} prediction(s), ${removed.readings} reading(s), ${removed.notes} note(s), ${removed.corrections} correction(s) and ${removed.peAssessments} PE assessment(s)`);
  io.stdout(`not reached (clear them by the site's own means if they must go too): ${remainsIn.join('; ')}`);
}

export const removeCommand: CliCommand = {
  name: 'remove',
  summary: 'Remove one record and everything stored with it (admin role; audited)',
  usage: `Usage: ecg remove <id> --reason TEXT --yes [--json] [--data-dir DIR]

Removes a stored record (ids as in ecg list) with its signals, predictions, readings, notes,
fiducial corrections and PE assessments, for a tracing filed under the wrong patient or a
patient's erasure request. The database overwrites what it frees, so the samples and patient
fields do not linger in its files. Earlier backups, exported files and the audit trail (its id,
content hash and file names, never its samples) are not reached: the command names them.

Needs the admin role when a site policy is in force. Audited as record.removed with the reason,
which stays in the audit trail: write why, not the patient's name. Without --yes, nothing
changes: the record is printed so you can check it is the one you mean.

  --reason TEXT    why it is removed (3 to 500 characters; kept in the audit log)
  --yes            confirm
  --json           print the result as one JSON object
  --data-dir DIR   database folder (default: $EINTHOVEN_DATA_DIR or the OS data folder)`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs([...args], { reason: { type: 'string' }, yes: { type: 'boolean' }, json: { type: 'boolean' }, 'data-dir': { type: 'string' } });
    const id = recordId(positionals);
    const engine = cliEngine(values['data-dir']);
    try {
      const found = await engine.handle('records:get', { id });
      if (!found.ok) throw new EinthovenError(found.error.code, found.error.message);
      const record = found.value as RecordDetail;
      if (!values.yes) {
        io.stdout(recordLine(record));
        io.stdout('not removed: add --reason TEXT and --yes to confirm');
        return 1;
      }
      if (!values.reason?.trim()) throw new EinthovenError('E_VALIDATION', '--reason TEXT is required: why a record was removed is kept in the audit log');
      const removed = await engine.handle('records:remove', { id, contentHash: record.contentHash, reason: values.reason });
      if (!removed.ok) throw new EinthovenError(removed.error.code, removed.error.message);
      if (values.json) io.stdout(JSON.stringify(removed.value));
      else removedLines(removed.value as RecordRemoved, io);
      return 0;
    } finally {
      await engine.close();
    }
  },
};
