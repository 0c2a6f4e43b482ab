import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { DatasetInspection, MemoryCheckSummary } from '../contract/clinic-schemas';
import { loadDataset, type DatasetSpec } from '../data/load';
import { classCounts, itemsOf, leftOutSummary, type Dataset, type DatasetItem } from '../data/types';
import { EinthovenError } from '../errors';
import { defaultMinExamples, learnabilityProblems, minimumOverride, type MinExamples } from '../train/learnability';
import type { MemoryCheck } from '../train/memory-estimate';

/** Fewer validation records than this make thresholds and early stopping little better than chance. */
const fewValidationRecords = 10;

/** A typed path must name an existing folder or file on the engine's machine; says which and why not. */
function checkPath(what: string, value: string | undefined, kind: 'folder' | 'file'): void {
  if (value === undefined) return;
  if (!path.isAbsolute(value)) throw new EinthovenError('E_VALIDATION', `${what} '${value}' must be an absolute path on the computer running the engine`);
  if (!existsSync(value)) throw new EinthovenError('E_NOT_FOUND', `${what} ${value} does not exist`);
  const isFolder = statSync(value).isDirectory();
  if (kind === 'folder' && !isFolder) throw new EinthovenError('E_VALIDATION', `${what} ${value} is a file, not a folder`);
  if (kind === 'file' && isFolder) throw new EinthovenError('E_VALIDATION', `${what} ${value} is a folder, not a file`);
}

function problemsOf(dataset: Dataset, split: Record<'train' | 'val' | 'test', DatasetItem[]>, minimum: MinExamples): Pick<DatasetInspection, 'warnings' | 'blockers'> {
  const blockers: string[] = [];
  const warnings: string[] = [];
  const counts = { train: split.train.length, val: split.val.length, test: split.test.length };
  if (counts.train === 0) blockers.push('no training records: every labelled file is in the validation or test split, or none was found');
  if (counts.val === 0) blockers.push('no validation records: model selection, thresholds and calibration need a validation split (add a split column, or more patients)');
  else if (counts.val < fewValidationRecords) warnings.push(`only ${counts.val} validation records: the chosen epoch, thresholds and metrics will be unreliable`);
  // The very check a training job makes before its first epoch (core/train/learnability.ts), so Start is refused for the same reason.
  if (counts.train > 0 && counts.val > 0) blockers.push(...learnabilityProblems(dataset.classes, { train: split.train.map((i) => i.labels), val: split.val.map((i) => i.labels) }, minimum));
  if (counts.test === 0) blockers.push('no locked test records: a fine-tuning ends with its test evaluation (add test rows to the split column, or a test labels CSV)');
  dataset.classes.forEach((c, j) => {
    const positives = split.test.filter((i) => i.labels[j] === 1).length;
    if (counts.test > 0 && (positives === 0 || positives === counts.test)) warnings.push(`class ${c} has ${positives === 0 ? 'no positive' : 'no negative'} test record: its test AUC cannot be computed`);
  });
  const override = minimumOverride(minimum);
  if (override) warnings.push(override);
  return { warnings, blockers };
}

/**
 * The health check the fine-tuning form runs before it lets a job start (product.md §4): the
 * paths exist, the labels parse, and the split sizes and per-class counts are usable. Only the
 * dataset's index is read; no ECG is decoded. The test split is counted but stays locked.
 */
/** The contract's form of a memory check: the estimate's bytes, not its per-layer figures. */
export function memorySummary(check: MemoryCheck): MemoryCheckSummary {
  const { mode, batchSize, workers, bytes } = check.estimate;
  return { mode, batchSize, workers, bytes, machine: check.machine, backend: check.backend, verdict: check.verdict, line: check.line, advice: check.advice };
}

/**
 * The dataset check, and with `memory` (the training about to start, given the dataset's class
 * count and training records) its memory estimate: one that does not fit is a blocker, a tight one a warning, so the
 * form's Start stays disabled for the same reason a job would refuse.
 */
export async function inspectDataset(spec: DatasetSpec, minimum: MinExamples = defaultMinExamples, memory?: (classes: number, trainRecords: number) => Promise<MemoryCheck>): Promise<DatasetInspection> {
  checkPath('Data folder', spec.root, 'folder');
  checkPath('Labels CSV', spec.labels, 'file');
  checkPath('Test labels CSV', spec.testLabels, 'file');
  checkPath('Mapping CSV', spec.mapping, 'file');
  const dataset = await loadDataset(spec);
  const split = { train: itemsOf(dataset, 'train'), val: itemsOf(dataset, 'val'), test: itemsOf(dataset, 'test') };
  const records = { train: split.train.length, val: split.val.length, test: split.test.length };
  const n = dataset.classes.length;
  const positives = { train: classCounts(split.train, n), val: classCounts(split.val, n), test: classCounts(split.test, n) };
  const problems = problemsOf(dataset, split, minimum);
  const check = memory ? await memory(n, records.train) : undefined;
  if (check?.verdict === 'does-not-fit') problems.blockers.push(`not enough memory: ${check.advice ?? check.line}`);
  if (check?.verdict === 'tight') problems.warnings.push(`memory is tight: ${check.advice ?? check.line}`);
  return {
    name: dataset.name,
    classes: [...dataset.classes],
    records,
    positives,
    dropped: leftOutSummary(dataset.dropped),
    ...problems,
    ...(check ? { memory: memorySummary(check) } : {}),
  };
}
