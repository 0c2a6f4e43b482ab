import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { RecordDetail } from '../contract/schemas';
import { writeCsv } from '../formats/csv/write';
import { asMillivolts, type EcgRecord, type PatientInfo } from '../formats/record';
import { wfdbHeaderBytes, writeWfdb16 } from '../formats/wfdb/write';
import { writePrivateFileSync } from '../storage/private-files';

export type ExportFormat = 'wfdb' | 'csv';

/** HIPAA Safe Harbor: ages over 89 are reported as one category, 90 or older. */
const oldestExactAge = 89;

/** A stored record as the format writers take it. */
export function storedToEcgRecord(detail: RecordDetail): EcgRecord {
  return {
    fs: detail.fs,
    nSamples: detail.nSamples,
    leads: detail.leads.map((lead, i) => ({ name: lead.name, derived: lead.derived, samples: asMillivolts(detail.signals[i] ?? new Float32Array(detail.nSamples).fill(Number.NaN)) })),
    missingLeads: detail.missingLeads,
    ...(detail.recordedAt ? { startTime: detail.recordedAt } : {}),
    patient: { ...detail.patient },
    statements: detail.statements,
    source: { format: detail.format },
    warnings: detail.warnings,
  };
}

/**
 * The record without what identifies the patient (Safe Harbor style): no name, id, birth date
 * or recording time; age kept in years, 90 for anyone older than 89; sex kept. Free-text
 * statements are dropped too, because a device's statements may name people. Signals unchanged.
 */
export function deidentify(record: EcgRecord): EcgRecord {
  const patient: PatientInfo = {};
  if (record.patient.sex) patient.sex = record.patient.sex;
  if (record.patient.ageYears !== undefined) patient.ageYears = record.patient.ageYears > oldestExactAge ? 90 : Math.floor(record.patient.ageYears);
  const { startTime: _dropped, ...rest } = record;
  return { ...rest, patient, statements: [] };
}

/**
 * Writes the record into `dir` (created) as WFDB format 16 or CSV; names carry the record
 * number only, never the source file name (which may hold a patient's name). Returns the files
 * written and the writers' warnings (e.g. quantisation to WFDB's 16-bit steps). The files are
 * owner-only (the group's too in a group-shared folder): an identified export holds the patient's
 * name and birth date.
 */
export function exportRecord(detail: RecordDetail, options: { format: ExportFormat; deidentify: boolean; dir: string }): { files: string[]; warnings: string[] } {
  const record = options.deidentify ? deidentify(storedToEcgRecord(detail)) : storedToEcgRecord(detail);
  const stem = `record-${detail.id}${options.deidentify ? '-deidentified' : ''}`;
  mkdirSync(options.dir, { recursive: true });
  if (options.format === 'csv') {
    const file = path.join(options.dir, `${stem}.csv`);
    writePrivateFileSync(file, writeCsv(record));
    return { files: [file], warnings: [] };
  }
  const { header, data, warnings } = writeWfdb16(record, stem);
  const files = [path.join(options.dir, `${stem}.hea`), path.join(options.dir, `${stem}.dat`)];
  writePrivateFileSync(files[0] as string, wfdbHeaderBytes(header));
  writePrivateFileSync(files[1] as string, data);
  return { files, warnings };
}
