import type { CliCommand } from '../command';
import { parseCommandArgs } from '../args';
import { EinthovenError } from '../../errors';
import { decodeFileGroup, groupFiles, type CsvOptions, type DecodeOutcome } from '../../formats/index';
import { filesSha256 } from '../../formats/hash';
import { loadEachForDecoding } from '../../formats/load';
import type { DeviceMeasurementField, DeviceMeasurements, EcgRecord, Lead, SourceFile } from '../../formats/record';
import { jsonLine, textColumn } from '../text-column';
import { counted } from '../../contract/counted';
import { deviceTolerance } from '../../engine/record-measurements';
import { qtcFormulaName, type QtcFormula } from '../../signal/qtc';

const csvFlags = {
  fs: { type: 'string' },
  units: { type: 'string' },
  leads: { type: 'string' },
} as const;

/** --fs/--units/--leads for CSV inputs (what a CSV cannot tell by itself). */
export function csvOptionsFromFlags(values: { fs?: string; units?: string; leads?: string }): CsvOptions {
  const options: CsvOptions = {};
  if (values.fs !== undefined) {
    const fs = Number(values.fs);
    if (!(fs > 0)) throw new EinthovenError('E_VALIDATION', `--fs must be a positive number, got '${values.fs}'`);
    options.fs = fs;
  }
  if (values.units !== undefined) {
    const perValue = Number(values.units);
    if (values.units === 'mV' || values.units === 'uV') options.units = values.units;
    else if (perValue > 0) options.units = perValue;
    else throw new EinthovenError('E_VALIDATION', `--units must be mV, uV or µV per value, got '${values.units}'`);
  }
  if (values.leads !== undefined) options.leads = values.leads.split(',').map((l) => l.trim());
  return options;
}

export const csvFlagOptions = csvFlags;

/**
 * The text line's leads: counted, comma-separated, a name holding a space, a comma or a quote
 * quoted, and a channel in units of its own (a plethysmogram in NU) listed apart. Joined with
 * spaces they ran together where a header names its leads "ECG 1" … "ECG 4" ("leads ECG 1 ECG 2
 * ECG 3 ECG 4", eight for four) or "sig 0, fmt 8", and a plethysmogram read as one more ECG lead.
 */
export function leadsText(leads: readonly Pick<Lead, 'name' | 'units'>[]): string {
  const name = (l: Pick<Lead, 'name' | 'units'>) => {
    const shown = textColumn(l.name);
    return /[\s,"]/.test(shown) ? `"${shown.replace(/"/g, '\\"')}"` : shown;
  };
  const ecg = leads.filter((l) => l.units === undefined);
  const other = leads.filter((l) => l.units !== undefined);
  const others = other.length ? `; ${counted(other.length, 'other channel')} (not ECG): ${other.map((l) => `${name(l)} in ${textColumn(l.units ?? '')}`).join(', ')}` : '';
  return `${counted(ecg.length, 'lead')}${ecg.length ? `: ${ecg.map(name).join(', ')}` : ''}${others}`;
}

/** "recorded …" as the reader read the file's own date and time (local, no zone added), or that the file gives none. */
export function recordedText(startTime: string | undefined): string {
  return startTime === undefined ? 'recording start not stated' : `recorded ${textColumn(startTime)}`;
}

/**
 * The device's own measurements under the names and units the viewer's panel gives them, in its
 * order, each QTc under the formula the file names (or said to name none), e.g. "device
 * measurements (Philips PageWriter): Heart rate 64 bpm, QTc (Bazett) 412 ms, QTc (Fridericia) 408 ms".
 */
export function deviceText(device: DeviceMeasurements): string {
  const qtc = (ms: number, formula: QtcFormula | undefined) => `QTc (${formula ? qtcFormulaName[formula] : 'formula not stated'}) ${ms} ms`;
  const parts = (Object.keys(deviceTolerance) as DeviceMeasurementField[]).flatMap((field) => {
    const value = device.values[field];
    if (value === undefined) return [];
    if (field === 'qtcMs') return [qtc(value, device.qtcFormula), ...(device.otherQtcs ?? []).map((q) => qtc(q.ms, q.formula))];
    const { label, unit } = deviceTolerance[field];
    return [`${label} ${value}${unit === '°' ? unit : ` ${unit}`}`];
  });
  // The source names the cart as the file does (a DICOM manufacturer, an SCP device): the file's text.
  return `device measurements (${textColumn(device.source)}): ${parts.join(', ')}`;
}

function summary(outcome: DecodeOutcome, files: Map<string, SourceFile>): Record<string, unknown> {
  const file = outcome.files[0];
  if (!outcome.ok) return { file, error: outcome.error };
  const { record } = outcome;
  return {
    file,
    format: record.source.format,
    fs: record.fs,
    nSamples: record.nSamples,
    durationS: record.nSamples / record.fs,
    leads: record.leads.map((l) => l.name),
    units: 'mV',
    sha256: filesSha256(outcome.files.map((name) => files.get(name)!)),
    // Null where the file states no start, or carries no measurements of its own.
    startTime: record.startTime ?? null,
    deviceMeasurements: record.deviceMeasurements ?? null,
    warnings: record.warnings,
    statements: record.statements,
    patient: record.patient,
  };
}

/** One record's text line: what it is, when it was recorded, its leads, the device's measurements and the warnings. */
function textLine(file: string, record: EcgRecord): string {
  const duration = (record.nSamples / record.fs).toFixed(2);
  const device = record.deviceMeasurements ? `; ${deviceText(record.deviceMeasurements)}` : '';
  const warnings = record.warnings.length ? `; warnings: ${record.warnings.map(textColumn).join('; ')}` : '';
  return `${textColumn(file)}: ${record.source.format}, ${record.fs} Hz, ${record.nSamples} samples (${duration} s), ${recordedText(record.startTime)}, ${leadsText(record.leads)}${device}${warnings}`;
}

export const inspectCommand: CliCommand = {
  name: 'inspect',
  summary: 'Read ECG files of any supported format and print what they hold',
  usage: [
    'Usage: ecg inspect FILE… [--json] [--fs HZ --units mV|uV|µV-per-value --leads I,II,…]',
    '',
    'Reads each file (a WFDB .hea brings its signal files from the same folder) and prints one',
    'line per record. With --json, one JSON object per line:',
    '  {"file","format","fs","nSamples","durationS","leads","units","sha256","startTime","deviceMeasurements",',
    '   "warnings","statements","patient"}',
    '(startTime: the recording start as the file states it, local time; null where it states none;',
    'deviceMeasurements: what the recording device measured, null where the file holds none)',
    'or {"file","error":{"code","message"}} for a file that cannot be read (exit code 1).',
    '--fs, --units and --leads answer what a CSV file cannot tell by itself.',
  ].join('\n'),
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean' }, ...csvFlags });
    if (positionals.length === 0) throw new EinthovenError('E_VALIDATION', 'no FILE given (see ecg inspect --help)');
    const csv = csvOptionsFromFlags(values);
    const print = (outcome: DecodeOutcome, byName: Map<string, SourceFile>) => {
      const line = summary(outcome, byName);
      if (values.json) io.stdout(jsonLine(line));
      // A file that cannot be read is an error: stderr, so stdout holds only what was read (JSON keeps both on stdout, one object a line).
      // The file's name, its lead names and its warnings are written through textColumn: the lead names
      // are whatever the file's header holds (an EDF label, a WFDB signal description, an XML element).
      else if (!outcome.ok) io.stderr(`${textColumn(String(line.file))}: ${outcome.error.code}: ${textColumn(outcome.error.message)}`);
      else io.stdout(textLine(String(line.file), outcome.record));
    };
    // Each path is read on its own (a missing one is reported and the others still inspected);
    // then the readable files are grouped together, so a .hea and its .dat given apart pair up.
    const { sources, unreadable } = loadEachForDecoding(positionals);
    for (const { file, error } of unreadable) print({ ok: false, files: [file], error }, new Map());
    let failed = unreadable.length > 0;
    const byName = new Map(sources.map((f) => [f.name, f]));
    for (const group of groupFiles(sources)) {
      const outcome = decodeFileGroup(group, { csv });
      failed ||= !outcome.ok;
      print(outcome, byName);
    }
    return failed ? 1 : 0;
  },
};
