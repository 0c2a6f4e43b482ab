import { readdir, readFile, readlink, realpath, stat } from 'node:fs/promises';
import type { Dirent } from 'node:fs';
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

/** How many folders below the root headers are looked for in (CinC 2021's training/<source>/<group>/ needs two). */
const maxHeaderDepth = 4;

/** A folder's headers; its links named *.hea whose target is not there (each with where it points); and headers reached again through a link (each with the path it was listed under). */
interface HeaderListing {
  readonly headers: string[];
  readonly dangling: { readonly file: string; readonly target: string }[];
  readonly again: { readonly file: string; readonly listedAs: string }[];
}

/** What one entry of a folder is to the listing, links followed: a folder, a header (with its real path), a link to nothing named *.hea, or neither. */
type EntryKind = { kind: 'dir' } | { kind: 'header'; real: string } | { kind: 'dangling'; target: string } | { kind: 'other' };

async function entryKind(dir: string, realDir: string, e: Dirent): Promise<EntryKind> {
  const isHeader = e.name.endsWith('.hea');
  if (!e.isSymbolicLink()) {
    if (e.isDirectory()) return { kind: 'dir' };
    // A pipe, device or socket named *.hea is listed, for readHeader to refuse in words: left out here, its record went missing without a word.
    return isHeader ? { kind: 'header', real: path.join(realDir, e.name) } : { kind: 'other' };
  }
  const file = path.join(dir, e.name);
  const info = await stat(file).catch(() => undefined);
  if (!info) return isHeader ? { kind: 'dangling', target: await readlink(file).catch(() => '?') } : { kind: 'other' };
  if (info.isDirectory()) return { kind: 'dir' };
  return isHeader ? { kind: 'header', real: await realpath(file) } : { kind: 'other' };
}

/**
 * The folder's *.hea files, at most maxHeaderDepth folders down, links followed: a CinC folder
 * assembled from links (a hospital linking its subset of a large download) loaded no records, or
 * silently fewer, when links were passed over. A linked header goes through readHeader's checks as
 * any other; a folder reached twice (a loop, or a second link to it) is read once, and a header
 * reached twice is listed once (and the other path said), so one recording never becomes two
 * records (one in training, one in the test split). Folders are walked one after another in name order, so which of two paths
 * names such a record does not hang on timing.
 */
async function listHeaders(root: string): Promise<HeaderListing> {
  const listing: HeaderListing = { headers: [], dangling: [], again: [] };
  const seenDirs = new Set<string>();
  /** Each header listed, by its real path: the path it was listed under. */
  const seenHeaders = new Map<string, string>();
  const walk = async (dir: string, depth: number): Promise<void> => {
    if (depth > maxHeaderDepth) return;
    const realDir = await realpath(dir);
    if (seenDirs.has(realDir)) return;
    seenDirs.add(realDir);
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const kinds = await Promise.all(entries.map((e) => entryKind(dir, realDir, e)));
    for (const [k, e] of entries.entries()) {
      const entry = kinds[k] as EntryKind;
      const file = path.join(dir, e.name);
      if (entry.kind === 'dir') await walk(file, depth + 1);
      else if (entry.kind === 'dangling') listing.dangling.push({ file, target: entry.target });
      else if (entry.kind === 'header') {
        const listedAs = seenHeaders.get(entry.real);
        if (listedAs !== undefined) listing.again.push({ file, listedAs });
        else {
          seenHeaders.set(entry.real, file);
          listing.headers.push(file);
        }
      }
    }
  };
  await walk(root, 0);
  return listing;
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
  const listing = await listHeaders(root);
  const headers = listing.headers.sort();
  const records: { id: string; files: string[]; labels: number[] }[] = [];
  const idOf = (file: string) => path.relative(root, file).replace(/\.hea$/, '');
  // A header linked to a file that is not there, or reached again through a link: left out, saying so, as a record without a mapped code is.
  const dropped = [
    ...listing.dangling.map(({ file, target }) => ({ id: idOf(file), reason: `its header is a link to ${target}, which is not there` })),
    ...listing.again.map(({ file, listedAs }) => ({ id: idOf(file), reason: `the same header as ${idOf(listedAs)}, reached again through a link` })),
  ];
  for (const file of headers) {
    const id = idOf(file);
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
