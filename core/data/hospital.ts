import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { peNumberRanges } from '../clinic/pe-scores/items';
import { noneOf } from '../contract/counted';
import { EinthovenError } from '../errors';
import { wfdbNamedFiles } from '../formats/load';
import { isInside } from '../storage/real-path';
import { parseTable, readTableText } from './csv';
import { cellNumber, type NumberReading } from './csv-number';
import { patientSplit } from './folds';
import { peItemColumns, peSourceColumn, peTotalColumns, readPeScores } from './pe-columns';
import { splitNames, type Dataset, type DatasetItem, type Demographics, type PeRecordScores, type Split } from './types';

export interface HospitalOptions {
  /** Labels CSV: `file,label[,patient_id][,split][,sex][,age][,PE score columns]`, separated by ',', ';' or tabs, or the PE-HSM layout `filename;label` (0/1). */
  readonly labels: string;
  /** A second CSV whose rows form the locked test split (e.g. PE-HSM's labels_test). */
  readonly testLabels?: string;
  /** Class name of a 0/1 label column; 'PE' for the PE-HSM layout, else 'positive'. */
  readonly positiveClass?: string;
  readonly seed?: number;
  /** Shares of patients for validation and test when the CSV has no split column. */
  readonly fractions?: { readonly val: number; readonly test: number };
}

/** The label of a record that has none of the dataset's classes (multi-class CSVs). */
export const noClassLabel = '-';

interface Row {
  /** Where the row is, for messages: "labels.csv row 3". */
  readonly where: string;
  readonly file: string;
  readonly labels: string[];
  readonly patientId?: string;
  readonly split?: Split;
  readonly demographics?: Demographics;
  readonly peScores?: PeRecordScores;
}

/**
 * The optional `age` column (years), uncapped; undefined when empty. Read as the PE numbers are
 * (csv-number.ts): it sets the age-adjusted D-dimer cut-off and Geneva's > 65, and Number() would
 * take '0x1F' as 31 and '5e1' as 50. Bounded by the PE form's own age range (peNumberRanges): the
 * earlier bound of 150 let 130–149 years into the score items, which the form refuses as a typing error.
 */
function ageOf(r: Record<string, string>, where: string, reading: NumberReading): number | undefined {
  const text = (r.age ?? '').trim();
  if (!text) return undefined;
  const age = cellNumber(text, 'age', where, reading, 'a number of years');
  const { min, max } = peNumberRanges.ageYears;
  if (!(Number.isFinite(age) && age >= min)) throw new EinthovenError('E_FORMAT', `${where}: age '${text}' is not a number of years`);
  if (age > max) throw new EinthovenError('E_FORMAT', `${where}: age '${text}' is above ${max} years, which is not a plausible age; correct it, or leave the cell empty when the age is not known`);
  return age;
}

/** Optional `sex` (M/F, male/female) and `age` (years, read by ageOf) columns, for subgroup evaluation; other values are refused, not guessed. */
function demographicsOf(r: Record<string, string>, where: string, age: number | undefined): Demographics | undefined {
  const sexText = (r.sex ?? '').trim().toLowerCase();
  const sex = sexText === 'm' || sexText === 'male' ? 'M' : sexText === 'f' || sexText === 'female' ? 'F' : undefined;
  if (sexText && !sex) throw new EinthovenError('E_FORMAT', `${where}: sex '${r.sex}' is not M or F`);
  if (!sex && age === undefined) return undefined;
  return { ...(sex ? { sex } : {}), ...(age === undefined ? {} : { ageYears: Math.min(age, 90) }) };
}

function parseSplit(value: string | undefined, where: string): Split | undefined {
  const v = (value ?? '').trim().toLowerCase();
  if (v === '') return undefined;
  const normalised = v === 'validation' ? 'val' : v;
  if (!(splitNames as readonly string[]).includes(normalised)) throw new EinthovenError('E_FORMAT', `${where}: split '${value}' is not train/val/test`);
  return normalised as Split;
}

/** The marks a labels file's fields may be separated by, as named in messages. */
const delimiters = [
  [',', "','"],
  [';', "';'"],
  ['\t', 'tab'],
] as const;
type Delimiter = (typeof delimiters)[number][0];

/**
 * The labels file's delimiter, from its header line: the one of ',', ';' and tab it holds (','
 * when none: a one-column file, refused later for its missing label). Column names hold none of
 * them, so a header with two is refused rather than split on a guess: read with the wrong one,
 * every row would be one cell, or a ';' file's decimal commas would split numbers in two.
 * Whitespace at the end is left out (a spreadsheet's empty last column of tabs).
 */
function delimiterOf(headerLine: string, file: string): Delimiter {
  const present = delimiters.filter(([mark]) => headerLine.trimEnd().includes(mark));
  const [first, second] = present;
  if (first && second) throw new EinthovenError('E_FORMAT', `${path.basename(file)}: the header line holds both ${first[1]} and ${second[1]}, so which one separates the fields is not known; save the file with one separator (',', ';' or tab)`);
  return first?.[0] ?? ',';
}

/** Every column the labels file is read by, each name in lower case. */
const knownColumns: readonly string[] = ['file', 'filename', 'label', 'labels', 'patient_id', 'split', 'sex', 'age', ...Object.values(peItemColumns), ...Object.values(peTotalColumns), peSourceColumn];

/**
 * Refuses a header naming a column the file is read by in other capitals ('File', 'Label',
 * 'Split'): read as no column, 'File,Label' was refused at row 2 for "no file name", and a 'Split'
 * or 'Sex' column was passed over without a word. Not matched case-insensitively: 'File' and 'FILE'
 * side by side would leave which one is meant to a guess.
 */
function refuseOtherCase(columns: readonly string[], file: string): void {
  const odd = columns.filter((c) => c !== c.toLowerCase() && knownColumns.includes(c.toLowerCase()) && !columns.includes(c.toLowerCase()));
  if (odd.length === 0) return;
  const names = (list: readonly string[]) => list.map((c) => `'${c}'`).join(', ');
  throw new EinthovenError('E_FORMAT', `${path.basename(file)}: the header has ${names(odd)}: column names are lower case (${names(odd.map((c) => c.toLowerCase()))}), so ${odd.length === 1 ? 'it' : 'they'} would be read as no column; rename ${odd.length === 1 ? 'it' : 'them'}`);
}

async function readRows(file: string, forcedSplit?: Split): Promise<{ rows: Row[]; delimiter: Delimiter }> {
  // One read, through the table's own checks: the header line was read before them, so a pipe named as
  // labels (size 0 to stat) was waited on without end and a device was read whole before any limit.
  const text = await readTableText(file);
  const delimiter = delimiterOf(text.split(/\r?\n/, 1)[0] ?? '', file);
  const table = parseTable(text, file, delimiter);
  refuseOtherCase(Object.keys(table[0] ?? {}), file);
  const rows = table.map((r, i): Row => {
    const where = `${path.basename(file)} row ${i + 2}`;
    const name = (r.file ?? r.filename ?? '').trim();
    const label = (r.label ?? r.labels ?? '').trim();
    if (!name) throw new EinthovenError('E_FORMAT', `${where}: no file name (column 'file' or 'filename')`);
    if (!label) throw new EinthovenError('E_FORMAT', `${where}: no label`);
    const patient = (r.patient_id ?? '').trim();
    const split = forcedSplit ?? parseSplit(r.split, where);
    // Fields separated by ';' or tabs leave a comma in a cell nothing to be but a decimal comma ('0,5').
    const reading = { decimalComma: delimiter !== ',' };
    const age = ageOf(r, where, reading);
    const demographics = demographicsOf(r, where, age);
    const peScores = readPeScores(r, where, age, reading);
    // '-' lists a record with none of the classes: a negative for every one of them.
    const labels = label === noClassLabel ? [] : label.split(/[|;]/).map((l) => l.trim()).filter(Boolean);
    return { where, file: name, labels, ...(patient ? { patientId: patient } : {}), ...(split ? { split } : {}), ...(demographics ? { demographics } : {}), ...(peScores ? { peScores } : {}) };
  });
  return { rows, delimiter };
}

/**
 * How many directories the indexing of hospital folders has listed in this process: what the tests
 * count to show that an index lists each directory once.
 */
export const directoryListings = { count: 0 };

/**
 * A directory's entries, listed once per index: a folder laid out as PTB-XL's holds a thousand
 * records per directory, and listing it again for every row made indexing quadratic (0.85 ms a
 * row on the pool's 447, where finetune --cv indexes its dataset 2K + 2 times). Held for one index
 * only: the names in the directories that hold listed records.
 */
function listingOf(listed: Map<string, string[]>, dir: string): string[] {
  const known = listed.get(dir);
  if (known) return known;
  directoryListings.count++;
  const names = readdirSync(dir);
  listed.set(dir, names);
  return names;
}

/**
 * A WFDB record's files among its folder's names: its header, its same-stem files with one
 * extension ("a.dat", "a.atr") and the files the header names. Not every name starting "a.":
 * "a.b.hea" and "a.b.dat" are another record (a hospital's "12345.v2" beside "12345"), which
 * sorts before "a.hea" and was the one decoded for the row of "a.hea".
 */
function wfdbRecordFiles(dir: string, base: string, names: readonly string[]): string[] {
  const present = new Set(names);
  const sameStem = names.filter((n) => n.startsWith(`${base}.`) && !n.slice(base.length + 1).includes('.')).map((n) => path.join(dir, n));
  // The folder's names from the index's listing, not read again for every row.
  return [...new Set([...sameStem, ...wfdbNamedFiles(path.join(dir, `${base}.hea`), () => present)])];
}

/**
 * The files of one listed record: a WFDB header brings its own files (wfdbRecordFiles); `.xml` falls
 * back to a WFDB copy (PE-HSM). `record`: the file that is the record (its header, else its one
 * file), what two rows of one record share. `listed`: the index's directory listings.
 */
function resolveFiles(root: string, name: string, listed: Map<string, string[]>): { files: string[]; record: string } | undefined {
  const full = path.resolve(root, name);
  if (!full.startsWith(path.resolve(root) + path.sep)) throw new EinthovenError('E_FORBIDDEN', `${name}: a labelled file must lie inside the data folder`);
  const stem = full.replace(/\.(hea|xml)$/i, '');
  if (existsSync(`${stem}.hea`) && (full.endsWith('.hea') || !existsSync(full))) {
    const dir = path.dirname(stem);
    const base = path.basename(stem);
    // The header is read for the files it names: checked before that read, its files after.
    refuseLinkedOut(root, name, `${stem}.hea`);
    const files = wfdbRecordFiles(dir, base, listingOf(listed, dir));
    for (const file of files) refuseLinkedOut(root, name, file);
    return { files, record: `${stem}.hea` };
  }
  if (!existsSync(full)) return undefined;
  refuseLinkedOut(root, name, full);
  return { files: [full], record: full };
}

/**
 * Refuses a labelled file whose real path lies outside the data folder's: a symbolic link in the
 * folder (the file, or a folder above it) leading out of it passed the check on the path's text,
 * and the engine read a file the user never allowed it (the app confines the data folder to an
 * allowed folder by its real path, core/engine/folder-access.ts; a link inside must not lead past
 * that). A link that stays inside the folder is fine. Named with where it leads, never its content.
 */
function refuseLinkedOut(root: string, name: string, file: string): void {
  const realRoot = realpathSync.native(path.resolve(root));
  const real = realpathSync.native(file);
  if (isInside(realRoot, real)) return;
  throw new EinthovenError(
    'E_FORBIDDEN',
    `${name}: a labelled file must lie inside the data folder, and ${file} is reached through a symbolic link leading to ${real}, outside ${realRoot}; nothing was read from it: copy the file into the data folder, or use the folder it lies in as the data folder`,
  );
}

/**
 * One split per patient (per file when there is no patient id): the split the CSV gives for
 * any of the patient's rows (rows of the test CSV are 'test'), else a seeded hash of the id.
 * A patient given two different splits is refused: it would leak between training and test.
 */
function patientSplits(rows: readonly Row[], seed: number, fractions: { val: number; test: number }): (row: Row) => Split {
  const groupOf = (row: Row) => row.patientId ?? `file:${row.file}`;
  const explicit = new Map<string, Split>();
  for (const row of rows) {
    if (!row.split) continue;
    const group = groupOf(row);
    const seen = explicit.get(group);
    if (seen && seen !== row.split) {
      throw new EinthovenError('E_VALIDATION', `${row.patientId ? `patient ${row.patientId}` : row.file} is listed in both the ${seen} and the ${row.split} split; a patient's records must stay in one split`);
    }
    explicit.set(group, row.split);
  }
  return (row) => explicit.get(groupOf(row)) ?? patientSplit(groupOf(row), seed, fractions);
}

/**
 * One row per record, its labels joined with '|': a file in two rows is refused, since either row
 * may be the mistake (0 in one and 1 in the other; the same file in the labels and in the test
 * CSV, which would put it in training and in the locked test).
 */
function refuseRepeatedFiles(rows: readonly Row[]): void {
  const first = new Map<string, Row>();
  for (const row of rows) {
    const key = row.file.replace(/\\/g, '/');
    const earlier = first.get(key);
    if (earlier) throw new EinthovenError('E_VALIDATION', `${row.where}: ${row.file} is already listed in ${earlier.where}; one row per record, several labels joined with '|'`);
    first.set(key, row);
  }
}

/**
 * The file itself, not the path that reached it: its device and inode (as bigints, which a 64-bit
 * inode number fits whole). Two paths through a symbolic link (a linked folder or file), or on a
 * case-insensitive disk two spellings differing only in letter case, are one file with one
 * identity, where their resolved path strings differ. The case-insensitive disk cannot be tested
 * on Linux; identity covers it by construction. A file gone since it was listed keeps its path.
 */
function fileIdentity(file: string): string {
  const s = statSync(file, { bigint: true, throwIfNoEntry: false });
  return s ? `${s.dev}:${s.ino}` : `path:${file}`;
}

/**
 * Refuses a row whose record (its header, else its one file: resolved, so absolute, '..' and '.'
 * gone, a header's stem and its name alike) is the file of an earlier row spelt otherwise. By file
 * identity, not by path: refuseRepeatedFiles compares the names as written and the resolved path
 * strings differ too for 'link/a.hea' through a linked folder, a linked 'b.hea' to a.hea or 'A.hea'
 * on a case-insensitive disk, so each became an item of its own, the record counted twice with two
 * label sets, or in training and in the locked test. `seen`: each record's first row, by identity.
 */
function refuseSameRecord(seen: Map<string, Row>, row: Row, record: string): void {
  const key = fileIdentity(record);
  const earlier = seen.get(key);
  if (earlier) throw new EinthovenError('E_VALIDATION', `${row.where}: ${row.file} is the record ${earlier.file} already listed in ${earlier.where}, by another name; one row per record, several labels joined with '|'`);
  seen.set(key, row);
}

/** True when every label is 0 or 1: a single-output (binary) task. */
function isBinary(rows: readonly Row[]): boolean {
  return rows.every((r) => r.labels.length === 1 && (r.labels[0] === '0' || r.labels[0] === '1'));
}

/** A label that says yes or no without being 0 or 1 as written: '1.0', '0.0', '01', 'yes', 'False', 'n'. */
const yesNoLike = /^(?:\+?0*1(?:\.0*)?|[+-]?(?:0+(?:\.0*)?|\.0+)|yes|no|y|n|true|false)$/i;

/**
 * Refuses a label column of yes/no values not all written 0 or 1 ('1.0' from a spreadsheet's
 * number format, 'yes'): read as class names they made a two-class task whose classes were '0' and
 * '1.0', a record labelled '0' a positive of class '0', so a model was trained or evaluated on a
 * task nobody meant. Not guessed either way (README: unreadable values are refused, never guessed):
 * the first row not written 0 or 1 is named. A file with one ordinary class name anywhere is a
 * multi-class file, untouched.
 */
function refuseYesNoSpelling(rows: readonly Row[]): void {
  if (!rows.every((r) => r.labels.length === 1 && yesNoLike.test(r.labels[0] ?? ''))) return;
  const odd = rows.find((r) => r.labels[0] !== '0' && r.labels[0] !== '1');
  if (odd) throw new EinthovenError('E_FORMAT', `${odd.where}: label '${odd.labels[0] ?? ''}' is a yes/no label not written 0 or 1; a one-output label column takes exactly 0 or 1 (write 1 for '1.0' or 'yes', 0 for '0.0' or 'no')`);
}

/** Classes of a multi-class CSV: every label that occurs (a class with no example is never one). */
function classesOf(rows: readonly Row[]): string[] {
  const classes = [...new Set(rows.flatMap((r) => r.labels))].sort();
  if (classes.length === 0) throw new EinthovenError('E_VALIDATION', `every row is labelled '${noClassLabel}' (none of the classes): there is no class to learn`);
  return classes;
}

/**
 * Indexes a hospital folder: ECG files in any supported format plus a labels CSV. A 0/1
 * label column gives one output; otherwise every distinct label is a class (several per file
 * with `|`; `-` for a record with none of them). Split: the CSV's split column, else a seeded patient-level split (patient_id, or
 * the file when absent), with `testLabels` rows forming a locked test split.
 */
export async function loadHospital(root: string, options: HospitalOptions): Promise<Dataset> {
  const main = await readRows(options.labels);
  const test = options.testLabels ? (await readRows(options.testLabels, 'test')).rows : [];
  const rows = [...main.rows, ...test];
  refuseRepeatedFiles(rows);
  if (rows.length === 0) throw new EinthovenError('E_VALIDATION', `${path.basename(options.labels)} has no rows: one row per record, file and label`);
  refuseYesNoSpelling(rows);
  const binary = isBinary(rows);
  // A 0/1 file separated by ';' is taken for the PE-HSM layout (filename;label), whose class is PE.
  const classes = binary ? [options.positiveClass ?? (main.delimiter === ';' ? 'PE' : 'positive')] : classesOf(rows);
  const fractions = options.fractions ?? { val: 0.15, test: test.length > 0 ? 0 : 0.15 };
  const splitOf = patientSplits(rows, options.seed ?? 1, fractions);
  const merged = new Map<string, DatasetItem>();
  const dropped: { id: string; reason: string }[] = [];
  const listed = new Map<string, string[]>();
  const rowOfRecord = new Map<string, Row>();
  for (const row of rows) {
    const resolved = resolveFiles(root, row.file, listed);
    if (!resolved) {
      dropped.push({ id: row.file, reason: 'file not found' });
      continue;
    }
    const { files, record } = resolved;
    refuseSameRecord(rowOfRecord, row, record);
    const labels = binary ? [Number(row.labels[0])] : classes.map((c) => (row.labels.includes(c) ? 1 : 0));
    merged.set(row.file, {
      id: row.file,
      files,
      labels,
      ...(row.patientId ? { patientId: row.patientId } : {}),
      ...(row.demographics ? { demographics: row.demographics } : {}),
      ...(row.peScores ? { peScores: row.peScores } : {}),
      split: splitOf(row),
    });
  }
  if (merged.size === 0) throw new EinthovenError('E_NOT_FOUND', noneOf(rows.length, 'labelled file', ['was', `found under ${root}`]));
  return { name: `hospital:${path.basename(root)}`, root, classes, items: [...merged.values()], dropped };
}
