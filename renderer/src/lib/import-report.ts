import type { ImportFileReport } from '../../../core/contract/schemas';

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
