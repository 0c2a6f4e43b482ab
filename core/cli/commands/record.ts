import type { BoundaryCorrectionInput, StoredCorrection } from '../../contract/measurement-schemas';
import type { Overread } from '../../contract/overread-schemas';
import type { RecordSummary } from '../../contract/schemas';
import { openDatabase, type Db } from '../../db/database';
import { FiducialCorrectionStore } from '../../db/fiducial-corrections';
import { OverreadStore } from '../../db/overreads';
import { RecordStore } from '../../db/records';
import { migrations } from '../../db/migrations';
import { TracingNoteStore, type NoteOnFile } from '../../db/tracing-notes';
import { existingDatabase } from '../../engine/data-dir';
import { isNoCorrection } from '../../engine/fiducial-desk';
import { databaseError, EinthovenError } from '../../errors';
import { boundaryLabels, boundaryNames } from '../../signal/boundary-correction';
import { parseCommandArgs } from '../args';
import type { CliCommand, CliIO } from '../command';
import { openCliDataDir } from '../data-folder';
import { counted } from '../../contract/counted';
import { jsonLine, textColumn } from '../text-column';

/** One correction as `ecg record --json` prints it (field names are documented in the usage). */
interface CorrectionEntry {
  id: number;
  status: 'current' | 'superseded';
  reader: string;
  correctedAt: string;
  supersedes: number | null;
  backToProgram: boolean;
  boundaries: BoundaryCorrectionInput;
  beatsAdded: number;
  beatsRemoved: number;
  note: string;
}

interface RecordHistory {
  record: { id: number; sourcePath: string; format: string; fs: number; nSamples: number; durationS: number; leads: string[]; patientId: string | null };
  reading: { current: Pick<Overread, 'id' | 'reader' | 'confirmedAt' | 'statements' | 'note'> | null; earlier: number };
  corrections: CorrectionEntry[];
  notes: NoteOnFile[];
}

export const recordCommand: CliCommand = {
  name: 'record',
  summary: "Print one record's history: reading, fiducial corrections, tracing notes",
  usage: `Usage: ecg record <id> [--json] [--data-dir DIR]

Prints what readers did to one stored record (ids as in ecg list): its summary line; the current
reading (reader, time, statements) and how many earlier readings exist; every correction of its
beats and wave boundaries, newest first, marked current or superseded, with who, when, the
boundaries (ms from the median beat's R), beats added and removed or "back to the program's beats
and boundaries", and the reader's note; every note put on its tracing, newest first, those taken
back included (by whom and when). Free text is printed quoted, so it stays on its line. Unlike the
audit trail, this prints the readers' own words: they are part of the record. Reading never writes,
and works on a read-only data folder.

With --json, prints one object:
  record       {id, sourcePath, format, fs, nSamples, durationS, leads: [name], patientId (or null)}
  reading      {current: {id, reader, confirmedAt, statements: [{code, text}], note} or null,
                earlier: number of readings it superseded}
  corrections  [{id, status: "current"|"superseded", reader, correctedAt, supersedes (id or null),
                backToProgram, boundaries: {pOnset?, pOffset?, qrsOnset?, qrsOffset?, tEnd?: ms from R;
                pAbsent?: true}, beatsAdded, beatsRemoved, note}], newest first
  notes        [{id, recordId, atS, lead (null: all leads), text, author, createdAt,
                retracted: {by, at} or null}], newest first

Options:
  --json           one JSON object instead of text
  --data-dir DIR   database folder (default: $EINTHOVEN_DATA_DIR or the OS data folder)`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      json: { type: 'boolean' },
      'data-dir': { type: 'string' },
    });
    const id = recordId(positionals);
    // Reading a history must not create an empty database where none was.
    const file = existingDatabase(openCliDataDir(values['data-dir'], io.stderr));
    // Read-only: an auditor's look never writes, and works on archival media.
    const { db, previousVersion } = openDatabase(file, undefined, { readonly: true });
    try {
      refuseOlderSchema(previousVersion, file);
      const history = readHistory(db, id);
      if (values.json) io.stdout(jsonLine(history));
      else printHistory(history, io);
      return 0;
    } catch (error) {
      // Its own queries, outside the engine's dispatch: a SQLite error names this file, not "the Einthoven database".
      throw databaseError(file, error);
    } finally {
      db.close();
    }
  },
};

/**
 * A database this program has never opened lacks the newer tables (corrections, notes), and a
 * read-only open does not migrate it: say so, rather than fail on a missing table.
 */
function refuseOlderSchema(version: number, file: string): void {
  const latest = migrations.at(-1)?.version ?? 0;
  if (version >= latest) return;
  throw new EinthovenError('E_VALIDATION', `database ${file} has schema version ${version}, older than this program's ${latest}: open it once with the app (or any ecg command that writes to it) to bring it up to date, on a copy if it is archived`);
}

/** The one positional argument, a record id: a positive whole number. */
export function recordId(positionals: readonly string[]): number {
  const [text, extra] = positionals;
  if (text === undefined) throw new EinthovenError('E_VALIDATION', 'which record? give its id (ecg list shows them)');
  if (extra !== undefined) throw new EinthovenError('E_VALIDATION', `unexpected argument '${extra}'`);
  const id = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(id) || id < 1) throw new EinthovenError('E_VALIDATION', `a record id is a whole number from 1, got '${text}'`);
  return id;
}

function readHistory(db: Db, id: number): RecordHistory {
  const summary = new RecordStore(db).summary(id);
  if (!summary) throw new EinthovenError('E_NOT_FOUND', `record ${id} does not exist`);
  const readings = new OverreadStore(db).listForRecord(id);
  const current = readings[0];
  return {
    record: recordPart(summary),
    reading: { current: current ? { id: current.id, reader: current.reader, confirmedAt: current.confirmedAt, statements: current.statements, note: current.note } : null, earlier: Math.max(0, readings.length - 1) },
    // The store lists newest first, and the newest is the one the measurements use.
    corrections: new FiducialCorrectionStore(db).listForRecord(id).map((c, i) => correctionEntry(c, i === 0)),
    notes: new TracingNoteStore(db).onFile(id),
  };
}

function recordPart(r: RecordSummary): RecordHistory['record'] {
  return { id: r.id, sourcePath: r.sourcePath, format: r.format, fs: r.fs, nSamples: r.nSamples, durationS: r.nSamples / r.fs, leads: r.leads.map((l) => l.name), patientId: r.patient.id ?? null };
}

function correctionEntry(c: StoredCorrection, current: boolean): CorrectionEntry {
  return {
    id: c.id,
    status: current ? 'current' : 'superseded',
    reader: c.reader,
    correctedAt: c.correctedAt,
    supersedes: c.supersedes,
    backToProgram: isNoCorrection(c),
    boundaries: c.boundaries,
    beatsAdded: c.beats.added.length,
    beatsRemoved: c.beats.removed.length,
    note: c.note,
  };
}

/**
 * Free text quoted as JSON: a reader's tab or newline cannot break the line or forge the next one.
 * JSON leaves DEL, C1, U+2028/9 and the bidirectional overrides raw: textColumn writes those.
 */
const quoted = (text: string) => textColumn(JSON.stringify(text));

function printHistory(h: RecordHistory, io: CliIO): void {
  const r = h.record;
  io.stdout(`record ${r.id}\t${textColumn(r.sourcePath)}\t${r.format}\t${r.fs} Hz\t${r.leads.length} leads\t${r.durationS.toFixed(1)} s\t${r.patientId === null ? 'no patient id' : `patient ${textColumn(r.patientId)}`}`);
  io.stdout(readingLine(h.reading));
  io.stdout(`fiducial corrections\t${h.corrections.length}${h.corrections.length > 0 ? ', newest first' : ''}`);
  for (const c of h.corrections) io.stdout(`  correction ${c.id}\t${c.status}\t${textColumn(c.reader)}\t${c.correctedAt}\t${correctionText(c)}${c.note ? `\tnote ${quoted(c.note)}` : ''}`);
  io.stdout(`tracing notes\t${h.notes.length}${h.notes.length > 0 ? ', newest first' : ''}`);
  for (const n of h.notes) io.stdout(`  note ${n.id}\t${n.atS.toFixed(2)} s\t${textColumn(n.lead ?? 'all leads')}\t${quoted(n.text)}\t${textColumn(n.author)}\t${n.createdAt}\t${n.retracted ? `retracted by ${textColumn(n.retracted.by)} at ${n.retracted.at}` : 'in force'}`);
}

function readingLine({ current, earlier }: RecordHistory['reading']): string {
  if (!current) return 'reading\tunconfirmed (no reading)';
  const statements = current.statements.map((s) => quoted(s.text)).join(', ');
  const note = current.note ? `\tnote ${quoted(current.note)}` : '';
  return `reading ${current.id}\tconfirmed by ${textColumn(current.reader)}\t${current.confirmedAt}\t${statements}\t${counted(earlier, 'earlier reading')}${note}`;
}

/** What a correction set, in the words of the fiducial editor: boundaries in ms from R, then the beat edits. */
function correctionText(c: CorrectionEntry): string {
  if (c.backToProgram) return "back to the program's beats and boundaries";
  const moved = boundaryNames.flatMap((name) => {
    const ms = c.boundaries[name];
    return ms === undefined ? [] : [`${boundaryLabels[name]} ${ms > 0 ? '+' : ''}${Number(ms.toFixed(1))} ms`];
  });
  const boundaries = [...(moved.length > 0 ? [`${moved.join(', ')} from R`] : []), ...(c.boundaries.pAbsent ? ['P absent'] : [])];
  return `${boundaries.length > 0 ? boundaries.join('; ') : "the program's boundaries"}; beats ${c.beatsAdded} added, ${c.beatsRemoved} removed`;
}
