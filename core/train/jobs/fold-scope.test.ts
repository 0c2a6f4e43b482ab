import { cpSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundledModelsDir } from '../../cli/commands/model-path';
import { loadDataset } from '../../data/load';
import { loadPtbxl } from '../../data/ptbxl';
import { SignalStore } from '../../data/store';
import { cropWfdbRecord } from '../../test/cropped-records';
import { fixturePath } from '../../test/shared-data';
import { trainConfigSchema } from '../config';
import { crossValidationPlan } from '../cv';
import { partitionByScope } from '../evaluation-scope';
import type { TrainProgress } from '../progress';
import { defaultIntendedInput } from '../scope';
import { usable } from '../setup';
import { cvJob } from './cv-job';
import { finetuneCvJob } from './finetune-cv-job';
import { foldScopes, heldOutInScope } from './fold-scope';
import { statedIntendedInput } from './package-trained';
import { jobPipeline } from './train-job';

const ptbxl = fixturePath('train', 'ptbxl');
const starter = path.join(bundledModelsDir(), 'starter');
const tiny = { epochs: 1, batchSize: 4, minExamples: { train: 1, val: 1 } };

/**
 * The fixture's PTB-XL records as a hospital labels CSV for NORM, every row of cross-validation
 * fold 3 of 3 (seed 2018, as both jobs deal them) given age 17: outside the intended input
 * (adults) of every model here. The other rows state no age (PTB-XL's files state none), so
 * folds 1 and 2 hold records the models are for. An age does not change how the folds are dealt.
 */
async function labelsWithFold3Minors(dir: string): Promise<{ labels: string; fold3: number }> {
  const ds = await loadPtbxl(ptbxl, { fs: 100 });
  const norm = ds.classes.indexOf('NORM');
  const row = (i: (typeof ds.items)[number], age: string) => `${path.relative(ptbxl, i.files[0] as string)},${i.labels[norm]},${i.patientId ?? ''},${i.split},${age}`;
  const labels = path.join(dir, 'norm.csv');
  writeFileSync(labels, `file,label,patient_id,split,age\n${ds.items.map((i) => row(i, '')).join('\n')}\n`);
  const { folds } = crossValidationPlan(await loadDataset({ kind: 'csv', root: ptbxl, labels }), 3);
  const minor = (i: (typeof ds.items)[number]) => folds.get(path.relative(ptbxl, i.files[0] as string)) === 3;
  writeFileSync(labels, `file,label,patient_id,split,age\n${ds.items.map((i) => row(i, minor(i) ? '17' : '')).join('\n')}\n`);
  return { labels, fold3: ds.items.filter(minor).length };
}

/** Progress that records every phase, to show nothing trained. */
function phases(): { seen: string[]; onProgress: (e: TrainProgress) => void } {
  const seen: string[] = [];
  return { seen, onProgress: (e) => (e.kind === 'phase' ? void seen.push(e.phase) : undefined) };
}

const refusal = (n: number) =>
  new RegExp(`^cross-validation fold 3 of 3: none of its ${n} held-out records is within the model's intended input \\(${n} with the patient's age outside the model's range; e\\.g\\. records100/.*: patient aged 17 years; the model is for 18 years and older\\), so it would be scored on none and fold 2, which validates on them, chosen on none: refused before any fold trains`);

describe("a cross-validation fold whose held-out rows are all outside the intended input (it stopped only after the folds before it trained)", () => {
  it('train --cv refuses it before any fold trains, naming the fold', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-fold-scope-'));
    const { labels, fold3 } = await labelsWithFold3Minors(dir);
    const progress = phases();
    const out = path.join(dir, 'cv');
    const job = cvJob({ dataset: { kind: 'csv', root: ptbxl, labels }, architecture: 'xresnet1d50', out, folds: 3, train: tiny, backend: 'wasm', workers: 1 }, progress);
    await expect(job).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringMatching(refusal(fold3)) });
    expect(progress.seen).not.toContain('training');
    expect(existsSync(path.join(out, 'fold-01'))).toBe(false);
  });

  it('finetune --cv refuses it before any fold is fine-tuned, naming the fold', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-fold-scope-ft-'));
    const { labels, fold3 } = await labelsWithFold3Minors(dir);
    const progress = phases();
    const workDir = path.join(dir, 'cv');
    const job = finetuneCvJob({ base: starter, dataset: { kind: 'csv', root: ptbxl, labels }, mode: 'head', folds: 3, workDir, train: tiny, featureCrops: 1, backend: 'cpu', workers: 1 }, progress);
    await expect(job).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringMatching(refusal(fold3)) });
    expect(progress.seen).not.toContain('training');
    expect(existsSync(path.join(workDir, 'fold-01'))).toBe(false);
  });
});

/**
 * A copy of the fixture's PTB-XL records as a hospital labels CSV for NORM (no ages), with every
 * record of cross-validation fold 3 of 3 (seed 2018) cut to its first 5 s: more than the 2.5 s
 * window of the models here, less than fold 1's 10 s records, on which fold 3 validates. Its
 * model will state the shortest of them, 10 s, as its minimum duration, and its closing
 * evaluation scores none of the 5 s held-out rows. Fold 2 validates on them (5 s) and is tested
 * on fold 2's 10 s records. Cutting a record does not change how the folds are dealt.
 */
async function fold3CutTo5s(dir: string): Promise<{ root: string; labels: string; fold3: number }> {
  const root = path.join(dir, 'ptbxl');
  cpSync(ptbxl, root, { recursive: true });
  const ds = await loadPtbxl(root, { fs: 100 });
  const norm = ds.classes.indexOf('NORM');
  const file = (i: (typeof ds.items)[number]) => path.relative(root, i.files[0] as string);
  const labels = path.join(dir, 'norm.csv');
  writeFileSync(labels, `file,label,patient_id,split\n${ds.items.map((i) => `${file(i)},${i.labels[norm]},${i.patientId ?? ''},${i.split}`).join('\n')}\n`);
  const { folds } = crossValidationPlan(await loadDataset({ kind: 'csv', root, labels }), 3);
  const fold3 = ds.items.filter((i) => folds.get(file(i)) === 3);
  for (const item of fold3) await cropWfdbRecord(item.files, 5);
  return { root, labels, fold3: fold3.length };
}

const shorter = (n: number) =>
  new RegExp(
    `^cross-validation fold 3 of 3: none of its ${n} held-out records is within the intended input its model will state \\(${n} too short; e\\.g\\. records100/.*: too short: 5\\.00 s; the model needs at least 10\\.00 s \\(the shortest record it was validated on\\)\\): they are shorter than the fold's validation records \\(fold 1's\\), the shortest of which sets its model's minimum duration \\(10\\.00 s\\), so it would be scored on none: refused before any fold trains`,
  );

describe("a cross-validation fold whose held-out rows are all shorter than its validation rows (its model states their shortest as its minimum duration)", () => {
  const tinyConfig = trainConfigSchema.parse(tiny);
  const pipeline = jobPipeline({ architecture: 'xresnet1d50' }, tinyConfig);

  it('is refused before any fold trains, naming the fold, where the check held them to one model window', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-fold-duration-'));
    const { root, labels, fold3 } = await fold3CutTo5s(dir);
    const dataset = await loadDataset({ kind: 'csv', root, labels });
    const plan = crossValidationPlan(dataset, 3);
    await expect(heldOutInScope(plan, dataset.items, defaultIntendedInput(pipeline), pipeline)).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringMatching(shorter(fold3)) });
  });

  it("predicts each fold model's stated intended input and held-out rows as its packaging and closing evaluation find them", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-fold-duration-stated-'));
    const { root, labels } = await fold3CutTo5s(dir);
    const dataset = await loadDataset({ kind: 'csv', root, labels });
    const plan = crossValidationPlan(dataset, 3);
    const intended = defaultIntendedInput(pipeline);
    const scopes = await foldScopes(plan, dataset.items, intended, pipeline);
    expect([...scopes.values()].map((s) => s.stated.minSeconds)).toEqual([10, 5, 10]);
    for (const [fold, scope] of scopes) {
      // The fold's validation rows decoded as cv-job does, and the intended input its package states from them (package-trained.ts).
      const store = await SignalStore.build(scope.validation.items, { pipeline });
      const stated = statedIntendedInput({ store, val: usable(scope.validation.items, store), pipeline }, intended);
      expect(stated).toEqual(scope.stated);
      // What its closing evaluation keeps of its held-out rows, read again with that intended input.
      const heldOut = dataset.items.filter((i) => plan.folds.get(i.id) === fold);
      expect(await partitionByScope([stated], heldOut)).toEqual(scope.heldOut);
    }
    expect(scopes.get(3)?.heldOut.items).toEqual([]);
  });

  it('train --cv and finetune --cv refuse it before any fold trains', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-fold-duration-jobs-'));
    const { root, labels, fold3 } = await fold3CutTo5s(dir);
    const dataset = { kind: 'csv' as const, root, labels };
    // Stopped as soon as a fold starts training, should one.
    const controller = new AbortController();
    const progress = phases();
    const context = { signal: controller.signal, onProgress: (e: TrainProgress) => (progress.onProgress(e), e.kind === 'phase' && e.phase === 'training' ? controller.abort() : undefined) };
    const out = path.join(dir, 'cv');
    await expect(cvJob({ dataset, architecture: 'xresnet1d50', out, folds: 3, train: tiny, backend: 'wasm', workers: 1 }, context)).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringMatching(shorter(fold3)) });
    const workDir = path.join(dir, 'ft');
    await expect(finetuneCvJob({ base: starter, dataset, mode: 'head', folds: 3, workDir, train: tiny, featureCrops: 1, backend: 'cpu', workers: 1 }, context)).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringMatching(shorter(fold3)) });
    expect(progress.seen).not.toContain('training');
    expect(existsSync(path.join(out, 'fold-01'))).toBe(false);
    expect(existsSync(path.join(workDir, 'fold-01'))).toBe(false);
  });
});
