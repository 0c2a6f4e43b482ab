import { copyFile, mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { paperPipelineConfig, pipelineConfigSchema } from '../signal/pipeline-config';
import { createRng } from '../signal/rng';
import { fixturePath, sharedData, sharedDataPath } from '../test/shared-data';
import { packChannelsLast } from './batches';
import { parseDxLine } from './cinc';
import { stratifiedFolds } from './folds';
import { itemsOf, loadCinc, loadCpsc, loadHospital, loadPtbxl, SignalStore } from './index';
import { parseScpCodes } from './scp-codes';

const ptbxlRoot = fixturePath('train', 'ptbxl');

describe('PTB-XL indexing', () => {
  it('parses the scp_codes dict literal', () => {
    expect([...parseScpCodes("{'NORM': 100.0, 'LVOLT': 0.0, 'SR': 0.0}")]).toEqual([['NORM', 100], ['LVOLT', 0], ['SR', 0]]);
    expect(parseScpCodes('{}').size).toBe(0);
    expect(() => parseScpCodes("{'NORM': __import__('os')}")).toThrow(/not understood/);
  });

  it('gives superclasses, folds 1–8/9/10 and drops unlabeled records', async () => {
    const ds = await loadPtbxl(ptbxlRoot, { fs: 100 });
    expect(ds.classes).toEqual(['NORM', 'MI', 'STTC', 'CD', 'HYP']);
    expect(ds.items.length + ds.dropped.length).toBe(23);
    expect(ds.dropped).toHaveLength(1);
    expect(itemsOf(ds, 'train')).toHaveLength(12);
    expect(itemsOf(ds, 'val')).toHaveLength(5);
    expect(itemsOf(ds, 'test')).toHaveLength(5);
    const first = ds.items.find((i) => i.id === '1');
    expect(first?.labels).toEqual([1, 0, 0, 0, 0]);
    expect(first?.files[0]).toMatch(/records100\/00000\/00001_lr\.hea$/);
    const kept = await loadPtbxl(ptbxlRoot, { fs: 100, keepUnlabeled: true });
    expect(kept.items).toHaveLength(23);
  });

  it('lists sub-classes and all statements as classes', async () => {
    const sub = await loadPtbxl(ptbxlRoot, { fs: 100, task: 'subclass' });
    expect(sub.classes).toContain('IMI');
    const all = await loadPtbxl(ptbxlRoot, { fs: 100, task: 'all' });
    expect(all.classes).toContain('SR');
    expect(all.dropped).toHaveLength(0);
  });
});

describe('folds and splits', () => {
  it('deals stratified folds deterministically with every group spread', () => {
    const ids = Array.from({ length: 100 }, (_, i) => `r${i}`);
    const keys = ids.map((_, i) => (i % 4 === 0 ? 'A' : 'B'));
    const a = stratifiedFolds(ids, keys, 10, 1);
    expect(stratifiedFolds(ids, keys, 10, 1)).toEqual(a);
    for (let fold = 1; fold <= 10; fold++) {
      const inFold = ids.filter((id) => a.get(id) === fold);
      expect(inFold.length).toBe(10);
      expect(inFold.filter((id) => keys[ids.indexOf(id)] === 'A').length).toBeGreaterThanOrEqual(2);
    }
  });
  it('reads # Dx: codes', () => {
    expect(parseDxLine('E1 12 500 5000\n# Age: 3\n# Dx: 426783006, 164889003\n')).toEqual(['426783006', '164889003']);
  });
});

describe('hospital folder', () => {
  async function hospitalFolder(): Promise<string> {
    const dir = await mkdtemp(path.join(tmpdir(), 'einthoven-hospital-'));
    await mkdir(path.join(dir, 'ecgs'));
    for (const id of ['00001', '00002', '00003', '00008']) {
      for (const ext of ['hea', 'dat']) await copyFile(path.join(ptbxlRoot, 'records100', '00000', `${id}_lr.${ext}`), path.join(dir, 'ecgs', `${id}_lr.${ext}`));
    }
    return dir;
  }

  it('reads the PE-HSM layout filename;label with .xml names and a locked test CSV', async () => {
    const dir = await hospitalFolder();
    await writeFile(path.join(dir, 'train.csv'), 'filename;label\necgs/00001_lr.xml;1\necgs/00002_lr.xml;0\necgs/00003_lr.xml;0\n');
    await writeFile(path.join(dir, 'test.csv'), 'filename;label\necgs/00008_lr.xml;1\n');
    const ds = await loadHospital(dir, { labels: path.join(dir, 'train.csv'), testLabels: path.join(dir, 'test.csv'), fractions: { val: 0.34, test: 0 } });
    expect(ds.classes).toEqual(['PE']);
    expect(ds.items.find((i) => i.id === 'ecgs/00008_lr.xml')?.split).toBe('test');
    expect(ds.items.find((i) => i.id === 'ecgs/00001_lr.xml')?.files.map((f) => path.basename(f)).sort()).toEqual(['00001_lr.dat', '00001_lr.hea']);
    expect(ds.items.filter((i) => i.split === 'test')).toHaveLength(1);
  });

  it('reads file,label,patient_id with several labels and keeps each patient in one split', async () => {
    const dir = await hospitalFolder();
    const csv = 'file,label,patient_id\necgs/00001_lr.hea,AF|LBBB,p1\necgs/00002_lr.hea,AF,p1\necgs/00003_lr.hea,NORM,p2\necgs/missing.hea,NORM,p3\n';
    await writeFile(path.join(dir, 'labels.csv'), csv);
    const ds = await loadHospital(dir, { labels: path.join(dir, 'labels.csv') });
    expect(ds.classes).toEqual(['AF', 'LBBB', 'NORM']);
    expect(ds.items.find((i) => i.id === 'ecgs/00001_lr.hea')?.labels).toEqual([1, 1, 0]);
    expect(ds.dropped).toEqual([{ id: 'ecgs/missing.hea', reason: 'file not found' }]);
    const p1 = ds.items.filter((i) => i.patientId === 'p1').map((i) => i.split);
    expect(new Set(p1).size).toBe(1);
  });

  it('refuses files outside the data folder', async () => {
    const dir = await hospitalFolder();
    await writeFile(path.join(dir, 'labels.csv'), 'file,label\n../../etc/passwd,1\n');
    await expect(loadHospital(dir, { labels: path.join(dir, 'labels.csv') })).rejects.toThrow(/inside the data folder/);
  });
});

describe('signal store', () => {
  const config = pipelineConfigSchema.parse({
    version: 1,
    stages: [
      { kind: 'filter', band: 'bandpass', order: 2, cutoffHz: [0.5, 40] },
      { kind: 'crop', length: 250 },
      { kind: 'normalise', method: 'zscore' },
    ],
    augmentation: { scheme: 'paper' },
  });

  it('caches filtered records and draws reproducible random crops from a seed', async () => {
    const ds = await loadPtbxl(ptbxlRoot, { fs: 100 });
    const items = itemsOf(ds, 'train').slice(0, 3);
    const cacheDir = await mkdtemp(path.join(tmpdir(), 'einthoven-cache-'));
    const store = await SignalStore.build(items, { pipeline: config, cacheDir });
    expect(store.failures).toEqual([]);
    const id = (items[0] as (typeof items)[number]).id;
    const a = store.sample(id, 'train', createRng(5));
    const b = store.sample(id, 'train', createRng(5));
    expect(a).toEqual(b);
    expect(a).toHaveLength(12);
    expect(a[0]).toHaveLength(250);
    expect(store.sample(id, 'eval')).toEqual(store.sample(id, 'eval'));
    expect(store.windows(id, 125)).toHaveLength(7); // 1000 samples: starts 0,125,…,750
    const again = await SignalStore.build(items, { pipeline: config, cacheDir });
    expect(again.sample(id, 'eval')).toEqual(store.sample(id, 'eval'));
  });

  it('packs leads × samples into channels-last batches', () => {
    const s = [Float32Array.of(1, 2), Float32Array.of(3, 4)];
    expect(Array.from(packChannelsLast([s]).data)).toEqual([1, 3, 2, 4]);
  });

  it('keeps the paper pipeline usable at 500 Hz', () => {
    expect(paperPipelineConfig({ normalisation: 'l2' }).stages.map((s) => s.kind)).toEqual(['padTruncate', 'filter', 'crop', 'normalise']);
  });
});

describe.runIf(sharedData)('corpus datasets', () => {
  it('indexes the CPSC 2018 sample into stratified folds', async () => {
    const ds = await loadCpsc(sharedDataPath('ecg', 'cpsc2018'));
    expect(ds.items).toHaveLength(5);
    expect(ds.classes).toHaveLength(9);
  });
  it('indexes CinC 2021 headers with the CPSC SNOMED mapping and decodes one', async () => {
    const ds = await loadCinc(sharedDataPath('ecg', 'cinc2021'));
    expect(ds.items.length).toBeGreaterThan(0);
    expect(ds.items.length + ds.dropped.length).toBe(26);
    const store = await SignalStore.build(ds.items.slice(0, 2), { pipeline: pipelineConfigSchema.parse({ version: 1, stages: [{ kind: 'crop', length: 2048 }] }) });
    expect(store.failures).toEqual([]);
  });
});
