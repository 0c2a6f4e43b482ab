import { resolveDataDir } from '../../engine/data-dir';
import { Engine } from '../../engine/engine';
import { importFiles } from '../../engine/import';
import { readSourceFiles } from '../../engine/read-sources';
import { EinthovenError } from '../../errors';
import { parseCommandArgs } from '../args';
import type { CliCommand } from '../command';
import { csvFlagOptions, csvOptionsFromFlags } from './inspect';

export const importCommand: CliCommand = {
  name: 'import',
  summary: 'Import ECG files or folders into the local database',
  usage: `Usage: ecg import <file|folder>… [--json] [--data-dir DIR] [--fs HZ --units mV|uV|µV-per-value --leads I,II,…]

Decodes every record among the given files (folders are read recursively; a WFDB
header travels with its signal files) and stores it. Content already in the database
is reported as a duplicate. Prints one line per record; with --json, one JSON object
per line: {"files":[…],"status":"imported|duplicate|rejected","recordId"?,"reason"?}.
Exit code 1 when any record was rejected.

Options:
  --json           JSON lines instead of text
  --data-dir DIR   database folder (default: $EINTHOVEN_DATA_DIR or the OS data folder)
  --fs, --units, --leads
                   answer what a CSV file cannot tell by itself (its sampling rate,
                   its units, its lead order); a CSV that needs them and lacks them is
                   rejected with the question it asks`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      json: { type: 'boolean' },
      'data-dir': { type: 'string' },
      ...csvFlagOptions,
    });
    if (positionals.length === 0) throw new EinthovenError('E_VALIDATION', 'no files given (see ecg import --help)');
    const files = readSourceFiles(positionals);
    const csv = csvOptionsFromFlags(values);
    const engine = new Engine({ dataDir: resolveDataDir(values['data-dir']), shell: 'cli' });
    try {
      const { reports } = await importFiles(engine.records, engine.audit, files, { actor: 'cli', csv });
      for (const report of reports) {
        if (values.json) io.stdout(JSON.stringify(report));
        else io.stdout(`${report.status}\t${report.recordId ?? '-'}\t${report.files.join(' ')}${report.reason ? `\t${report.reason}` : ''}`);
      }
      return reports.some((r) => r.status === 'rejected') ? 1 : 0;
    } finally {
      await engine.close();
    }
  },
};
