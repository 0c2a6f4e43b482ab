import type { CliCommand } from '../command';
import { parseCommandArgs } from '../args';
import { EinthovenError } from '../../errors';
import { decodeFileGroup, groupFiles, type CsvOptions, type DecodeOutcome } from '../../formats/index';
import { filesSha256 } from '../../formats/hash';
import { loadEachForDecoding } from '../../formats/load';
import type { Lead, SourceFile } from '../../formats/record';
import { jsonLine, textColumn } from '../text-column';
import { counted } from '../../contract/counted';

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
    warnings: record.warnings,
    statements: record.statements,
    patient: record.patient,
  };
}

export const inspectCommand: CliCommand = {
  name: 'inspect',
  summary: 'Read ECG files of any supported format and print what they hold',
  usage: [
    'Usage: ecg inspect FILE… [--json] [--fs HZ --units mV|uV|µV-per-value --leads I,II,…]',
    '',
    'Reads each file (a WFDB .hea brings its signal files from the same folder) and prints one',
    'line per record. With --json, one JSON object per line:',
    '  {"file","format","fs","nSamples","durationS","leads","units","sha256","warnings","statements","patient"}',
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
      else io.stdout(`${textColumn(String(line.file))}: ${line.format}, ${line.fs} Hz, ${line.nSamples} samples (${(line.durationS as number).toFixed(2)} s), ${leadsText(outcome.record.leads)}${outcome.record.warnings.length ? `; warnings: ${outcome.record.warnings.map(textColumn).join('; ')}` : ''}`);
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
