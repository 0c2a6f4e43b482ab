import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeRecordFiles } from '../data/records';
import { initBackend } from '../ml/backend/init';
import { fixturePath, sharedData, sharedDataPath } from '../test/shared-data';
import { evaluateJob } from './jobs/evaluate-job';
import { testSummary } from './service/models';
import { loadPackage } from './package/archive';
import type { LoadedPackage } from './package/io';
import { predictRecord } from './predictor';

const starter = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../resources/models/starter');
/** Written by scripts/train/starter-expected.ts from the shipped package on the cpu backend. */
const golden = JSON.parse(readFileSync(fixturePath('train', 'starter-expected.json'), 'utf8')) as { model: string; probabilities: Record<string, Record<string, number>> };

async function probabilitiesOf(loaded: LoadedPackage, id: string): Promise<Record<string, number> | null> {
  const base = fixturePath('train', 'ptbxl', 'records100', '00000', `${id}_lr`);
  return (await predictRecord(loaded, await decodeRecordFiles([`${base}.hea`, `${base}.dat`]))).probabilities;
}

describe('the bundled starter model', () => {
  let loaded: LoadedPackage;
  beforeAll(async () => {
    await initBackend({ force: 'cpu' });
    loaded = await loadPackage(starter);
  });

  it('is a verified, small demonstration package that says what it was trained on', () => {
    const { manifest } = loaded;
    expect(manifest.id).toBe(golden.model);
    expect(manifest).toMatchObject({ demonstration: true, researchUseOnly: true, classes: ['NORM', 'MI', 'STTC', 'CD', 'HYP'] });
    expect(manifest.description).toMatch(/326 labelled PTB-XL records/);
    expect(manifest.provenance.dataset.records).toEqual({ train: 326, val: 65, test: 56 });
    expect(manifest.provenance.test?.n).toBe(54);
    const bytes = ['manifest.json', 'model.json', 'weights.bin'].reduce((n, f) => n + statSync(path.join(starter, f)).size, 0);
    expect(bytes).toBeLessThan(8 * 1024 * 1024);
  });

  it('predicts what it predicted when it was shipped, on cpu and on wasm', async () => {
    for (const [id, expected] of Object.entries(golden.probabilities)) {
      const got = await probabilitiesOf(loaded, id);
      for (const [c, p] of Object.entries(expected)) expect(Math.abs((got?.[c] as number) - p)).toBeLessThan(1e-4);
    }
    await initBackend({ force: 'wasm' });
    const onWasm = await loadPackage(starter);
    for (const [id, expected] of Object.entries(golden.probabilities)) {
      const got = await probabilitiesOf(onWasm, id);
      for (const [c, p] of Object.entries(expected)) expect(Math.abs((got?.[c] as number) - p)).toBeLessThan(1e-3);
    }
    onWasm.model.dispose();
  });
});

describe.runIf(sharedData)("the bundled starter's card against ecg evaluate on its locked test (shared corpus)", () => {
  it('shows every AUC and rate interval as evaluate computes it, on patients: HYP 0.757–1, not 0.758–1 on records', async () => {
    // Its card reads the figures stored in the manifest (widened where read); evaluate recomputes them,
    // counting Newcombe's positives and negatives as patients (46 negative patients behind 50 records).
    const report = await evaluateJob({ model: starter, dataset: { kind: 'ptbxl', root: sharedDataPath('ptbxl-pool') }, split: 'test', backend: 'cpu' });
    const stored = (await loadPackage(starter)).manifest.provenance.test;
    if (!stored) throw new Error('the starter keeps no locked test');
    const card = testSummary(stored).ci;
    const aucKeys = Object.keys(report.ci).filter((k) => k === 'aucMacro' || k.startsWith('auc:') || k.endsWith('.auc'));
    expect(aucKeys.length).toBe(11);
    for (const key of aucKeys) expect(card[key], key).toEqual(report.ci[key]);
    expect(card['auc:HYP']?.low?.toFixed(3)).toBe('0.757');
    // Each class's sensitivity, specificity, PPV and NPV: Wilson's counted on patients there too (c403cb1).
    const rateKeys = Object.keys(report.ci).filter((k) => /\.(sensitivity|specificity|ppv|npv)$/.test(k));
    expect(rateKeys.length).toBe(20);
    for (const key of rateKeys) expect(card[key], key).toEqual(report.ci[key]);
  }, 240_000);
});
