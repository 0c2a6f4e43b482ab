import { describe, expect, it } from 'vitest';
import { loadPtbxl } from '../data/ptbxl';
import type { Dataset } from '../data/types';
import { fixturePath } from '../test/shared-data';
import { trainConfigSchema } from './config';
import { defaultFinetuneMode } from './jobs/finetune-job';
import { selectionEvalOptions } from './jobs/prepare';
import { selectionItems } from './setup';

describe('the protocol done right, the paper’s only behind paperExact', () => {
  it('selects on validation and drops unlabeled records by default; paperExact selects on test and keeps them', async () => {
    const root = fixturePath('train', 'ptbxl');
    const sane = await loadPtbxl(root, { fs: 100 });
    const { train, val } = selectionItems(sane, false);
    expect(val.every((i) => i.split === 'val')).toBe(true);
    expect([...train, ...val].some((i) => i.split === 'test')).toBe(false);
    const paper = await loadPtbxl(root, { fs: 100, keepUnlabeled: true });
    expect(selectionItems(paper, true).val.every((i) => i.split === 'test')).toBe(true);
    expect(paper.items.length).toBe(sane.items.length + 1);
  });

  it('paperExact: fixed 0.5 thresholds, no calibration, random-crop evaluation outside PTB-XL', () => {
    expect(trainConfigSchema.parse({})).toMatchObject({ thresholds: 'f1', calibrate: true, patience: 10, epochs: 50, batchSize: 64, loss: 'focal' });
    const paper = trainConfigSchema.parse({ paperExact: true, thresholds: 'youden' });
    expect(paper).toMatchObject({ thresholds: 'fixed', calibrate: false });
    const cpsc = { name: 'cpsc2018' } as Dataset;
    expect(selectionEvalOptions(paper, 2048, cpsc)).toEqual({ mode: 'random', seed: 20 });
    expect(selectionEvalOptions(paper, 2048, { name: 'ptbxl-superclass-500hz' } as Dataset).mode).toBe('centre');
    expect(selectionEvalOptions(trainConfigSchema.parse({}), 2048, cpsc)).toMatchObject({ mode: 'centre', stride: 1024 });
  });

  it('defaults transfer learning per architecture as the paper found', () => {
    expect(['resnet18', 'crnn-gru', 'crnn-lstm', 'xresnet1d50'].map(defaultFinetuneMode)).toEqual(['head', 'head', 'head', 'head']);
    expect(['attresnet', 'transformer', 'restransformer'].map(defaultFinetuneMode)).toEqual(['full', 'full', 'full']);
  });
});
