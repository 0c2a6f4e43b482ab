import type { ImportFileReport, ImportReport } from '../contract/schemas';
import type { AuditLog } from '../db/audit';
import type { RecordStore } from '../db/records';
import { EinthovenError } from '../errors';
import { decodeFileGroup, groupFiles, type CsvOptions, type CsvQuestion, type DecodeOutcome } from '../formats/index';
import type { SourceFile } from '../formats/record';
import { recordContentHash } from './record-hash';

export interface ImportOptions {
  readonly actor: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number, message: string) => void;
  /** Answers for CSV files that cannot tell fs, units or lead order themselves. */
  readonly csv?: CsvOptions;
}

/**
 * Decodes and stores every record among `files`. Each record is committed on its own, so a
 * later bad file or a cancel never loses what was already stored. Same content already in
 * the database is reported as a duplicate, not stored twice.
 */
export async function importFiles(
  store: RecordStore,
  audit: AuditLog,
  files: readonly SourceFile[],
  options: ImportOptions,
): Promise<ImportReport> {
  // Records are grouped by content (a WFDB header claims the files it names, a multi-segment
  // master its segments), then decoded and stored one at a time for progress and cancel.
  const groups = groupFiles(files);
  const reports: ImportFileReport[] = [];
  for (const [index, group] of groups.entries()) {
    if (options.signal?.aborted) break;
    options.onProgress?.(index, groups.length, group.kind === 'wfdb' ? group.header.name : group.file.name);
    const outcome = decodeFileGroup(group, options.csv ? { csv: options.csv } : {});
    reports.push(outcome.ok ? storeRecord(store, audit, outcome, options.actor) : reject(audit, outcome, options.actor));
    // Yield between records so cancel requests and other calls are served during long imports.
    await new Promise((resolve) => setImmediate(resolve));
  }
  options.onProgress?.(reports.length === 0 ? 0 : groups.length, groups.length, 'done');
  if (options.signal?.aborted && reports.length === 0) throw new EinthovenError('E_CANCELLED', 'import cancelled');
  return { reports };
}

type Decoded = Extract<DecodeOutcome, { ok: true }>;
type Failed = Extract<DecodeOutcome, { ok: false }>;

function storeRecord(store: RecordStore, audit: AuditLog, outcome: Decoded, actor: string): ImportFileReport {
  const hash = recordContentHash(outcome.record);
  const existing = store.findIdByHash(hash);
  if (existing !== undefined) {
    return { files: outcome.files, status: 'duplicate', recordId: existing, reason: `same content as record ${existing}` };
  }
  const sourcePath = outcome.files[0] ?? '(unnamed)';
  const id = store.insert(outcome.record, hash, sourcePath);
  audit.append(actor, 'record.imported', `record:${id}`, {
    files: outcome.files,
    format: outcome.record.source.format,
    contentHash: hash,
  });
  return { files: outcome.files, status: 'imported', recordId: id };
}

/** The contract's mutable copy of a reader's CSV question. */
function csvQuestionReport(question: CsvQuestion): NonNullable<ImportFileReport['csvQuestion']> {
  return { needs: [...question.needs], columns: question.columns, ...(question.header ? { header: [...question.header] } : {}) };
}

function reject(audit: AuditLog, outcome: Failed, actor: string): ImportFileReport {
  audit.append(actor, 'record.import-rejected', null, { files: outcome.files, error: outcome.error });
  return {
    files: outcome.files,
    status: 'rejected',
    reason: `${outcome.error.code}: ${outcome.error.message}`,
    ...(outcome.csvQuestion ? { csvQuestion: csvQuestionReport(outcome.csvQuestion) } : {}),
  };
}
