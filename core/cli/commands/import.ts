import { Engine } from '../../engine/engine';
import { importSources } from '../../engine/import';
import { listSources, withWfdbSiblings } from '../../engine/import-sources';
import { EinthovenError } from '../../errors';
import { parseCommandArgs } from '../args';
import type { CliCommand } from '../command';
import type { ImportFileReport } from '../../contract/schemas';
import { csvFlagOptions, csvOptionsFromFlags } from './inspect';
import { openCliDataDir } from '../data-folder';
import { jsonLine, textColumn } from '../text-column';

export const importCommand: CliCommand = {
  name: 'import',
  summary: 'Import ECG files or folders into the local database',
  usage: `Usage: ecg import <file|folder>… [--json] [--data-dir DIR] [--fs HZ --units mV|uV|µV-per-value --leads I,II,…]

Decodes every record among the given files (folders are read recursively, file by file,
a linked folder once; a WFDB header brings the signal files it names from its folder) and
stores it with its audit entry. Content already in the database is a duplicate naming its
record; files that are not ECG records (notes, licences, annotation files) are skipped, and
devices, pipes and sockets skipped unread, each with its reason.
Prints one line per record as soon as it is known (a tab, line break, other control character or bidirectional
override in a file name or reason written as \\t, \\n, \\r or \\uXXXX; a backslash as itself); with --json, one JSON object per line:
{"files":[…],"status":"imported|duplicate|skipped|rejected","recordId"?,"reason"?,"details"?}.
Exit code 0 when every ECG record was imported (or already there), 1 when any was
rejected; a full disk stops the import with an E_IO error naming the file.

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
    const sources = withWfdbSiblings(listSources(positionals));
    // An empty folder (or one of other files only) imported nothing and said nothing, exit 0.
    if (sources.length === 0) throw new EinthovenError('E_NOT_FOUND', `no file to import in ${positionals.join(', ')}`);
    const csv = csvOptionsFromFlags(values);
    const engine = new Engine({ dataDir: openCliDataDir(values['data-dir'], io.stderr), shell: 'cli' });
    try {
      // Nothing is decoded for a database that cannot take it (a read-only folder): said once, naming the file and why.
      engine.refuseIfReadOnly();
      const print = (report: ImportFileReport) => {
        if (values.json) io.stdout(jsonLine(report));
        else io.stdout(`${report.status}\t${report.recordId ?? '-'}\t${report.files.map(textColumn).join(' ')}${report.reason ? `\t${textColumn(report.reason)}` : ''}`);
      };
      const { reports } = await importSources(engine.records, engine.audit, sources, { actor: 'cli', csv, onProgress: (_d, _t, _m, file) => file && print(file) });
      return reports.some((r) => r.status === 'rejected') ? 1 : 0;
    } finally {
      await engine.close();
    }
  },
};
