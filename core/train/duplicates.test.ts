import { cp, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPtbxl } from '../data/ptbxl';
import type { Split } from '../data/types';
import { fixturePath } from '../test/shared-data';
import { trainConfigSchema } from './config';
import { loadDataset } from '../data/load';
import { loadPackage } from './package/archive';
import { duplicatesText } from '../contract/model-card-text';
import { modelDetail } from '../engine/model-detail';
import { checkDuplicates, checkFoldDuplicates, hashRows } from './duplicates';
import { finetuneJob } from './jobs/finetune-job';
import { prepareTraining } from './jobs/prepare';
import { jobPipeline } from './jobs/train-job';
import type { TrainProgress } from './progress';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const source = fixturePath('train', 'ptbxl');
/** Record 00001 at 500 Hz: the same ECG as the fixture's 100 Hz 00001_lr. */
const highRate = fixturePath('train', 'ptbxl-500', 'records500');
let data: string;
let rows: string[];

/**
 * A hospital folder of 24 real PTB-XL records with one of them copied, byte for byte, to
 * dups/00001_lr.hea: the researcher's pe_dup.csv listed such copies under new patient IDs.
 */
beforeAll(async () => {
  data = path.join(await mkdtemp(path.join(tmpdir(), 'einthoven-dups-')), 'data');
  await cp(path.join(source, 'records100'), path.join(data, 'records100'), { recursive: true });
  await mkdir(path.join(data, 'dups'));
  for (const ext of ['hea', 'dat']) await cp(path.join(source, 'records100', '00000', `00001_lr.${ext}`), path.join(data, 'dups', `00001_lr.${ext}`));
  await cp(highRate, path.join(data, 'records500'), { recursive: true });
  const ds = await loadPtbxl(source, { fs: 100 });
  rows = ds.items.map((i) => `${path.relative(source, i.files[0] as string)},${i.labels[1]},${i.patientId ?? ''},${i.split}`);
});

/** The labels CSV with a copy of record 00001 (a training record) as one more row in `split`: the same file, or its 500 Hz version. */
async function labelsWithCopy(split: Split, copy = 'dups/00001_lr.hea'): Promise<string> {
  const file = path.join(data, `labels-${split}-${path.basename(copy)}.csv`);
  await writeFile(file, `file,label,patient_id,split\n${rows.join('\n')}\n${copy},0,X0,${split}\n`);
  return file;
}
const highRateCopy = 'records500/00000/00001_hr.hea';

const config = trainConfigSchema.parse({ minExamples: { train: 1, val: 1 } });
const spec = (labels: string) => ({ kind: 'csv' as const, root: data, labels, positiveClass: 'MI' });

describe('the same recording in two rows of a labels CSV (it was accepted whatever the splits)', () => {
  it('refuses a copy of a training record in validation, naming both rows', async () => {
    await expect(prepareTraining(spec(await labelsWithCopy('val')), jobPipeline({ architecture: 'xresnet1d50' }, config), config, {})).rejects.toMatchObject({
      code: 'E_VALIDATION',
      message: expect.stringContaining('records100/00000/00001_lr.hea (train) = dups/00001_lr.hea (val)'),
    });
  });

  it('refuses the same ECG at 500 Hz in validation when its 100 Hz file trains (the exact hash differs), naming both rows', async () => {
    await expect(prepareTraining(spec(await labelsWithCopy('val', highRateCopy)), jobPipeline({ architecture: 'xresnet1d50' }, config), config, {})).rejects.toMatchObject({
      code: 'E_VALIDATION',
      message: expect.stringMatching(/1 recording\(s\) are listed in more than one split \(the same ECG under another row, or at another sampling rate.*records100\/00000\/00001_lr\.hea \(train\) = records500\/00000\/00001_hr\.hea \(val\)/),
    });
  });

  it('refuses the 500 Hz copy in the locked test split from the rows hashRows decodes (finetune reads them so)', async () => {
    const dataset = await loadDataset({ kind: 'csv', root: data, labels: await labelsWithCopy('test', highRateCopy), positiveClass: 'MI' });
    const test = await hashRows(dataset.items.filter((i) => i.split === 'test'));
    const train = await hashRows(dataset.items.filter((i) => i.id === 'records100/00000/00001_lr.hea'));
    expect(() => checkDuplicates([...train, ...test], 'test')).toThrow(/00001_lr\.hea \(train\) = records500\/00000\/00001_hr\.hea \(test\)/);
    expect(checkDuplicates(test, 'test')).toBeUndefined();
  });

  it('trains with a copy inside the training split, and says it weighs twice', async () => {
    const events: TrainProgress[] = [];
    const prepared = await prepareTraining(spec(await labelsWithCopy('train')), jobPipeline({ architecture: 'xresnet1d50' }, config), config, { onProgress: (e) => events.push(e) });
    expect(prepared.train.ids).toContain('dups/00001_lr.hea');
    expect(events.map((e) => (e.kind === 'phase' ? e.message : ''))).toContainEqual(expect.stringMatching(/^warning: 1 recording\(s\) are listed more than once in the same split.*00001_lr\.hea \(train\) = dups\/00001_lr\.hea \(train\)/));
  });

  it('finetune refuses a copy of a training record in the locked test split before it trains', async () => {
    const events: TrainProgress[] = [];
    const out = path.join(data, '..', 'ft');
    const base = path.join(repoRoot, 'resources', 'models', 'starter');
    await expect(finetuneJob({ base, dataset: spec(await labelsWithCopy('test')), out, mode: 'head', train: { epochs: 1, minExamples: { train: 1, val: 1 } }, backend: 'wasm' }, { onProgress: (e) => events.push(e) })).rejects.toMatchObject({
      code: 'E_VALIDATION',
      message: expect.stringMatching(/1 recording\(s\) are listed in more than one split.*00001_lr\.hea \(train\) = dups\/00001_lr\.hea \(test\)/),
    });
    expect(events.some((e) => e.kind === 'phase' && e.phase === 'training')).toBe(false);
  });

  it('records copies kept within a split in the package manifest (row ids and counts, no signal), read back by the schema', async () => {
    const out = path.join(data, '..', 'ft-copies');
    const base = path.join(repoRoot, 'resources', 'models', 'starter');
    // 00001 twice in training (the same file under two names) and at 500 Hz as well: one recording, three rows.
    const labels = path.join(data, 'labels-train-copies.csv');
    await writeFile(labels, `file,label,patient_id,split\n${rows.join('\n')}\ndups/00001_lr.hea,0,X0,train\n${highRateCopy},0,X1,train\n`);
    const result = await finetuneJob({ base, dataset: spec(labels), out, mode: 'head', featureCrops: 1, train: { epochs: 1, minExamples: { train: 1, val: 1 } }, backend: 'wasm' }, {});
    const loaded = await loadPackage(out);
    try {
      expect(result.manifest.provenance.duplicates).toEqual(loaded.manifest.provenance.duplicates);
      expect(loaded.manifest.provenance.duplicates).toEqual({
        recordings: 1,
        rows: 3,
        groups: [[{ id: 'records100/00000/00001_lr.hea', split: 'train' }, { id: 'dups/00001_lr.hea', split: 'train' }, { id: highRateCopy, split: 'train' }]],
        method: 'recording-content',
        splits: ['train', 'val', 'test'],
      });
    } finally {
      loaded.model.dispose();
    }
  }, 300_000);

  it('records the check in a package whose rows hold no copies, where nothing was written and the card could not tell it from a package made before the check', async () => {
    const out = path.join(data, '..', 'ft-clean');
    const base = path.join(repoRoot, 'resources', 'models', 'starter');
    const labels = path.join(data, 'labels-clean.csv');
    await writeFile(labels, `file,label,patient_id,split\n${rows.join('\n')}\n`);
    await finetuneJob({ base, dataset: spec(labels), out, mode: 'head', featureCrops: 1, train: { epochs: 1, minExamples: { train: 1, val: 1 } }, backend: 'wasm' }, {});
    const loaded = await loadPackage(out);
    try {
      expect(loaded.manifest.provenance.duplicates).toEqual({ recordings: 0, rows: 0, groups: [], method: 'recording-content', splits: ['train', 'val', 'test'] });
      const detail = modelDetail({ manifest: loaded.manifest, location: out, bundled: false });
      expect(duplicatesText(detail.provenance.duplicates)).toBe('none found (checked training, validation and test rows for the same recording by content, or the same ECG at another sampling rate)');
    } finally {
      loaded.model.dispose();
    }
  }, 300_000);

  it('cross-validation refuses a copy in another fold, and only warns of one in the same fold', () => {
    // train --cv made its own folds without this check: a copy under another patient id could be tested by a fold that trained on it.
    const rows = [
      { id: 'records100/00000/00001_lr.hea', split: 'train' as const, hash: 'h1' },
      { id: 'dups/00001_lr.hea', split: 'train' as const, hash: 'h1' },
      { id: 'records100/00000/00002_lr.hea', split: 'train' as const, hash: 'h2' },
    ];
    const folds = new Map([['records100/00000/00001_lr.hea', 1], ['dups/00001_lr.hea', 3], ['records100/00000/00002_lr.hea', 2]]);
    expect(() => checkFoldDuplicates(rows, (id) => folds.get(id))).toThrow(/1 recording\(s\) fall in more than one fold .*records100\/00000\/00001_lr\.hea \(fold 1\) = dups\/00001_lr\.hea \(fold 3\)/);
    folds.set('dups/00001_lr.hea', 1);
    expect(checkFoldDuplicates(rows, (id) => folds.get(id))).toMatch(/^warning: 1 recording\(s\) are listed more than once in the same fold/);
    expect(checkFoldDuplicates(rows.slice(1), (id) => folds.get(id))).toBeUndefined();
  });

  it('lists at most five groups and counts the rest', () => {
    const copies = Array.from({ length: 7 }, (_, k) => [
      { id: `a${k}`, split: 'train' as const, hash: `h${k}` },
      { id: `b${k}`, split: 'train' as const, hash: `h${k}` },
    ]).flat();
    expect(checkDuplicates(copies)).toMatch(/^warning: 7 recording\(s\).*a4 \(train\) = b4 \(train\); and 2 more$/);
    expect(checkDuplicates([{ id: 'x', split: 'train', hash: 'h' }])).toBeUndefined();
  });
});
