import { cpSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowTestSeenByBaseInApp, type TrainFinished, type TrainProgressEvent } from '../../contract/training-schemas';
import { loadPtbxl } from '../../data/ptbxl';
import { Engine } from '../../engine/engine';
import { engineValue } from '../../test/engine-value';
import { starterDir } from '../../test/legacy-starter';
import { ptbxlFixtureWithFoldsSwapped } from '../../test/swapped-folds';

const starterName = 'xresnet1d50-ptbxl-pool-demo';
const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-finetune-test-seen-'));
const resourcesDir = path.join(dir, 'resources');
let engine: Engine;
let data: string;

beforeAll(() => {
  cpSync(starterDir, path.join(resourcesDir, 'models', 'starter'), { recursive: true });
  // Folds 1 and 10 swapped: the test split is fold 1's two records, which the starter trained on.
  data = ptbxlFixtureWithFoldsSwapped(path.join(dir, 'swapped'));
  engine = new Engine({ dataDir: path.join(dir, 'data'), shell: 'test', resourcesDir });
  for (const folder of [data, resourcesDir]) engine.folders.allow(folder);
});

afterAll(async () => {
  await engine.close();
});

/** Starts an app fine-tuning through the contract and waits for its end, with its progress messages. */
async function finetune(extra: Record<string, unknown>): Promise<{ done: TrainFinished; messages: string[]; events: TrainProgressEvent[] }> {
  const messages: string[] = [];
  const events: TrainProgressEvent[] = [];
  let jobId = '';
  const finished = new Promise<TrainFinished>((resolve) => {
    const off = engine.onEvent((event, payload) => {
      if (event === 'train:progress' && (payload as TrainProgressEvent).jobId === jobId) {
        events.push(payload as TrainProgressEvent);
        messages.push((payload as TrainProgressEvent).message ?? '');
      }
      if (event === 'train:finished' && (payload as TrainFinished).jobId === jobId) {
        off();
        resolve(payload as TrainFinished);
      }
    });
  });
  const request = { baseModelId: starterName, dataset: { kind: 'ptbxl', root: data }, mode: 'head', settings: { epochs: 1, batchSize: 4, minExamples: { train: 1, val: 1 } }, workers: 1, ...extra };
  jobId = (await engineValue<{ jobId: string }>(engine, 'train:finetune', request)).jobId;
  return { done: await finished, messages, events };
}

/**
 * The swapped fixture as a NORM labels CSV (a binary task every fold can learn), its test split fold
 * 1's two records the starter trained on; `split` renames a row's split (by default kept).
 */
async function normLabels(file = 'norm.csv', split: (s: string) => string = (s) => s): Promise<string> {
  const ds = await loadPtbxl(data, { fs: 100 });
  const norm = ds.classes.indexOf('NORM');
  const labels = path.join(data, file);
  writeFileSync(labels, `file,label,split\n${ds.items.map((i) => `${path.relative(data, i.files[0] as string)},${i.labels[norm]},${split(i.split)}`).join('\n')}\n`);
  return labels;
}

describe("the app's fine-tuning of a base that saw every test record", () => {
  it("is refused naming the form's checkbox, not the CLI's flag, and goes ahead with its figures kept as no locked test when the request asks", async () => {
    const refused = await finetune({ name: 'refused' });
    expect(refused.done).toMatchObject({ status: 'failed', error: { code: 'E_VALIDATION' } });
    const message = refused.done.status === 'failed' ? refused.done.error.message : '';
    expect(message).toMatch(new RegExp(`every one of the 2 test records within the model's intended input is among the training and validation records of ${starterName} .*Nothing was trained\\.`));
    expect(message.endsWith(`; or, to fine-tune all the same and evaluate the model on other records later, ${allowTestSeenByBaseInApp}`)).toBe(true);
    expect(message).not.toContain('--allow-test-seen-by-base');

    const asked = await finetune({ name: 'asked', allowTestSeenByBase: true });
    expect(asked.done).toMatchObject({ status: 'succeeded', result: { kind: 'finetune', notLockedTest: expect.stringMatching(/^not a locked test: every one of the 2 test records is among the training and validation records of /) } });
    expect(asked.messages.some((m) => /^warning: .*: every one of the 2 test records .*; fine-tuning all the same, as asked$/.test(m))).toBe(true);
  }, 300_000);

  it('with "Cross-validate first", is refused before the first fold, as the final fine-tuning would refuse it after every fold, and cross-validates then fine-tunes when the request asks', async () => {
    const dataset = { kind: 'csv', root: data, labels: await normLabels() };
    const refused = await finetune({ name: 'cv refused', dataset, crossValidation: 3 });
    expect(refused.done).toMatchObject({ status: 'failed', error: { code: 'E_VALIDATION' } });
    const message = refused.done.status === 'failed' ? refused.done.error.message : '';
    expect(message).toMatch(new RegExp(`every one of the 2 test records within the model's intended input is among the training and validation records of ${starterName} .*Nothing was trained\\.`));
    expect(message.endsWith(`; or, to fine-tune all the same and evaluate the model on other records later, ${allowTestSeenByBaseInApp}`)).toBe(true);
    // No fold started, trained or wrote anything.
    expect(refused.messages.filter((m) => m.startsWith('cross-validation fold'))).toEqual([]);
    expect(refused.events.filter((e) => e.phase === 'training' || e.phase === 'features' || e.epoch !== undefined)).toEqual([]);
    expect(existsSync(path.join(dir, 'data', 'cv', 'cv refused'))).toBe(false);
    expect(existsSync(path.join(dir, 'data', 'models', 'cv refused'))).toBe(false);

    const asked = await finetune({ name: 'cv asked', dataset, crossValidation: 3, allowTestSeenByBase: true });
    expect(asked.done).toMatchObject({ status: 'succeeded', result: { kind: 'finetune', crossValidation: { k: 3 }, notLockedTest: expect.stringMatching(/^not a locked test: every one of the 2 test records is among the training and validation records of /) } });
    // Warned of once, as the final fine-tuning starts, not before the folds as well.
    expect(asked.messages.filter((m) => /^warning: .*: every one of the 2 test records .*; fine-tuning all the same, as asked$/.test(m))).toHaveLength(1);
    expect(existsSync(path.join(dir, 'data', 'cv', 'cv asked', 'fold-01'))).toBe(true);
  }, 600_000);

  it('with "Cross-validate first" and no locked test rows, is refused before the first fold, as the final fine-tuning would refuse it after every fold, writing nothing', async () => {
    // Every row a development row: the folds need none of the test split, the fine-tuning on all the data that follows them does.
    const dataset = { kind: 'csv', root: data, labels: await normLabels('no-test.csv', (s) => (s === 'test' ? 'train' : s)) };
    const refused = await finetune({ name: 'cv no test', dataset, crossValidation: 3 });
    expect(refused.done).toMatchObject({ status: 'failed', error: { code: 'E_VALIDATION' } });
    const message = refused.done.status === 'failed' ? refused.done.error.message : '';
    expect(message).toMatch(/: no locked test rows: a fine-tuning ends with its evaluation on them; give some rows split 'test', or a test labels CSV \(--test-labels\)$/);
    expect(refused.messages.filter((m) => m.startsWith('cross-validation fold'))).toEqual([]);
    expect(refused.events.filter((e) => e.phase === 'training' || e.phase === 'features' || e.epoch !== undefined)).toEqual([]);
    expect(existsSync(path.join(dir, 'data', 'cv', 'cv no test'))).toBe(false);
    expect(existsSync(path.join(dir, 'data', 'models', 'cv no test'))).toBe(false);
  }, 600_000);
});
