import type { ImportFileReport, ImportReport } from '../contract/schemas';
import type { AuditLog } from '../db/audit';
import type { RecordStore } from '../db/records';
import { EinthovenError } from '../errors';
import { decodeFiles } from '../formats/index';
import type { SourceFile } from '../formats/record';
import { groupByRecordStem } from './grouping';
import { recordContentHash } from './record-hash';

export interface ImportOptions {
  readonly actor: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number, message: string) => void;
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
  const groups = groupByRecordStem(files);
  const reports: ImportFileReport[] = [];
  for (const [index, group] of groups.entries()) {
    if (options.signal?.aborted) break;
    options.onProgress?.(index, groups.length, group[0]?.name ?? '');
    for (const outcome of decodeFiles(group)) {
      reports.push(outcome.ok ? storeRecord(store, audit, outcome, options.actor) : reject(audit, outcome, options.actor));
    }
    // Yield between records so cancel requests and other calls are served during long imports.
    await new Promise((resolve) => setImmediate(resolve));
  }
  options.onProgress?.(reports.length === 0 ? 0 : groups.length, groups.length, 'done');
  if (options.signal?.aborted && reports.length === 0) throw new EinthovenError('E_CANCELLED', 'import cancelled');
  return { reports };
}

type Decoded = Extract<ReturnType<typeof decodeFiles>[number], { ok: true }>;
type Failed = Extract<ReturnType<typeof decodeFiles>[number], { ok: false }>;

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

function reject(audit: AuditLog, outcome: Failed, actor: string): ImportFileReport {
  audit.append(actor, 'record.import-rejected', null, { files: outcome.files, error: outcome.error });
  return { files: outcome.files, status: 'rejected', reason: `${outcome.error.code}: ${outcome.error.message}` };
}
