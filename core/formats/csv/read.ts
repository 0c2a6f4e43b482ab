import Papa from 'papaparse';
import { EinthovenError } from '../../errors';
import { buildRecord } from '../build';
import { checkSignalSize } from '../limits';
import { asMillivolts, type EcgRecord, type SourceFile } from '../record';
import { decodeText } from '../text';
import type { CsvNeed, CsvOptions, CsvQuestion } from './options';
import { unguardCsvLabel } from './write';

const timeHeader = /^(time|t|sec|seconds|ms|msec|timestamp|time_?s|time_?ms)\b|^time\s*[([]/i;
const unitSuffix = /\s*[([]\s*(mv|uv|µv|μv)\s*[)\]]\s*$|[_ ](mv|uv|µv|μv)$/i;

/** E_VALIDATION that also says, machine-readably, what the import dialog must ask for. */
export class CsvOptionsNeeded extends EinthovenError {
  constructor(
    message: string,
    readonly question: CsvQuestion,
  ) {
    super('E_VALIDATION', message);
  }
}

function isNumeric(cell: string): boolean {
  return cell.trim() !== '' && Number.isFinite(Number(cell));
}

/** µV per value → factor to mV. */
function unitFactor(units: CsvOptions['units']): number {
  if (units === 'mV') return 1;
  if (units === 'uV') return 1e-3;
  return (units as number) / 1000;
}

function headerUnits(labels: string[]): CsvOptions['units'] {
  const found = labels.map((l) => unitSuffix.exec(l)).filter((m) => m !== null);
  if (found.length === 0) return undefined;
  return (found[0]![1] ?? found[0]![2] ?? '').toLowerCase() === 'mv' ? 'mV' : 'uV';
}

/** fs from a time column: (n − 1) / span, rounded to 1 mHz when that is within rounding noise. */
function fsFromTime(rows: string[][], column: number, label: string): number | undefined {
  const first = Number(rows[0]?.[column]);
  const last = Number(rows[rows.length - 1]?.[column]);
  const scale = /ms|msec/i.test(label) ? 1000 : 1;
  const span = (last - first) / scale;
  if (!(rows.length > 1 && span > 0)) return undefined;
  const fs = (rows.length - 1) / span;
  const rounded = Math.round(fs * 1000) / 1000;
  return Math.abs(rounded - fs) < fs * 1e-6 ? rounded : fs;
}

/**
 * Reads a CSV of one column per lead (delimiter and header row detected; an optional time
 * column gives fs). What cannot be inferred must come in `options`, else E_VALIDATION says
 * which option is needed.
 */
export function readCsv(file: SourceFile, options: CsvOptions = {}): EcgRecord {
  const parsed = Papa.parse<string[]>(decodeText(file.bytes), { skipEmptyLines: 'greedy', delimiter: '' });
  let rows = parsed.data.filter((row) => Array.isArray(row));
  if (rows.length === 0) throw new EinthovenError('E_FORMAT', `${file.name}: empty CSV`);
  const hasHeader = rows[0]!.some((cell) => cell.trim() !== '' && !isNumeric(cell));
  const header = hasHeader ? rows[0]!.map((c) => c.trim()) : undefined;
  if (hasHeader) rows = rows.slice(1);
  const width = Math.max(...rows.slice(0, 100).map((r) => r.length), header?.length ?? 0);
  const timeColumn = header?.findIndex((label) => timeHeader.test(label)) ?? -1;
  const dataColumns = Array.from({ length: width }, (_, i) => i).filter((i) => i !== timeColumn);
  const fs = options.fs ?? (timeColumn >= 0 ? fsFromTime(rows, timeColumn, header![timeColumn]!) : undefined);
  const units = options.units ?? (header ? headerUnits(header) : undefined);
  const labels = options.leads ?? header?.filter((_, i) => i !== timeColumn).map((l) => unguardCsvLabel(l.replace(unitSuffix, '')));
  const questions: [CsvNeed, boolean, string][] = [
    ['fs', fs === undefined, 'fs (sampling rate in Hz)'],
    ['units', units === undefined, "units ('mV', 'uV' or µV per value)"],
    ['leads', labels === undefined, `leads (names of the ${dataColumns.length} columns in order)`],
  ];
  const needed = questions.filter(([, missing]) => missing);
  if (needed.length > 0) {
    const headerLabels = header?.filter((_, i) => i !== timeColumn);
    throw new CsvOptionsNeeded(`${file.name}: cannot infer from the CSV; please provide ${needed.map(([, , text]) => text).join(', ')}`, {
      needs: needed.map(([need]) => need),
      columns: dataColumns.length,
      ...(headerLabels ? { header: headerLabels } : {}),
    });
  }
  if (labels!.length !== dataColumns.length) {
    throw new EinthovenError('E_VALIDATION', `${file.name}: ${labels!.length} lead names given for ${dataColumns.length} data columns`);
  }
  if (typeof units === 'number' && !(units > 0)) throw new EinthovenError('E_VALIDATION', `${file.name}: units must be a positive number of µV per value`);
  checkSignalSize(file.name, dataColumns.length, rows.length);
  const factor = unitFactor(units);
  const warnings: string[] = [];
  const channels = dataColumns.map((column, k) => {
    const samples = new Float32Array(rows.length);
    let present = 0;
    for (let i = 0; i < rows.length; i++) {
      const cell = rows[i]![column] ?? '';
      const value = cell.trim() === '' ? Number.NaN : Number(cell);
      if (cell.trim() !== '' && !Number.isFinite(value)) throw new EinthovenError('E_FORMAT', `${file.name}: row ${i + (hasHeader ? 2 : 1)} column ${column + 1}: '${cell.slice(0, 20)}' is not a number`);
      if (!Number.isNaN(value)) present++;
      samples[i] = value * factor;
    }
    if (present === 0) warnings.push(`${labels![k]} has no values (missing lead)`);
    return { label: labels![k]!, samples: asMillivolts(samples) };
  });
  return buildRecord({ fileName: file.name, fs: fs!, channels, source: { format: 'csv' }, warnings });
}
