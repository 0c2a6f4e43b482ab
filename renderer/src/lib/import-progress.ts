import { counted } from '../../../core/contract/counted';

/**
 * Where an import of picked files stands, over all its batches: the engine runs one job per
 * batch, but to the user it is one import from the first file to the last.
 */
export interface ImportProgress {
  /** reading: the page reads a batch's bytes; importing: the engine decodes and stores them. */
  readonly phase: 'reading' | 'importing' | null;
  /** Files picked for the whole import. */
  readonly fileCount: number;
  /** Files the engine has reported on, all batches counted. */
  readonly filesDone: number;
  /** Files in the batch now being read or imported; 0 until the first batch is formed. */
  readonly batchSize: number;
  /** The file the engine reported last in this batch; '' until it reports one. */
  readonly currentFile: string;
}

const files = (n: number): string => counted(n, 'file');
const next = (n: number): string => (n === 1 ? 'the next file' : `the next ${n}`);

/**
 * The progress line's text. It counts files over the whole import, never a batch's own, and
 * says "done" only once every picked file is accounted for: a batch's end (the engine's job
 * reports "done") is not the import's. Once a batch's bytes are read the line says the engine
 * has them, not that they are still being read.
 */
export function importProgressText(p: ImportProgress): string {
  if (p.phase === null) return '';
  // Until the first batch is formed (its files' sizes read) there is nothing more to count.
  if (p.batchSize === 0) return `${files(p.fileCount)}: preparing…`;
  const count = `${p.filesDone} of ${files(p.fileCount)}`;
  if (p.phase === 'reading') return `${count}: reading ${next(p.batchSize)}…`;
  if (p.filesDone >= p.fileCount) return `${count}: done`;
  return p.currentFile ? `${count}: ${p.currentFile}` : `${count}: importing ${next(p.batchSize)}…`;
}
