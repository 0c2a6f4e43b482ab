import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CliCommand } from '../command';
import { parseCommandArgs } from '../args';
import { EinthovenError } from '../../errors';
import { writeCsv } from '../../formats/csv/write';
import { decodeFiles } from '../../formats/index';
import { loadFilesForDecoding } from '../../formats/load';
import { wfdbHeaderBytes, writeWfdb16 } from '../../formats/wfdb/write';
import { textColumn } from '../text-column';
import { csvFlagOptions, csvOptionsFromFlags } from './inspect';

const targets = ['wfdb', 'csv'] as const;

/**
 * A conversion never writes over a file: --out naming the input's own folder would replace the
 * source recording with its conversion (a CSV in µV rewritten as floats in mV), and any other file
 * there is someone's too.
 */
function refuseExisting(targets: readonly string[], inputs: readonly string[]): void {
  const sources = new Set(inputs.map((f) => path.resolve(f)));
  const existing = targets.find((t) => existsSync(t));
  if (existing === undefined) return;
  const own = sources.has(path.resolve(existing)) ? ' (it is the file being converted)' : '';
  throw new EinthovenError('E_CONFLICT', `${existing} already exists${own}: a conversion never replaces a file; choose another --out folder`);
}

/** Written only if absent ('wx'), so a file appearing meanwhile is not replaced either. */
function writeNew(file: string, bytes: string | Uint8Array): void {
  writeFileSync(file, bytes, { flag: 'wx' });
}

export const convertCommand: CliCommand = {
  name: 'convert',
  summary: 'Convert an ECG file to WFDB (format 16) or CSV',
  usage: [
    'Usage: ecg convert FILE --to wfdb|csv --out DIR [--fs HZ --units … --leads …]',
    '',
    'Reads FILE (any supported format; a WFDB .hea brings its signal files) and writes',
    'DIR/<name>.hea + DIR/<name>.dat (WFDB format 16, mV) or DIR/<name>.csv (time + one mV column per lead).',
    'Prints the written paths, one per line, and warnings (lossy quantisation) on stderr.',
  ].join('\n'),
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { to: { type: 'string' }, out: { type: 'string' }, ...csvFlagOptions });
    const [input, ...extra] = positionals;
    if (input === undefined || extra.length > 0) throw new EinthovenError('E_VALIDATION', 'give exactly one FILE (see ecg convert --help)');
    const to = values.to;
    if (!targets.some((t) => t === to)) throw new EinthovenError('E_VALIDATION', `--to must be one of ${targets.join(', ')}`);
    if (!values.out) throw new EinthovenError('E_VALIDATION', '--out DIR is required');
    const outcomes = decodeFiles(loadFilesForDecoding([input]), { csv: csvOptionsFromFlags(values) });
    const outcome = outcomes.find((o) => o.files.includes(path.relative(process.cwd(), path.resolve(input)).split(path.sep).join('/'))) ?? outcomes[0];
    if (!outcome) throw new EinthovenError('E_FORMAT', `${input}: nothing to convert`);
    if (!outcome.ok) throw new EinthovenError(outcome.error.code, outcome.error.message);
    const stem = path.basename(input).replace(/\.[^.]*$/, '').replace(/[^\w-]/g, '_') || 'record';
    const out = values.out;
    const targetsOf = (...extensions: string[]) => extensions.map((ext) => path.join(out, `${stem}${ext}`));
    const files = to === 'wfdb' ? targetsOf('.hea', '.dat') : targetsOf('.csv');
    refuseExisting(files, [input, ...outcome.files]);
    mkdirSync(out, { recursive: true });
    if (to === 'wfdb') {
      const { header, data, warnings } = writeWfdb16(outcome.record, stem);
      writeNew(files[0]!, wfdbHeaderBytes(header));
      writeNew(files[1]!, data);
      // A warning names its lead, whatever the file's header called it.
      for (const warning of warnings) io.stderr(`ecg convert: warning: ${textColumn(warning)}`);
    } else {
      writeNew(files[0]!, writeCsv(outcome.record));
    }
    // In the --out folder the user gave, which may hold any character.
    for (const file of files) io.stdout(textColumn(file));
    return 0;
  },
};
