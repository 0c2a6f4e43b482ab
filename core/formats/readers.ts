import { EinthovenError } from '../errors';
import type { CsvOptions } from './csv/options';
import type { DetectedFormat } from './detect';
import { checkLongestRun, limits } from './limits';
import { readAecg } from './aecg/read';
import { readCsv } from './csv/read';
import { readDicom } from './dicom/read';
import { readEdf } from './edf/read';
import { readCpscMat } from './mat5/cpsc';
import { readMuseXml } from './muse/read';
import { readPhilipsXml } from './philips/read';
import type { EcgRecord, SourceFile } from './record';
import { readScp } from './scp/read';

export interface DecodeOptions {
  csv?: CsvOptions;
}

type SingleFileReader = (file: SourceFile, options: DecodeOptions) => EcgRecord;

/** Readers of one-file formats, keyed by the detected format. */
const readers: Partial<Record<DetectedFormat, SingleFileReader>> = {
  mat5: readCpscMat,
  'muse-xml': readMuseXml,
  edf: readEdf,
  'scp-ecg': readScp,
  'hl7-aecg': readAecg,
  dicom: readDicom,
  'philips-xml': readPhilipsXml,
  csv: (file, options) => readCsv(file, options.csv),
};

const xmlFormats: readonly DetectedFormat[] = ['muse-xml', 'philips-xml', 'hl7-aecg'];

/**
 * Text is checked as bytes before it is decoded or parsed (a parser's tree or cell arrays take
 * tens of times the text): total size, and the longest text node or line.
 */
function checkTextBounds(file: SourceFile, format: DetectedFormat): void {
  const csv = format === 'csv';
  if (!csv && !xmlFormats.includes(format)) return;
  const cap = csv ? limits.maxCsvBytes : limits.maxTextBytes;
  if (file.bytes.length > cap) throw new EinthovenError('E_TOO_LARGE', `${file.name}: ${format} text of ${file.bytes.length} bytes exceeds the ${cap}-byte limit for this format`);
  if (csv) checkLongestRun(file.name, file.bytes, 0x0a, limits.maxCsvLineBytes, 'CSV line');
  else checkLongestRun(file.name, file.bytes, 0x3c, limits.maxTextRun, 'XML text node');
}

export function readSingleFile(file: SourceFile, format: DetectedFormat, options: DecodeOptions): EcgRecord {
  checkTextBounds(file, format);
  const reader = readers[format];
  if (!reader) throw new EinthovenError('E_UNSUPPORTED', `${file.name}: ${format} files are recognised but not readable yet`);
  return reader(file, options);
}
