import type { ImportFileReport } from '../../../core/contract/schemas';
import { counted } from '../../../core/contract/counted';

/**
 * How an import's outcome is told: counts per status (skipped, files that are not ECG records,
 * apart from rejected ECG files that could not be read) and the CSV questions, one per layout
 * (files with the same columns, header and needs get one answer; others are asked apart).
 */
export type ImportStatus = ImportFileReport['status'];
export const importStatuses: readonly ImportStatus[] = ['rejected', 'duplicate', 'imported', 'skipped'];

export function countByStatus(reports: readonly ImportFileReport[]): Record<ImportStatus, number> {
  const counts: Record<ImportStatus, number> = { imported: 0, duplicate: 0, skipped: 0, rejected: 0 };
  for (const report of reports) counts[report.status]++;
  return counts;
}

export type CsvQuestion = NonNullable<ImportFileReport['csvQuestion']>;

export interface CsvGroup {
  /** Identifies the layout: needs, column count and header. */
  readonly key: string;
  readonly question: CsvQuestion;
  /** Every file of every report in the group (a CSV report names one file). */
  readonly files: readonly string[];
}

export function csvLayoutKey(question: CsvQuestion): string {
  return JSON.stringify([[...question.needs].sort(), question.columns, question.header ?? null]);
}

/** Rejected CSVs waiting for answers, grouped by layout, in the order they were reported. */
export function csvGroups(reports: readonly ImportFileReport[]): CsvGroup[] {
  const groups = new Map<string, { question: CsvQuestion; files: string[] }>();
  for (const report of reports) {
    if (report.status !== 'rejected' || !report.csvQuestion) continue;
    const key = csvLayoutKey(report.csvQuestion);
    const group = groups.get(key) ?? { question: report.csvQuestion, files: [] };
    group.files.push(...report.files);
    groups.set(key, group);
  }
  return [...groups].map(([key, group]) => ({ key, ...group }));
}

/** What happened to the files as a whole: the report's heading reads by this, not by the job's status. */
export type ImportResult = 'imported' | 'partial' | 'none';

export interface ImportHeadline {
  readonly result: ImportResult;
  readonly text: string;
  /** A file was rejected, or nothing came in that was not already there: read as a warning. */
  readonly warning: boolean;
}

/**
 * The report's heading. A job that ran to its end "succeeded" even when every file was
 * rejected or skipped, so the heading says what became of the files: all new ECGs stored,
 * some stored and some rejected, or nothing stored (and why). A cancelled or failed job says
 * so first: what it reports is what was done before it stopped.
 */
export function importHeadline(outcome: 'succeeded' | 'cancelled' | 'failed', counts: Record<ImportStatus, number>): ImportHeadline {
  const stopped = outcome === 'succeeded' ? '' : `Import ${outcome}. `;
  const warning = counts.rejected > 0 || (counts.imported === 0 && counts.duplicate === 0);
  const rejected = `${counted(counts.rejected, 'ECG file')} rejected`;
  if (counts.imported > 0 && counts.rejected > 0) return { result: 'partial', text: `${stopped}Partly imported: ${counts.imported} imported, ${rejected}`, warning };
  if (counts.imported > 0) return { result: 'imported', text: `${stopped}Imported ${counted(counts.imported, 'record')}`, warning };
  const why =
    counts.rejected > 0 ? rejected : counts.duplicate > 0 ? 'every ECG was already present' : counts.skipped > 0 ? 'no ECG record among the files' : 'no file was read';
  return { result: 'none', text: `${stopped}Nothing imported: ${why}`, warning };
}
