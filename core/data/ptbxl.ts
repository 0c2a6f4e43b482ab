import path from 'node:path';
import { EinthovenError } from '../errors';
import { readTable, requireField } from './csv';
import { parseScpCodes } from './scp-codes';
import type { Dataset, DatasetItem, Demographics, Split } from './types';

/** The five diagnostic superclasses, in the engine's output order. */
export const ptbxlSuperclasses = ['NORM', 'MI', 'STTC', 'CD', 'HYP'] as const;

export const ptbxlTasks = ['superclass', 'subclass', 'all'] as const;
export type PtbxlTask = (typeof ptbxlTasks)[number];

export interface PtbxlOptions {
  readonly task?: PtbxlTask;
  readonly fs?: 100 | 500;
  /** Keep records with no label of the task (all-zero target), as the paper's code does. */
  readonly keepUnlabeled?: boolean;
  /** Minimum likelihood for a statement to count; 0 (the default) counts every listed code, as Strodthoff. */
  readonly minLikelihood?: number;
}

interface Statement {
  readonly diagnostic: boolean;
  readonly superclass: string;
  readonly subclass: string;
}

async function readStatements(root: string): Promise<Map<string, Statement>> {
  const rows = await readTable(path.join(root, 'scp_statements.csv'));
  const out = new Map<string, Statement>();
  for (const row of rows) {
    const code = (row[''] ?? Object.values(row)[0] ?? '').trim();
    if (!code) continue;
    out.set(code, {
      diagnostic: Number(row.diagnostic) === 1,
      superclass: (row.diagnostic_class ?? '').trim(),
      subclass: (row.diagnostic_subclass ?? '').trim(),
    });
  }
  return out;
}

/**
 * PTB-XL's `sex` (0 male, 1 female) and `age` columns. Ages above 89 are stored as 300 for
 * privacy; they are kept as 90 ("90 or older"). Absent or unreadable values are left out.
 */
function demographicsOf(row: Record<string, string>): Demographics | undefined {
  const sex = row.sex?.trim() === '0' ? 'M' : row.sex?.trim() === '1' ? 'F' : undefined;
  const age = Number(row.age);
  const ageYears = row.age?.trim() && Number.isFinite(age) && age >= 0 ? Math.min(age, 90) : undefined;
  if (sex === undefined && ageYears === undefined) return undefined;
  return { ...(sex ? { sex } : {}), ...(ageYears === undefined ? {} : { ageYears }) };
}

/** strat_fold 1–8 train, 9 validation, 10 test (the recommended PTB-XL split). */
export function ptbxlSplit(fold: number): Split {
  if (fold === 10) return 'test';
  if (fold === 9) return 'val';
  return 'train';
}

/** The task's label names of one record. */
function labelsOf(codes: Map<string, number>, statements: Map<string, Statement>, task: PtbxlTask, minLikelihood: number): Set<string> {
  const out = new Set<string>();
  for (const [code, likelihood] of codes) {
    if (likelihood < minLikelihood) continue;
    const s = statements.get(code);
    if (task === 'all') {
      if (s) out.add(code);
    } else if (s?.diagnostic) {
      const name = task === 'superclass' ? s.superclass : s.subclass;
      if (name) out.add(name);
    }
  }
  return out;
}

/**
 * Indexes a PTB-XL folder in its original layout (ptbxl_database.csv, scp_statements.csv,
 * records100/records500). Records without a label of the task are dropped unless
 * `keepUnlabeled` (the paper's behaviour).
 */
export async function loadPtbxl(root: string, options: PtbxlOptions = {}): Promise<Dataset> {
  const task = options.task ?? 'superclass';
  const fs = options.fs ?? 500;
  if (fs !== 100 && fs !== 500) throw new EinthovenError('E_VALIDATION', `PTB-XL comes at 100 or 500 Hz, not ${String(fs)}`);
  const statements = await readStatements(root);
  const rows = await readTable(path.join(root, 'ptbxl_database.csv'));
  const records = rows.map((row, i) => {
    const where = `ptbxl_database.csv row ${i + 2}`;
    const fold = Number(requireField(row, 'strat_fold', where));
    if (!Number.isInteger(fold) || fold < 1 || fold > 10) throw new EinthovenError('E_FORMAT', `${where}: strat_fold ${fold} is not 1..10`);
    const labels = labelsOf(parseScpCodes(requireField(row, 'scp_codes', where)), statements, task, options.minLikelihood ?? 0);
    const base = requireField(row, fs === 100 ? 'filename_lr' : 'filename_hr', where);
    return { id: requireField(row, 'ecg_id', where), patientId: row.patient_id?.trim(), demographics: demographicsOf(row), fold, labels, base };
  });
  const classes = task === 'superclass' ? [...ptbxlSuperclasses] : [...new Set(records.flatMap((r) => [...r.labels]))].sort();
  const items: DatasetItem[] = [];
  const dropped: { id: string; reason: string }[] = [];
  for (const r of records) {
    if (r.labels.size === 0 && !options.keepUnlabeled) {
      dropped.push({ id: r.id, reason: `no ${task} label` });
      continue;
    }
    items.push({
      id: r.id,
      files: [`${r.base}.hea`, `${r.base}.dat`].map((f) => path.join(root, f)),
      labels: classes.map((c) => (r.labels.has(c) ? 1 : 0)),
      ...(r.patientId ? { patientId: r.patientId } : {}),
      ...(r.demographics ? { demographics: r.demographics } : {}),
      split: ptbxlSplit(r.fold),
      fold: r.fold,
    });
  }
  return { name: `ptbxl-${task}-${fs}hz`, root, classes, items, dropped };
}
