import type { RecordDetail } from '../../contract/schemas';
import { removalReason, removedCountsVersions, type RecordRemoved } from '../../contract/viewer-schemas';
import type { Engine } from '../../engine/engine';
import { EinthovenError } from '../../errors';
import { parseCommandArgs } from '../args';
import type { CliCommand, CliIO } from '../command';
import { cliEngine } from './models-promote';
import { recordId } from './record';
import { jsonLine, textColumn } from '../text-column';

/** The line that says which tracing is meant, before anything is removed. */
function recordLine(record: RecordDetail): string {
  // The file's name and the patient id it holds are whatever its maker wrote.
  const patient = record.patient.id ? `patient ${textColumn(record.patient.id)}` : 'no patient id';
  return `record ${record.id}: ${textColumn(record.sourcePath)} (${record.format}, ${patient}, recorded ${record.recordedAt ?? 'at an unknown time'}, imported ${record.importedAt}; content SHA-256 ${record.contentHash})`;
}

function removedLines({ id, removed, remainsIn }: RecordRemoved, io: CliIO): void {
  io.stdout(`removed record ${id} with ${removed.predictions} prediction(s), ${removed.readings} reading(s), ${removed.notes} note(s), ${removed.corrections} correction(s) and ${removed.peAssessments} PE assessment(s) (${removedCountsVersions})`);
  io.stdout(`not reached (clear them by the site's own means if they must go too): ${remainsIn.join('; ')}`);
}

export const removeCommand: CliCommand = {
  name: 'remove',
  summary: 'Remove one record and everything stored with it (admin role; audited)',
  usage: `Usage: ecg remove <id> --reason TEXT --yes [--json] [--data-dir DIR]
       ecg remove --patient PATIENT_ID --reason TEXT --yes [--json] [--data-dir DIR]

Removes a stored record (ids as in ecg list) with its signals, predictions, readings, notes,
fiducial corrections and PE assessments, for a tracing filed under the wrong patient or a
patient's erasure request. The database is then rewritten from the records that remain (VACUUM:
about 4 s per 250 MB, each record; the app waits meanwhile), so the samples and patient fields do
not linger in its files. Earlier backups, exported files and the audit trail's earlier entries
(its id, content hash, file names and what readers entered about it, never its samples) are not
reached: the command names them. Nor are copies the disk or file system keeps of freed blocks.

Needs the admin role when a site policy is in force. Audited as record.removed with the reason,
which stays in the audit trail: write why, not the patient's name. Without --yes, nothing
changes: the record is printed so you can check it is the one you mean (audited as
record.viewed, as opening it in the app is), and the exit status is 1, since nothing was removed.

With --patient, every record whose patient id is exactly PATIENT_ID (an erasure request covers
all of a patient's tracings): each is printed, then, with --yes, removed and audited on its own.

  --patient ID     every record of this patient id instead of one record
  --reason TEXT    why it is removed (${removalReason.minLength} to ${removalReason.maxLength} characters; kept in the audit log)
  --yes            confirm
  --json           print the result as one JSON object
  --data-dir DIR   database folder (default: $EINTHOVEN_DATA_DIR or the OS data folder)`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs([...args], { patient: { type: 'string' }, reason: { type: 'string' }, yes: { type: 'boolean' }, json: { type: 'boolean' }, 'data-dir': { type: 'string' } });
    if (values.patient !== undefined && positionals.length > 0) throw new EinthovenError('E_VALIDATION', 'give a record id or --patient, not both');
    const reason = checkedReason(values.reason, values.yes === true);
    const engine = cliEngine(values['data-dir'], io.stderr);
    try {
      const ids = values.patient !== undefined ? await patientRecords(engine, values.patient) : [recordId(positionals)];
      const records = await Promise.all(ids.map((id) => answer<RecordDetail>(engine.handle('records:get', { id }))));
      if (!values.yes) {
        records.forEach((record) => io.stdout(recordLine(record)));
        io.stdout('not removed: add --reason TEXT and --yes to confirm');
        return 1;
      }
      for (const record of records) {
        const removed = await answer<RecordRemoved>(engine.handle('records:remove', { id: record.id, contentHash: record.contentHash, reason }));
        if (values.json) io.stdout(jsonLine(removed));
        else removedLines(removed, io);
      }
      return 0;
    } finally {
      await engine.close();
    }
  },
};

/**
 * --reason checked against the contract's limits before anything is read, so a short one is refused in the
 * flag's words, not the channel's ('invalid request for records:remove: reason: Too small…'). Needed with --yes.
 */
function checkedReason(reason: string | undefined, confirmed: boolean): string {
  if (reason === undefined) {
    if (confirmed) throw new EinthovenError('E_VALIDATION', '--reason TEXT is required: why a record was removed is kept in the audit log');
    return ''; // without --yes nothing is removed, so no reason is needed to look
  }
  const { minLength, maxLength } = removalReason;
  const length = reason.trim().length;
  if (length < minLength || length > maxLength) throw new EinthovenError('E_VALIDATION', `--reason must be ${minLength} to ${maxLength} characters (spaces around it not counted), got ${length}`);
  return reason;
}

/** The engine's answer, or its error as the CLI's. */
export async function answer<T>(pending: ReturnType<Engine['handle']>): Promise<T> {
  const result = await pending;
  if (!result.ok) throw new EinthovenError(result.error.code, result.error.message);
  return result.value as T;
}

/** Every record of this exact patient id, oldest import first; none is an error, not a silent success. */
async function patientRecords(engine: Engine, patientId: string): Promise<number[]> {
  if (!patientId.trim()) throw new EinthovenError('E_VALIDATION', '--patient needs a patient id');
  const { ids } = await answer<{ ids: number[] }>(engine.handle('records:ids', { patientId, sort: 'imported', order: 'asc' }));
  if (ids.length === 0) throw new EinthovenError('E_NOT_FOUND', `no record has patient id '${patientId}'`);
  return ids;
}
