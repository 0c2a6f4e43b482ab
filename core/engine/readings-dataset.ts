import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readingsTaskClasses, type ReadingsDataset, type ReadingsTask } from '../contract/clinic-schemas';
import type { Overread } from '../contract/overread-schemas';
import { statementLibrary } from '../clinic/statement-library';
import { patientSplit } from '../data/folds';
import { cpscClasses, cpscClassOfStatement } from '../data/cpsc';
import { noClassLabel } from '../data/hospital';
import { ptbxlSuperclasses } from '../data/ptbxl';
import type { AppState } from '../db/app-state';
import type { OverreadStore } from '../db/overreads';
import type { RecordStore } from '../db/records';
import { EinthovenError } from '../errors';
import { makeDataSubfolder } from '../storage/private-files';
import { exportRecord } from './record-export';

/**
 * A fine-tuning dataset from this workstation's own signed readings: every record whose current
 * reading says something about the task's classes, exported de-identified as WFDB with a hospital
 * labels CSV (README "Hospital labels CSV"). Two tasks, one per shipped model: PTB-XL's diagnostic
 * superclasses of the reading's statements (the starter), or their CPSC 2018 rhythm and conduction
 * classes (the CPSC-class demonstration model): what each model predicts, in the physicians' words here.
 *
 * Honest labels only: a reading that says nothing about the task's classes (for the superclasses,
 * no diagnostic statement; for the CPSC classes, no coded statement at all) is left out, never
 * taken as a negative. Patients are pseudonymised with a key kept in this workstation's database,
 * so the same patient keeps the same pseudonym, and with it the same split, in every export and
 * for either task: a locked test patient stays locked across fine-tunings, and never enters a
 * later training set.
 */

/** Shares of patients for validation and the locked test split (the split follows the patient). */
const splitFractions = { val: 0.15, test: 0.15 } as const;
/** The split's seed is fixed: with the workstation's pseudonyms it makes each patient's split permanent. */
const splitSeed = 20261205;
const pseudonymKeyState = 'datasets.pseudonymKey';

const superclassOf = new Map(statementLibrary.flatMap((s) => (s.superclass ? [[s.code, s.superclass] as const] : [])));

/** The reading's diagnostic superclasses, in the model's class order; empty when it states no diagnosis. */
export function readingSuperclasses(reading: Pick<Overread, 'statements'>): string[] {
  const found = new Set(reading.statements.flatMap((s) => (s.code === null ? [] : (superclassOf.get(s.code) ?? []))));
  return ptbxlSuperclasses.filter((c) => found.has(c));
}

/**
 * The reading's CPSC 2018 classes, in CPSC order; empty when its coded statements name none (a
 * negative for every class: the reader stated the ECG and named no AF, block, ectopy or ST
 * deviation); null when it has no coded statement at all (free text only: it says nothing).
 */
export function readingCpscClasses(reading: Pick<Overread, 'statements'>): string[] | null {
  const codes = reading.statements.flatMap((s) => (s.code === null ? [] : [s.code]));
  if (codes.length === 0) return null;
  const found = new Set(codes.flatMap((code) => cpscClassOfStatement[code] ?? []));
  return cpscClasses.filter((c) => found.has(c));
}

interface TaskLabels {
  readonly classes: readonly string[];
  /** A reading's labels for the task; null when it says nothing about the task's classes (left out). */
  readonly labels: (reading: Pick<Overread, 'statements'>) => string[] | null;
  /** What a labelled reading states, and what the left-out ones hold instead. */
  readonly needs: string;
  readonly leftOutHold: string;
  readonly note: string;
}

const tasks: Record<ReadingsTask, TaskLabels> = {
  'ptbxl-superclass': {
    classes: readingsTaskClasses['ptbxl-superclass'],
    labels: (r) => nonEmpty(readingSuperclasses(r)),
    needs: 'a diagnostic statement',
    leftOutHold: 'state only a rhythm, descriptive statements or free text',
    note: "Labels are PTB-XL's diagnostic superclasses of each record's current signed reading on this workstation; readings without a diagnostic statement are left out. ",
  },
  'cpsc-classes': {
    classes: readingsTaskClasses['cpsc-classes'],
    labels: readingCpscClasses,
    needs: 'a coded statement',
    leftOutHold: 'hold free text only',
    note:
      "Labels are the CPSC 2018 classes of each record's current signed reading on this workstation, from its PTB-XL statements as the CPSC-class demonstration model was trained (NORM → SNR, AFIB → AF, 1AVB → IAVB, CLBBB → LBBB, CRBBB → RBBB, PAC, PVC, STD_ → STD, STE_ → STE). " +
      "A reading with coded statements naming none of them is labelled '-', a negative for every class; readings with free text only are left out. ",
  },
};

function nonEmpty(labels: string[]): string[] | null {
  return labels.length > 0 ? labels : null;
}

interface Sources {
  readonly records: RecordStore;
  readonly overreads: OverreadStore;
  readonly state: AppState;
  /** The bundled demonstration records (demonstration-records.ts): never in a dataset, whatever is signed on them. */
  readonly demonstration: ReadonlySet<number>;
}

/**
 * Records exported between two returns to the event loop: a workstation's thousands of signed
 * readings take seconds to export (about 3 ms each here), and the engine answering the viewer
 * must not stall for all of them.
 */
const recordsPerTurn = 25;

/** What an export will write, settled before any writing: the records and their labels, and what was left out. */
export interface ReadingsPlan {
  readonly task: ReadingsTask;
  readonly folder: string;
  readonly labelled: readonly { readonly id: number; readonly labels: string[] }[];
  readonly unlabelled: number;
  readonly demonstration: number;
  readonly withPrediction: number;
}

/** Progress of a running export, and the cancel it obeys at each return to the event loop. */
export interface WriteControl {
  readonly signal?: AbortSignal | undefined;
  progress?(done: number, total: number, message: string): void;
}

/**
 * Checks what can be checked without writing (a diagnosed reading to export, `folder` new or
 * empty), so a refusal comes at once; creates the folder, which `writeReadingsDataset` then fills
 * or removes.
 */
export function planReadingsDataset(sources: Sources, task: ReadingsTask, folder: string): ReadingsPlan {
  const { labelled, unlabelled, demonstration, withPrediction } = labelledReadings(sources, tasks[task]);
  if (labelled.length === 0) {
    const { needs, leftOutHold } = tasks[task];
    throw new EinthovenError('E_VALIDATION', `no signed reading states ${needs}${unlabelled > 0 ? ` (${unlabelled} ${leftOutHold})` : ''}: there is nothing to train on`);
  }
  requireEmptyFolder(folder);
  return { task, folder, labelled, unlabelled, demonstration, withPrediction };
}

/**
 * Writes the planned dataset into its folder and says what went in and what was left out. A
 * failure or a cancel (seen at the next return to the event loop) removes the folder.
 */
export async function writeReadingsDataset(sources: Sources, plan: ReadingsPlan, control: WriteControl = {}): Promise<ReadingsDataset> {
  try {
    return await writeInto(sources, plan, control);
  } catch (error) {
    // Half a dataset must not pass for one: the folder was new or empty, and goes.
    await rm(plan.folder, { recursive: true, force: true });
    throw error;
  }
}

function stopIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new EinthovenError('E_CANCELLED', 'the dataset from the signed readings was cancelled; its half-written folder was removed');
}

async function writeInto(sources: Sources, { task, folder, labelled, unlabelled, demonstration, withPrediction }: ReadingsPlan, { signal, progress }: WriteControl): Promise<ReadingsDataset> {
  const pseudonym = pseudonymiser(sources.state);
  const rows: string[] = ['file,label,patient_id,split,sex,age'];
  const classes: Record<string, number> = Object.fromEntries(tasks[task].classes.map((c) => [c, 0]));
  const splits = { train: 0, val: 0, test: 0 };
  let negativeForEveryClass = 0;
  const total = labelled.length;
  for (const [index, { id, labels }] of labelled.entries()) {
    if (index % recordsPerTurn === 0) {
      if (index > 0) await new Promise((resolve) => setImmediate(resolve));
      stopIfCancelled(signal);
      progress?.(index, total, `${index} of ${total} records written`);
    }
    const record = sources.records.get(id);
    if (!record) continue;
    const [header] = exportRecord(record, { format: 'wfdb', deidentify: true, dir: path.join(folder, 'ecgs') }).files;
    // A record without a patient id is its own patient: nothing links it to another.
    const patient = pseudonym(record.patient.id !== undefined ? `patient:${record.patient.id}` : `record:${record.contentHash}`);
    const split = patientSplit(patient, splitSeed, splitFractions);
    const age = record.patient.ageYears === undefined ? '' : String(Math.min(90, Math.floor(record.patient.ageYears)));
    const sex = record.patient.sex === 'M' || record.patient.sex === 'F' ? record.patient.sex : '';
    rows.push([path.relative(folder, header as string).split(path.sep).join('/'), labels.length > 0 ? labels.join('|') : noClassLabel, patient, split, sex, age].join(','));
    labels.forEach((c) => (classes[c] = (classes[c] ?? 0) + 1));
    if (labels.length === 0) negativeForEveryClass++;
    splits[split]++;
  }
  const labelsFile = path.join(folder, 'labels.csv');
  await writeFile(labelsFile, `${rows.join('\n')}\n`);
  const report: ReadingsDataset = { folder, labels: labelsFile, task, records: rows.length - 1, classes, negativeForEveryClass, splits, skipped: { unlabelled, demonstration }, withPredictionOnScreen: withPrediction };
  await writeFile(path.join(folder, 'provenance.json'), `${JSON.stringify({ ...report, folder: undefined, labels: 'labels.csv', createdAt: new Date().toISOString(), note: tasks[task].note + provenanceNote }, null, 2)}\n`);
  // Writing the files returned to the event loop: a cancel that came meanwhile still leaves no dataset behind.
  stopIfCancelled(signal);
  progress?.(total, total, `${total} of ${total} records written`);
  return report;
}

/** The confirmed records whose current reading says something about the task's classes, with its labels; the others counted. */
function labelledReadings(sources: Sources, task: TaskLabels): Omit<ReadingsPlan, 'task' | 'folder'> {
  const labelled: { id: number; labels: string[] }[] = [];
  let unlabelled = 0;
  let demonstration = 0;
  let withPrediction = 0;
  for (const id of sources.records.ids({ review: 'confirmed', sort: 'imported', order: 'asc' })) {
    const reading = sources.overreads.current(id);
    if (!reading) continue;
    // A public sample signed while trying the app is not one of the site's patients, nor a site label.
    if (sources.demonstration.has(id)) {
      demonstration++;
      continue;
    }
    const labels = task.labels(reading);
    if (labels === null) {
      unlabelled++;
      continue;
    }
    labelled.push({ id, labels });
    if (reading.predictionId !== null) withPrediction++;
  }
  return { labelled, unlabelled, demonstration, withPrediction };
}

/** What every export's provenance says, after its task's labelling. */
const provenanceNote =
  'ECGs are de-identified (no name, patient id, birth date or recording time; age capped at 90). patient_id is a pseudonym keyed by this workstation, stable across exports, and the split follows it. ' +
  'withPredictionOnScreen counts readings signed while a model prediction was shown: those labels may lean towards the model.';

function requireEmptyFolder(folder: string): void {
  if (existsSync(folder) && readdirSync(folder).length > 0) throw new EinthovenError('E_CONFLICT', `${folder} is not empty: a dataset is written into a new folder, never over another`);
  // The data folder's exports/, where missing, as private as the data folder (core/storage/private-files.ts).
  makeDataSubfolder(path.dirname(folder));
  mkdirSync(folder, { recursive: true });
}

/** HMAC of a patient key under this workstation's key (created at the first export, kept in its database). */
function pseudonymiser(state: AppState): (key: string) => string {
  let secret = state.get(pseudonymKeyState);
  if (!secret) {
    secret = randomBytes(32).toString('hex');
    state.set(pseudonymKeyState, secret);
  }
  const key = secret;
  return (patientKey) => `P${createHmac('sha256', key).update(patientKey).digest('hex').slice(0, 16)}`;
}
