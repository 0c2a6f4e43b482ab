import type { RecordSummary } from '../../contract/schemas';
import { isNeverFlagged, thresholdRuleShort } from '../../contract/training-schemas';
import { filterAgeMaxYears, recordsPage, thresholdDistanceText, worklistSorts, type WorklistSort } from '../../contract/worklist-schemas';
import { parseRequest } from '../../contract/result';
import { existingDatabase } from '../../engine/data-dir';
import { Engine } from '../../engine/engine';
import { databaseError, EinthovenError } from '../../errors';
import { choiceFlag, dateFlag, numberFlag, parseCommandArgs, wholeNumberFlag } from '../args';
import type { CliCommand } from '../command';
import { probabilityText } from './predict';
import { openCliDataDir } from '../data-folder';
import { counted } from '../../contract/counted';
import { jsonLine, textColumn } from '../text-column';

export const listCommand: CliCommand = {
  name: 'list',
  summary: 'List the records in the local database',
  usage: `Usage: ecg list [--json] [--search TEXT] [--review unconfirmed|confirmed] [--sort imported|recorded|patient|status|probability|uncertainty]
                [--order asc|desc] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--sex M|F|U] [--age-min N] [--age-max N]
                [--reader NAME] [--flagged MODEL_ID:CLASS] [--corrected yes|no] [--notes yes|no]
                [--limit N] [--offset N] [--data-dir DIR]

Lists stored records, newest import first, one tab-separated line each (a tab, line break, other
control character or bidirectional override in a file or reader name written as \\t, \\n, \\r or \\uXXXX; a backslash as itself); the
bundled samples the app imports on a first start without a site policy are marked as demonstration records. With --json, prints {"total":N,"items":[…]} where each
item has id, contentHash, sourcePath, format, fs, nSamples, leads, patient, recordedAt, importedAt
confirmed ({reader, at} of the current reading, or null while unconfirmed), corrected ({reader, at}
of the correction of beats or wave boundaries the measurements use, or null) and notes (how many
notes the tracing carries, those taken back not counted); under --flagged, flaggedBy gives the class's
probability with its model and operating point, or, where the record's PE score entry gives an age outside
the PE model's intended use, probability null and outsideIntendedUse saying why (as ecg predict --json).
The filters are the worklist's (the app's record list asks the engine the same question).

Options:
  --json           JSON instead of a table
  --search TEXT    filter by file name, patient, or statement text (the file's or the reader's)
  --review STATUS  only unconfirmed records (the worklist) or only confirmed ones
  --sort KEY       imported (default), recorded (recording date, undated last), patient, status (unconfirmed first),
                   probability (with --flagged: the class's probability in that model's newest prediction),
                   uncertainty (with --flagged: the distance of that probability from the prediction's own threshold,
                   flagged or not; --order asc = most uncertain first, the records to label to teach the model most;
                   records without a usable prediction or whose class is never flagged come last)
  --order DIR      desc (default) or asc
  --from, --to     recording date range, inclusive
  --sex, --age-min, --age-max   patient filters (records without the value are left out)
  --reader NAME    confirmed by this reader (current reading)
  --flagged M:C    the newest prediction of model M flags class C (e.g. starter@0123456789ab:MI); under
                   --sort uncertainty it names the model and class only, keeping records on both sides of the threshold
  --corrected yes|no   measurements from a reader's corrected beats or boundaries, or the program's
  --notes yes|no   with notes on the tracing, or without
  --limit N        at most N records (1–${recordsPage.max}, default ${recordsPage.default})
  --offset N       skip the first N records
  --data-dir DIR   database folder (default: $EINTHOVEN_DATA_DIR or the OS data folder)`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      json: { type: 'boolean' },
      search: { type: 'string' },
      review: { type: 'string' },
      sort: { type: 'string' },
      order: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      sex: { type: 'string' },
      'age-min': { type: 'string' },
      'age-max': { type: 'string' },
      reader: { type: 'string' },
      flagged: { type: 'string' },
      corrected: { type: 'string' },
      notes: { type: 'string' },
      limit: { type: 'string', default: String(recordsPage.default) },
      offset: { type: 'string', default: '0' },
      'data-dir': { type: 'string' },
    });
    if (positionals.length > 0) throw new EinthovenError('E_VALIDATION', `unexpected argument '${positionals[0]}'`);
    const range = rangeOptions(values);
    const paging = { limit: wholeNumberFlag('limit', values.limit, 1, recordsPage.max), offset: wholeNumberFlag('offset', values.offset, 0, Number.MAX_SAFE_INTEGER) };
    const dataDir = openCliDataDir(values['data-dir'], io.stderr);
    // Listing must not create an empty database where a mistyped --data-dir points, and call it 0 records.
    const file = existingDatabase(dataDir);
    const engine = new Engine({ dataDir, shell: 'cli' });
    try {
      const request = parseRequest('records:list', {
        search: values.search,
        review: choiceFlag('review', values.review, ['unconfirmed', 'confirmed']),
        sort: choiceFlag('sort', values.sort, worklistSorts),
        order: choiceFlag('order', values.order, ['asc', 'desc']),
        ...range,
        sex: choiceFlag('sex', values.sex, ['M', 'F', 'U']),
        reader: values.reader,
        flagged: flaggedOption(values.flagged),
        corrected: yesNoOption('--corrected', values.corrected),
        withNotes: yesNoOption('--notes', values.notes),
        ...paging,
      });
      if (!request.ok) throw new EinthovenError(request.error.code, request.error.message);
      const page = await engine.listRecords(request.value);
      if (values.json) {
        io.stdout(jsonLine(page));
        return 0;
      }
      io.stdout(`${page.total} record(s)`);
      for (const r of page.items) io.stdout(`${r.id}\t${r.format}\t${r.fs} Hz\t${r.leads.length} leads\t${(r.nSamples / r.fs).toFixed(1)} s\t${statusColumn(r)}\t${flaggedColumn(r, request.value.sort)}${textColumn(r.sourcePath)}`);
      return 0;
    } catch (error) {
      // The list's own queries, outside the engine's dispatch: a SQLite error names this file, not "the Einthoven database".
      throw databaseError(file, error);
    } finally {
      await engine.close();
    }
  },
};

/**
 * The reading, and what readers changed or added: a corrected PR must not pass for the program's.
 * A bundled demonstration sample says so first: it is a public PTB-XL record, not a patient here.
 */
function statusColumn(r: RecordSummary): string {
  const parts = r.demonstration ? ['demonstration record (bundled PTB-XL sample, not a patient)'] : [];
  parts.push(r.confirmed ? `confirmed by ${textColumn(r.confirmed.reader)}` : 'unconfirmed');
  if (r.corrected) parts.push(`fiducials corrected by ${textColumn(r.corrected.reader)}`);
  if (r.notes > 0) parts.push(counted(r.notes, 'note'));
  return parts.join('; ');
}

/** Refuses two bounds that leave nothing between them: the query could only ever list 0 records, and would say so as if none matched. */
function orderedBounds<T extends string | number>(min: [string, T | undefined], max: [string, T | undefined], beyond: 'after' | 'above'): void {
  const [minFlag, low] = min;
  const [maxFlag, high] = max;
  if (low !== undefined && high !== undefined && low > high) throw new EinthovenError('E_VALIDATION', `--${minFlag} ${low} is ${beyond} --${maxFlag} ${high}: the range is empty`);
}

/** --from/--to and --age-min/--age-max, each a valid value and each pair a range that can hold a record. */
function rangeOptions(values: { from?: string; to?: string; 'age-min'?: string; 'age-max'?: string }): { recordedFrom?: string; recordedTo?: string; ageMin?: number; ageMax?: number } {
  const recordedFrom = values.from === undefined ? undefined : dateFlag('from', values.from);
  const recordedTo = values.to === undefined ? undefined : dateFlag('to', values.to);
  const ageMin = values['age-min'] === undefined ? undefined : numberFlag('age-min', values['age-min'], 0, filterAgeMaxYears);
  const ageMax = values['age-max'] === undefined ? undefined : numberFlag('age-max', values['age-max'], 0, filterAgeMaxYears);
  orderedBounds(['from', recordedFrom], ['to', recordedTo], 'after');
  orderedBounds(['age-min', ageMin], ['age-max', ageMax], 'above');
  return { recordedFrom, recordedTo, ageMin, ageMax };
}

function yesNoOption(name: string, value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === 'yes' || value === 'no') return value === 'yes';
  throw new EinthovenError('E_VALIDATION', `${name} wants yes or no, got '${value}'`);
}

/**
 * Under --flagged: the class's probability, its model and operating point (what a ranked list ranks by); under the
 * uncertainty sort also how far the probability is from that threshold, and on which side (above = flagged).
 */
function flaggedColumn(r: RecordSummary, sort: WorklistSort): string {
  const f = r.flaggedBy;
  if (!f) return '';
  // The PE panel, the predictions panel and the page give no number for this patient: nor does the list.
  if (f.probability === null) return `${textColumn(f.className)}: no probability (${textColumn(f.outsideIntendedUse)})\t`;
  const threshold = isNeverFlagged(f.threshold) ? 'no threshold (never flagged)' : `${thresholdRuleShort(f)} threshold ${probabilityText(f.threshold)}${sort === 'uncertainty' ? `; ${thresholdDistanceText(f.probability, f.threshold)}` : ''}`;
  return `${textColumn(f.className)} ${probabilityText(f.probability)} (${textColumn(f.modelName)}, ${threshold})\t`;
}

/** "model-id:CLASS" → the worklist's model-output filter; the class is after the last colon (model ids contain '@', not ':'). */
function flaggedOption(value: string | undefined): { modelId: string; className: string } | undefined {
  if (value === undefined) return undefined;
  const at = value.lastIndexOf(':');
  if (at <= 0 || at === value.length - 1) throw new EinthovenError('E_VALIDATION', `--flagged wants MODEL_ID:CLASS, got '${value}'`);
  return { modelId: value.slice(0, at), className: value.slice(at + 1) };
}
