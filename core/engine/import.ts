import type { ImportFileReport, ImportReport } from '../contract/schemas';
import type { AuditLog } from '../db/audit';
import type { RecordStore } from '../db/records';
import { EinthovenError, sqliteErrorInfo, type ErrorInfo } from '../errors';
import type { CsvOptions, CsvQuestion, DecodeOutcome } from '../formats/index';
import type { PatientInfo } from '../formats/record';
import { DecodePool } from './decode-pool';
import type { WorkerFile } from './decode-protocol';
import { planImport, type ImportSource, type PlannedItem } from './import-sources';
import { recordContentHash } from './record-hash';

export interface ImportOptions {
  readonly actor: string;
  readonly signal?: AbortSignal;
  /** Called before the first file (done 0) and after each record, with that record's report. */
  readonly onProgress?: (done: number, total: number, message: string, file?: ImportFileReport) => void;
  /** Answers for CSV files that cannot tell fs, units or lead order themselves. */
  readonly csv?: CsvOptions;
  /** Decoding workers; a pool made for this import (and closed after it) when not given. */
  readonly pool?: DecodePool;
}

type Decoded = Extract<DecodeOutcome, { ok: true }>;
type Failed = Extract<DecodeOutcome, { ok: false }>;

/**
 * Imports records: sources are grouped into records by content, decoded in worker threads
 * (several records in flight, each bounded in time and memory) while this thread only hashes
 * and stores. Each record commits with its audit entry in one transaction, so a kill -9 never
 * leaves a record without its entry and never loses what was already stored. Same content
 * already stored — by this import, an earlier one or another process at the same time — is a
 * duplicate naming that record. Non-ECG files are skipped, unreadable ones rejected, and the
 * import goes on either way. Disk full (or a read-only database) stops it with E_IO naming
 * the file it stopped at.
 */
export async function importSources(store: RecordStore, audit: AuditLog, sources: readonly ImportSource[], options: ImportOptions): Promise<ImportReport> {
  const items = planImport(sources);
  const pool = options.pool ?? new DecodePool();
  const reports: ImportFileReport[] = [];
  options.onProgress?.(0, items.length, items.length > 0 ? `reading ${items[0]?.files[0]?.name ?? ''}` : 'nothing to import');
  const decodeOptions = options.csv ? { csv: options.csv } : {};
  const inFlight: Promise<ItemResult>[] = [];
  const settle = async () => {
    const result = await (inFlight.shift() as Promise<ItemResult>);
    for (const report of storeResult(store, audit, result, options.actor)) {
      reports.push(report);
      options.onProgress?.(reports.length, Math.max(items.length, reports.length), report.files[0] ?? '', report);
    }
  };
  try {
    for (const item of items) {
      if (options.signal?.aborted) break;
      inFlight.push(runItem(item, pool, decodeOptions));
      // One record more in flight than workers, so a worker never waits for this thread.
      if (inFlight.length > pool.size) await settle();
    }
    while (inFlight.length > 0) await settle();
  } finally {
    if (!options.pool) await pool.close();
  }
  options.onProgress?.(reports.length, Math.max(items.length, reports.length), 'done');
  if (options.signal?.aborted && reports.length === 0) throw new EinthovenError('E_CANCELLED', 'import cancelled');
  return { reports };
}

/** Files already in memory (the app's upload, tests). */
export async function importFiles(store: RecordStore, audit: AuditLog, files: readonly { name: string; bytes: Uint8Array }[], options: ImportOptions): Promise<ImportReport> {
  return importSources(store, audit, files.map((f) => ({ name: f.name, size: f.bytes.byteLength, bytes: f.bytes })), options);
}

type ItemResult = { readonly item: PlannedItem; readonly outcomes?: DecodeOutcome[] };

async function runItem(item: PlannedItem, pool: DecodePool, options: { csv?: CsvOptions }): Promise<ItemResult> {
  if (item.kind !== 'decode') return { item };
  const files: WorkerFile[] = item.files.map((f) => (f.bytes ? { name: f.name, bytes: f.bytes } : { name: f.name, path: f.path as string }));
  const bytes = item.files.reduce((sum, f) => sum + f.size, 0);
  return { item, outcomes: await pool.decode(files, options, bytes) };
}

function storeResult(store: RecordStore, audit: AuditLog, result: ItemResult, actor: string): ImportFileReport[] {
  const { item } = result;
  const names = item.files.map((f) => f.name);
  if (item.kind === 'skip') return [{ files: names, status: 'skipped', reason: item.reason }];
  if (item.kind === 'reject') return [reject(store, audit, { ok: false, files: names, error: { code: item.code, message: item.details } }, actor, item.reason)];
  return (result.outcomes ?? []).map((outcome) => (outcome.ok ? storeRecord(store, audit, outcome, actor) : reject(store, audit, outcome, actor)));
}

/**
 * SQLite errors that mean the import cannot go on (the next record would fail the same way): said
 * as the shared mapping says them (errors.ts), with where the import stopped.
 */
function fatalStorageError(error: unknown, file: string, store: RecordStore): EinthovenError | undefined {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string' || !/^SQLITE_(FULL|READONLY|IOERR|CANTOPEN|BUSY|CORRUPT|NOTADB)/.test(code)) return undefined;
  const info = sqliteErrorInfo(error as Error, store.databaseFile);
  if (!info) return undefined;
  return new EinthovenError(info.code, `${info.message}; the import stopped at ${file} (every record before it is stored)`, { cause: error });
}

/**
 * The same tracing filed under another patient: one of the two files is misfiled. Importing the
 * second copy was reported as a plain duplicate, and the conflicting identity went unseen.
 */
function identityConflict(incoming: PatientInfo, stored: PatientInfo | undefined, recordId: number): string | undefined {
  if (!stored) return undefined;
  const differs = (a: string | undefined, b: string | undefined) => Boolean(a?.trim() && b?.trim() && a.trim().toLowerCase() !== b.trim().toLowerCase());
  const fields = [
    differs(incoming.id, stored.id) ? `patient ID ${incoming.id ?? ''} here, ${stored.id ?? ''} in record ${recordId}` : undefined,
    differs(incoming.name, stored.name) ? 'another name' : undefined,
    differs(incoming.birthDate, stored.birthDate) ? `birth date ${incoming.birthDate ?? ''} here, ${stored.birthDate ?? ''} in record ${recordId}` : undefined,
  ].filter((f): f is string => f !== undefined);
  return fields.length === 0 ? undefined : `But this file names another patient (${fields.join('; ')}): one of the two is filed under the wrong patient; check before relying on either.`;
}

function storeRecord(store: RecordStore, audit: AuditLog, outcome: Decoded, actor: string): ImportFileReport {
  const hash = recordContentHash(outcome.record);
  const sourcePath = outcome.files[0] ?? '(unnamed)';
  try {
    // One IMMEDIATE transaction: the duplicate check, the record and its audit entry commit
    // together or not at all, and a second process importing the same file waits, then finds it.
    return store.transaction(() => {
      const existing = store.findIdByHash(hash);
      if (existing !== undefined) {
        const conflict = identityConflict(outcome.record.patient, store.get(existing)?.patient, existing);
        return { files: outcome.files, status: 'duplicate' as const, recordId: existing, reason: `Same ECG as record ${existing}, already in the database.${conflict ? ` ${conflict}` : ''}` };
      }
      const id = store.insert(outcome.record, hash, sourcePath);
      audit.append(actor, 'record.imported', `record:${id}`, { files: outcome.files, format: outcome.record.source.format, contentHash: hash, identityHmac: store.identityHmac(id) });
      return { files: outcome.files, status: 'imported' as const, recordId: id };
    });
  } catch (error) {
    throw fatalStorageError(error, sourcePath, store) ?? error;
  }
}

/** The contract's mutable copy of a reader's CSV question. */
function csvQuestionReport(question: CsvQuestion): NonNullable<ImportFileReport['csvQuestion']> {
  return { needs: [...question.needs], columns: question.columns, ...(question.header ? { header: [...question.header] } : {}) };
}

const reasons: Partial<Record<ErrorInfo['code'], string>> = {
  E_FORMAT: 'The file could not be read as an ECG: it is damaged, truncated or not laid out as its format requires.',
  E_UNSUPPORTED: 'This ECG file uses a feature Einthoven cannot read yet.',
  E_TOO_LARGE: 'The file is larger, longer or slower to read than Einthoven accepts for one ECG.',
  E_NOT_FOUND: 'A file this record needs is missing.',
  E_IO: 'The file could not be read from the disk.',
};

/**
 * Why a file was rejected, in the user's terms. Our readers' messages are written for people
 * and name the field at fault, so they are kept (without the file name the report shows
 * anyway); a library's internal message goes to `details` only.
 */
function userReason(outcome: Failed): string {
  const message = outcome.error.message.replace(/^[^:]*:\s*/, '');
  if (outcome.csvQuestion) return `This CSV file does not say ${outcome.csvQuestion.needs.join(', ')}: answer the question to import it.`;
  if (outcome.unexpected) return reasons[outcome.error.code] ?? reasons.E_FORMAT ?? '';
  const general = reasons[outcome.error.code];
  return general ? `${general} ${sentenceStart(message)}${/[.!?]$/.test(message) ? '' : '.'}` : message;
}

/**
 * The reader's message as the second sentence: a leading lowercase word is capitalised
 * ("truncated — …" → "Truncated — …"), but a message that starts with a file name or other
 * token ("trunc.dat: truncated …", "s0010_re: …") is left as written: a name changed in case
 * is another file's name on a case-sensitive disk.
 */
function sentenceStart(message: string): string {
  const firstToken = /^\S*/.exec(message)?.[0] ?? '';
  return /^[a-z]+,?$/.test(firstToken) ? `${message.charAt(0).toUpperCase()}${message.slice(1)}` : message;
}

function reject(store: RecordStore, audit: AuditLog, outcome: Failed, actor: string, reason = userReason(outcome)): ImportFileReport {
  try {
    store.transaction(() => audit.append(actor, 'record.import-rejected', null, { files: outcome.files, error: outcome.error }));
  } catch (error) {
    throw fatalStorageError(error, outcome.files[0] ?? '(unnamed)', store) ?? error;
  }
  return {
    files: outcome.files,
    status: 'rejected',
    reason,
    details: `${outcome.error.code}: ${outcome.error.message}`.slice(0, 2000),
    ...(outcome.csvQuestion ? { csvQuestion: csvQuestionReport(outcome.csvQuestion) } : {}),
  };
}
