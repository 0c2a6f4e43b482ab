import { cpSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrainFinished } from '../../contract/training-schemas';
import { recordDecodings } from '../../data/records';
import { loadPtbxl } from '../../data/ptbxl';
import { Engine } from '../../engine/engine';
import { engineValue } from '../../test/engine-value';
import { starterDir } from '../../test/legacy-starter';
import { fixturePath } from '../../test/shared-data';
import { crossValidationPlan } from '../cv';
import { loadDataset } from '../../data/load';

const starterName = 'xresnet1d50-ptbxl-pool-demo';
const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-finetune-cv-decoded-once-'));
const resourcesDir = path.join(dir, 'resources');
const data = path.join(dir, 'ptbxl');
let engine: Engine;
let rows = 0;
let searched = 0;
let testRows = 0;
let labels = '';

beforeAll(async () => {
  cpSync(starterDir, path.join(resourcesDir, 'models', 'starter'), { recursive: true });
  cpSync(fixturePath('train', 'ptbxl'), data, { recursive: true });
  // The fixture's records as a NORM labels CSV with the database's splits: a binary task every fold can learn, and a locked test split.
  const ds = await loadPtbxl(data, { fs: 100 });
  const norm = ds.classes.indexOf('NORM');
  labels = path.join(dir, 'norm.csv');
  writeFileSync(labels, `file,label,patient_id,split\n${ds.items.map((i) => `${path.relative(data, i.files[0] as string)},${i.labels[norm]},${i.patientId ?? ''},${i.split}`).join('\n')}\n`);
  rows = ds.items.length;
  // The folds' closing evaluations search the data folder for copies at other rates of every record their datasets do not list (the rows taking part): once for the request.
  const dataset = await loadDataset({ kind: 'csv', root: data, labels });
  const { folds } = crossValidationPlan(dataset, 3);
  const listed = new Set(dataset.items.filter((i) => folds.has(i.id)).flatMap((i) => i.files.map((f) => path.resolve(f))));
  // Among them the locked test rows, which the request decodes into its store for the fine-tuning after the folds: the search reads them from there.
  testRows = dataset.items.filter((i) => i.split === 'test' && !folds.has(i.id)).length;
  searched = readdirSync(data, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith('.hea') && !listed.has(path.resolve(e.parentPath, e.name))).length;
  engine = new Engine({ dataDir: path.join(dir, 'engine'), shell: 'test', resourcesDir });
  for (const folder of [dir, resourcesDir]) engine.folders.allow(folder);
});

afterAll(async () => {
  await engine.close();
});

/** Starts an app fine-tuning through the contract and waits for its end. */
async function finetune(extra: Record<string, unknown>): Promise<TrainFinished> {
  let jobId = '';
  const finished = new Promise<TrainFinished>((resolve) => {
    const off = engine.onEvent((event, payload) => {
      if (event === 'train:finished' && (payload as TrainFinished).jobId === jobId) {
        off();
        resolve(payload as TrainFinished);
      }
    });
  });
  const request = { baseModelId: starterName, dataset: { kind: 'csv', root: data, labels }, mode: 'head', settings: { epochs: 1, batchSize: 4, minExamples: { train: 1, val: 1 } }, workers: 1, allowTestSeenByBase: true, ...extra };
  jobId = (await engineValue<{ jobId: string }>(engine, 'train:finetune', request)).jobId;
  return finished;
}

describe('the app\'s "Cross-validate first"', () => {
  it('decodes each record of the request once, for the folds and the fine-tuning after them, test rows included, with the figures of a fine-tuning on its own', async () => {
    const before = recordDecodings.count;
    const done = await finetune({ name: 'cv once', crossValidation: 3 });
    expect(done).toMatchObject({ status: 'succeeded', result: { kind: 'finetune', crossValidation: { k: 3 } } });
    // Once into the request's store and once to judge it against the intended input (kept verdicts), and the folder's other records the folds do not list once, by the search.
    expect(searched).toBeGreaterThan(0);
    expect(testRows).toBeGreaterThan(0);
    expect(recordDecodings.count - before).toBe(2 * rows + searched - testRows);
    // The fine-tuning reads the request's records from the cross-validation's store: the same figures as decoding them itself.
    const alone = await finetune({ name: 'alone' });
    // Less the model's name, which the notes give.
    const figures = (d: TrainFinished, name: string) => (d.status === 'succeeded' && d.result.kind === 'finetune' ? JSON.stringify({ validation: d.result.validation, test: d.result.test, notLockedTest: d.result.notLockedTest, comparison: d.result.comparison }).replaceAll(name, 'NAME') : undefined);
    expect(figures(alone, 'alone')).toContain('"test":{');
    expect(figures(done, 'cv once')).toEqual(figures(alone, 'alone'));
  }, 600_000);
});
