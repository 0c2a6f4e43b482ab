import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundledModelsDir } from '../../cli/commands/model-path';
import { loadDataset } from '../../data/load';
import { loadPtbxl } from '../../data/ptbxl';
import { fixturePath } from '../../test/shared-data';
import { crossValidationPlan } from '../cv';
import type { TrainProgress } from '../progress';
import { cvJob } from './cv-job';
import { finetuneCvJob } from './finetune-cv-job';

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
  new RegExp(`^cross-validation fold 3 of 3: none of its ${n} held-out records is within the model's intended input \\(${n} patient age outside the model's range; e\\.g\\. records100/.*: patient aged 17 years; the model is for 18 years and older\\), so it would be scored on none and fold 2, which validates on them, chosen on none: refused before any fold trains`);

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
