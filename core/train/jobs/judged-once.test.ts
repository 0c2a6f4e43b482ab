import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundledModelsDir } from '../../cli/commands/model-path';
import { loadDataset } from '../../data/load';
import { loadPtbxl } from '../../data/ptbxl';
import type { Dataset, DatasetItem } from '../../data/types';
import { cropWfdbRecord } from '../../test/cropped-records';
import { fixturePath } from '../../test/shared-data';
import { crossValidationPlan } from '../cv';
import { inScopeItems, outOfScopeSummary, partitionByScope } from '../evaluation-scope';
import { scopeJudgements } from '../judged-records';
import { loadPackage } from '../package/archive';
import { intendedInputOf, type ModelManifest } from '../package/manifest';
import { cvJob } from './cv-job';
import { finetuneCvJob } from './finetune-cv-job';
import { finetuneJob } from './finetune-job';
import { validationOutOfScope, validationRule } from './validation-scope';

const ptbxl = fixturePath('train', 'ptbxl');
const starter = path.join(bundledModelsDir(), 'starter');
const tiny = { epochs: 1, batchSize: 4, minExamples: { train: 1, val: 1 } };

/**
 * A copy of the fixture's PTB-XL records as a hospital labels CSV for NORM with the database's
 * ages, `minor`'s row given age 17 and `cut`'s records cut to their first 5 s: records outside
 * the intended input for two reasons, one of them (duration) judged against a minimum that
 * differs between a job's checks (one model window before training, the validation records'
 * shortest after).
 */
async function dataset(dir: string, pick: (ds: Dataset, file: (i: DatasetItem) => string) => Promise<{ minor: (i: DatasetItem) => boolean; cut: (i: DatasetItem) => boolean }>) {
  const root = path.join(dir, 'ptbxl');
  cpSync(ptbxl, root, { recursive: true });
  const ds = await loadPtbxl(root, { fs: 100 });
  const norm = ds.classes.indexOf('NORM');
  const file = (i: DatasetItem) => path.relative(root, i.files[0] as string);
  const labels = path.join(dir, 'norm.csv');
  const write = (age: (i: DatasetItem) => string) => writeFileSync(labels, `file,label,patient_id,split,age\n${ds.items.map((i) => `${file(i)},${i.labels[norm]},${i.patientId ?? ''},${i.split},${age(i)}`).join('\n')}\n`);
  write((i) => String(i.demographics?.ageYears ?? ''));
  const { minor, cut } = await pick(await loadDataset({ kind: 'csv', root, labels }), file);
  write((i) => (minor(i) ? '17' : String(i.demographics?.ageYears ?? '')));
  for (const item of ds.items.filter(cut)) await cropWfdbRecord(item.files, 5);
  return { kind: 'csv' as const, root, labels };
}

/** Two locked test rows cut to 5 s (shorter than the validation records, whose shortest the package states) and one a minor. */
const testRowsOut = async (ds: Dataset, file: (i: DatasetItem) => string) => {
  const test = ds.items.filter((i) => i.split === 'test').map((i) => i.id);
  return { minor: (i: DatasetItem) => file(i) === test[0], cut: (i: DatasetItem) => file(i) === test[1] || file(i) === test[2] };
};

/** Cross-validation (3 folds, seed 2018): two rows of fold 1 cut to 5 s (its model states fold 2's 10 s), one row of fold 2 a minor. */
const foldRowsOut = async (ds: Dataset, file: (i: DatasetItem) => string) => {
  const { folds } = crossValidationPlan(ds, 3);
  const of = (fold: number) => ds.items.filter((i) => folds.get(i.id) === fold).map((i) => i.id);
  const [one, two] = [of(1), of(2)];
  return { minor: (i: DatasetItem) => file(i) === two[0], cut: (i: DatasetItem) => file(i) === one[0] || file(i) === one[1] };
};

/** The job's result and how many records it judged against an intended input. */
async function counted<T>(job: () => Promise<T>): Promise<{ result: T; judged: number }> {
  const before = scopeJudgements.count;
  const result = await job();
  return { result, judged: scopeJudgements.count - before };
}

/** What a package's closing evaluation left out of `rows`, judged afresh against the intended input it states. */
async function heldOutAfresh(manifest: ModelManifest, rows: readonly DatasetItem[]) {
  return outOfScopeSummary((await inScopeItems(manifest.name, [intendedInputOf(manifest)], rows)).outOfScope);
}

describe('a job judges each of its records against the intended input once', () => {
  it('finetune: the locked test rows checked before training are not judged again by the closing evaluation, which leaves out what it did', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-judged-finetune-'));
    const spec = await dataset(dir, testRowsOut);
    const ds = await loadDataset(spec);
    const { result: r, judged } = await counted(() => finetuneJob({ base: starter, dataset: spec, mode: 'head', out: path.join(dir, 'norm'), train: tiny, featureCrops: 1, backend: 'cpu', workers: 1 }));
    const val = ds.items.filter((i) => i.split === 'val');
    const test = ds.items.filter((i) => i.split === 'test');
    // Each validation row once (before training), each test row once (before training; the closing evaluation reused those verdicts).
    expect(judged).toBe(val.length + test.length);
    const { test: closing, validation } = r.manifest.provenance;
    expect(closing?.outOfScope).toEqual({ count: 3, byReason: { duration: 2, age: 1 }, note: `the figures cover only the records within norm's intended input; 3 of ${test.length} left out, as the model gives no prediction on them (2 too short, 1 with the patient's age outside the model's range)` });
    expect(closing?.outOfScope).toEqual(await heldOutAfresh(r.manifest, test));
    expect(closing?.n).toBe(test.length - 3);
    const base = (await loadPackage(starter)).manifest;
    expect(validation.outOfScope).toEqual(validationOutOfScope(await partitionByScope([validationRule(intendedInputOf(base), base.preprocessing)], val), 'norm'));
  });

  it('finetune --cv: every record once, for the check before the folds, its folds\' validation and held-out checks and the fold scoring', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-judged-ftcv-'));
    const spec = await dataset(dir, foldRowsOut);
    const ds = await loadDataset(spec);
    const { folds } = crossValidationPlan(ds, 3);
    const { result: r, judged } = await counted(() => finetuneCvJob({ base: starter, dataset: spec, mode: 'head', folds: 3, workDir: path.join(dir, 'cv'), train: tiny, featureCrops: 1, backend: 'cpu', workers: 1 }));
    expect(r.folds.map((f) => f.fold)).toEqual([1, 2, 3]);
    expect(judged).toBe(folds.size);
    for (const fold of r.folds) {
      const pkg = await loadPackage(fold.out);
      pkg.model.dispose();
      const heldOut = ds.items.filter((i) => folds.get(i.id) === fold.fold);
      expect(fold.outOfScope).toEqual(await heldOutAfresh(pkg.manifest, heldOut));
      expect(pkg.manifest.provenance.cvFold?.heldOut?.outOfScope).toEqual(fold.outOfScope);
    }
    // Fold 1's cut rows are too short for the 10 s its model states (5 s is more than the window its validation rows are held to: fold 3 chose on them);
    // one of them is PTB-XL's own 17-year-old (two reasons). Fold 2's minor and that one are left out of their fold's scoring and of the validation of the fold before.
    expect(r.folds.map((f) => f.outOfScope.byReason)).toEqual([{ duration: 2, age: 1 }, { age: 1 }, {}]);
    expect(r.folds.map((f) => f.validationOutOfScope?.count)).toEqual([1, 0, 1]);
  });

  it("train --cv: every record once, for the check before any fold trains and its fold's scoring", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-judged-cv-'));
    const spec = await dataset(dir, foldRowsOut);
    const ds = await loadDataset(spec);
    const { folds } = crossValidationPlan(ds, 3);
    const { result: r, judged } = await counted(() => cvJob({ dataset: spec, architecture: 'xresnet1d50', out: path.join(dir, 'cv'), folds: 3, train: tiny, backend: 'wasm', workers: 1 }));
    expect(r.folds.map((f) => f.fold)).toEqual([1, 2, 3]);
    expect(judged).toBe(folds.size);
    for (const fold of r.folds) {
      const pkg = await loadPackage(fold.out);
      pkg.model.dispose();
      expect(fold.outOfScope).toEqual(await heldOutAfresh(pkg.manifest, ds.items.filter((i) => folds.get(i.id) === fold.fold)));
    }
    expect(r.folds.map((f) => f.outOfScope.byReason)).toEqual([{ duration: 2, age: 1 }, { age: 1 }, {}]);
    expect(r.folds[0]?.outOfScope.note).toMatch(/; 2 of \d+ left out, as the model gives no prediction on them \(2 too short, 1 with the patient's age outside the model's range\)$/);
  }, 120_000);
});
