import { existsSync } from 'node:fs';
import path from 'node:path';
import { EinthovenError } from '../errors';
import { readTable, requireField } from './csv';
import { foldSplit, stratifiedFolds } from './folds';
import type { Dataset, DatasetItem } from './types';

/** CPSC 2018 classes in REFERENCE.csv code order 1..9 (the paper's output order). */
export const cpscClasses = ['SNR', 'AF', 'IAVB', 'LBBB', 'RBBB', 'PAC', 'PVC', 'STD', 'STE'] as const;
export type CpscClass = (typeof cpscClasses)[number];

/**
 * PTB-XL SCP statement → CPSC 2018 class, as the CPSC-class demonstration model was trained
 * (scripts/train/cpsc-demo.ts, docs/results.md) and as a site's signed readings are labelled for
 * fine-tuning it: CPSC's "Normal" is PTB-XL's normal ECG, not sinus rhythm alone.
 */
export const cpscClassOfStatement: Readonly<Record<string, CpscClass>> = { NORM: 'SNR', AFIB: 'AF', '1AVB': 'IAVB', CLBBB: 'LBBB', CRBBB: 'RBBB', PAC: 'PAC', PVC: 'PVC', STD_: 'STD', STE_: 'STE' };

export interface CpscOptions {
  readonly folds?: number;
  readonly seed?: number;
}

/** The files of a CPSC record: the CinC WFDB repackaging (.hea + .mat) when present, else the original .mat. */
function recordFiles(root: string, name: string): string[] {
  const header = path.join(root, `${name}.hea`);
  if (existsSync(header)) return [header, path.join(root, `${name}.mat`)];
  return [path.join(root, `${name}.mat`)];
}

/**
 * Indexes a CPSC 2018 folder (REFERENCE.csv + records) into 10 deterministic stratified folds:
 * 1–8 train, 9 validation, 10 test. The folds depend only on the labels and the seed.
 */
export async function loadCpsc(root: string, options: CpscOptions = {}): Promise<Dataset> {
  const k = options.folds ?? 10;
  if (!Number.isInteger(k) || k < 3 || k > 100) throw new EinthovenError('E_VALIDATION', `folds must be 3..100, got ${k}`);
  const rows = await readTable(path.join(root, 'REFERENCE.csv'));
  const records = rows.map((row, i) => {
    const where = `REFERENCE.csv row ${i + 2}`;
    const id = requireField(row, 'Recording', where);
    const labels = new Array<number>(cpscClasses.length).fill(0);
    for (const column of ['First_label', 'Second_label', 'Third_label']) {
      const value = (row[column] ?? '').trim();
      if (value === '') continue;
      const code = Number(value);
      if (!Number.isInteger(code) || code < 1 || code > 9) throw new EinthovenError('E_FORMAT', `${where}: label ${value} is not 1..9`);
      labels[code - 1] = 1;
    }
    return { id, labels };
  });
  const folds = stratifiedFolds(
    records.map((r) => r.id),
    records.map((r) => r.labels.join('')),
    k,
    options.seed ?? 2018,
  );
  const items: DatasetItem[] = records.map((r) => ({
    id: r.id,
    files: recordFiles(root, r.id),
    labels: r.labels,
    split: foldSplit(folds.get(r.id) as number, k),
    fold: folds.get(r.id) as number,
  }));
  return { name: 'cpsc2018', root, classes: [...cpscClasses], items, dropped: [] };
}
