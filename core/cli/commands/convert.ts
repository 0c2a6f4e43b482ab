import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CliCommand } from '../command';
import { parseCommandArgs } from '../args';
import { EinthovenError } from '../../errors';
import { writeCsv } from '../../formats/csv/write';
import { decodeFiles } from '../../formats/index';
import { loadFilesForDecoding } from '../../formats/load';
import { wfdbHeaderBytes, writeWfdb16 } from '../../formats/wfdb/write';
import { csvFlagOptions, csvOptionsFromFlags } from './inspect';

const targets = ['wfdb', 'csv'] as const;

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
    mkdirSync(values.out, { recursive: true });
    const written: string[] = [];
    if (to === 'wfdb') {
      const { header, data, warnings } = writeWfdb16(outcome.record, stem);
      written.push(path.join(values.out, `${stem}.hea`), path.join(values.out, `${stem}.dat`));
      writeFileSync(written[0]!, wfdbHeaderBytes(header));
      writeFileSync(written[1]!, data);
      for (const warning of warnings) io.stderr(`ecg convert: warning: ${warning}`);
    } else {
      written.push(path.join(values.out, `${stem}.csv`));
      writeFileSync(written[0]!, writeCsv(outcome.record));
    }
    for (const file of written) io.stdout(file);
    return 0;
  },
};
