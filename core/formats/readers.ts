import { EinthovenError } from '../errors';
import type { CsvOptions } from './csv/options';
import type { DetectedFormat } from './detect';
import { readCsv } from './csv/read';
import { readEdf } from './edf/read';
import { readCpscMat } from './mat5/cpsc';
import { readMuseXml } from './muse/read';
import type { EcgRecord, SourceFile } from './record';

export interface DecodeOptions {
  csv?: CsvOptions;
}

type SingleFileReader = (file: SourceFile, options: DecodeOptions) => EcgRecord;

/** Readers of one-file formats, keyed by the detected format. */
const readers: Partial<Record<DetectedFormat, SingleFileReader>> = {
  mat5: readCpscMat,
  'muse-xml': readMuseXml,
  edf: readEdf,
  csv: (file, options) => readCsv(file, options.csv),
};

export function readSingleFile(file: SourceFile, format: DetectedFormat, options: DecodeOptions): EcgRecord {
  const reader = readers[format];
  if (!reader) throw new EinthovenError('E_UNSUPPORTED', `${file.name}: ${format} files are recognised but not readable yet`);
  return reader(file, options);
}
