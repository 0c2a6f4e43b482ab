import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { EinthovenError } from '../errors';
import { limits } from '../formats/limits';
import { readTable } from './csv';
import { cpscClasses } from './cpsc';
import { foldSplit, stratifiedFolds } from './folds';
import type { Dataset, DatasetItem } from './types';

/** SNOMED CT code → class name. */
export type SnomedMapping = ReadonlyMap<string, string>;

/**
 * The CPSC 2018 classes as the CinC 2020 repackaging codes them (shared/data/ecg/README.md), plus
 * the codes CinC 2021 scores as equivalent (its dx_mapping_scored.csv): complete RBBB 713427006 as
 * RBBB, supraventricular premature beats 63593006 as PAC, premature ventricular contractions
 * 427172004 and ventricular premature beats 17338001 as PVC. Without them a Georgia or Ningbo
 * record coded that way would be dropped or miss its class.
 */
export const cpscSnomedMapping: SnomedMapping = new Map([
  ['426783006', 'SNR'],
  ['164889003', 'AF'],
  ['270492004', 'IAVB'],
  ['164909002', 'LBBB'],
  ['59118001', 'RBBB'],
  ['713427006', 'RBBB'],
  ['284470004', 'PAC'],
  ['63593006', 'PAC'],
  ['164884008', 'PVC'],
  ['427172004', 'PVC'],
  ['17338001', 'PVC'],
  ['429622005', 'STD'],
  ['164931005', 'STE'],
]);

/**
 * Reads a mapping table such as the challenge's dx_mapping_scored.csv: a SNOMED column
 * (`SNOMEDCTCode` or `snomed`) and a name column (`Abbreviation` or `class`).
 */
export async function readSnomedMapping(file: string): Promise<SnomedMapping> {
  const rows = await readTable(file);
  const out = new Map<string, string>();
  for (const row of rows) {
    const code = (row.SNOMEDCTCode ?? row.snomed ?? '').trim();
    const name = (row.Abbreviation ?? row.class ?? '').trim();
    if (code && name) out.set(code, name);
  }
  if (out.size === 0) throw new EinthovenError('E_FORMAT', `${file}: no SNOMEDCTCode/Abbreviation rows`);
  return out;
}

/** SNOMED codes listed on a header's `# Dx:` line. */
export function parseDxLine(header: string): string[] {
  const line = header.split(/\r?\n/).find((l) => /^#\s*Dx\s*:/i.test(l));
  if (!line) return [];
  return line.replace(/^#\s*Dx\s*:/i, '').split(',').map((c) => c.trim()).filter((c) => c !== '');
}

async function listHeaders(root: string, depth = 0): Promise<string[]> {
  if (depth > 4) return [];
  const entries = await readdir(root, { withFileTypes: true });
  const nested = await Promise.all(entries.filter((e) => e.isDirectory()).map((e) => listHeaders(path.join(root, e.name), depth + 1)));
  // A pipe, device or socket named *.hea is listed, for readHeader to refuse in words: left out here,
  // its record went missing from the dataset without a word. (Links stay unfollowed, as before.)
  const named = entries.filter((e) => e.name.endsWith('.hea') && !e.isDirectory() && !e.isSymbolicLink());
  return [...named.map((e) => path.join(root, e.name)), ...nested.flat()];
}

/**
 * A header's text, read only once it is known to be a regular file within the WFDB header limit
 * (limits.maxWfdbHeaderBytes, as the import reads headers): a pipe was waited on without end, and a
 * device or a huge file misnamed .hea was read whole.
 */
async function readHeader(file: string): Promise<string> {
  const info = await stat(file);
  if (!info.isFile()) throw new EinthovenError('E_VALIDATION', `${file}: not a regular file (a folder, device, pipe or socket); nothing was read from it`);
  if (info.size > limits.maxWfdbHeaderBytes) {
    throw new EinthovenError('E_TOO_LARGE', `${file}: ${info.size} bytes is too large for a WFDB header (at most ${limits.maxWfdbHeaderBytes}); nothing was read from it`);
  }
  return readFile(file, 'utf8');
}

export interface CincOptions {
  readonly mapping?: SnomedMapping;
  readonly keepUnlabeled?: boolean;
  readonly seed?: number;
}

/**
 * Indexes a CinC 2020/2021 folder (WFDB .hea + .mat, `# Dx:` SNOMED codes), mapping codes to
 * classes (the CPSC 9 by default). Records with no mapped code are dropped unless
 * `keepUnlabeled`. Split: 10 stratified folds, 1–8 train, 9 validation, 10 test.
 */
export async function loadCinc(root: string, options: CincOptions = {}): Promise<Dataset> {
  const mapping = options.mapping ?? cpscSnomedMapping;
  const classes = options.mapping ? [...new Set(mapping.values())] : [...cpscClasses];
  const headers = (await listHeaders(root)).sort();
  const records: { id: string; files: string[]; labels: number[] }[] = [];
  const dropped: { id: string; reason: string }[] = [];
  for (const file of headers) {
    const id = path.relative(root, file).replace(/\.hea$/, '');
    const names = new Set(parseDxLine(await readHeader(file)).flatMap((code) => mapping.get(code) ?? []));
    if (names.size === 0 && !options.keepUnlabeled) {
      dropped.push({ id, reason: 'no mapped Dx code' });
      continue;
    }
    records.push({ id, files: [file, file.replace(/\.hea$/, '.mat')], labels: classes.map((c) => (names.has(c) ? 1 : 0)) });
  }
  const folds = stratifiedFolds(records.map((r) => r.id), records.map((r) => r.labels.join('')), 10, options.seed ?? 2020);
  const items: DatasetItem[] = records.map((r) => ({ ...r, split: foldSplit(folds.get(r.id) as number, 10), fold: folds.get(r.id) as number }));
  return { name: 'cinc', root, classes, items, dropped };
}
