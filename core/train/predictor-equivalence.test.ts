import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../ml/backend/init';
import { decodeRecordFiles } from '../data/records';
import { canonicalLeads, type EcgRecord } from '../formats/record';
import { RecordReadings } from '../signal/record-readings';
import { predictionCases } from '../test/prediction-fixtures';
import { poolHeaders } from '../test/scope-pool';
import { fixturePath, sharedData, sharedDataPath } from '../test/shared-data';
import { loadPackage } from './package/archive';
import type { LoadedPackage } from './package/io';
import { intendedInputOf } from './package/manifest';
import { predictionGates, predictRecord, type Prediction } from './predictor';
import { qualityGate } from './quality-gate';
import { checkScope } from './scope';

/**
 * A prediction's whole output on the PTB-XL fixture records and on copies of four of them whose
 * leads the quality gate and the scope check read differently (core/test/prediction-fixtures.ts),
 * held to what the engine gave before its gate and scope check shared their QRS detection and
 * lead quality (core/test/fixtures/train/prediction-golden.json, written by
 * scripts/train/prediction-golden.ts before that change, on the cpu backend): abstention and its
 * reason, the quality verdict and reasons, the scope's reasons and notes, the decisions exactly,
 * the probabilities to 1e-4 (the forward pass may run on another engine or machine, as in
 * starter.test.ts; no decision lies within 5e-4 of its threshold).
 */
const starter = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../resources/models/starter');
const golden = JSON.parse(readFileSync(fixturePath('train', 'prediction-golden.json'), 'utf8')) as { model: string; predictions: Record<string, Prediction> };

/** The gate and the scope check each on its own, as predictRecord ran them before they shared their readings. */
function separately(loaded: LoadedPackage, record: EcgRecord): ReturnType<typeof predictionGates> {
  const byName = new Map(record.leads.map((l) => [l.name.toLowerCase(), l.samples]));
  const leads = canonicalLeads.map((name) => byName.get(name.toLowerCase()) ?? null);
  const crop = loaded.manifest.preprocessing.stages.find((s) => s.kind === 'crop');
  const rate = loaded.manifest.preprocessing.stages.find((s) => s.kind === 'resample');
  const minimum = crop?.kind === 'crop' && rate?.kind === 'resample' ? crop.length / rate.targetHz : 0;
  return { leads, quality: qualityGate(record, leads, minimum), scope: checkScope(record, intendedInputOf(loaded.manifest)) };
}

describe('a prediction on the fixture records and their copies', () => {
  let loaded: LoadedPackage;
  beforeAll(async () => {
    await initBackend({ force: 'cpu' });
    loaded = await loadPackage(starter);
  });

  it('is, in every part, what it was before the gate and the scope check shared their detection', async () => {
    expect(loaded.manifest.id).toBe(golden.model);
    const cases = await predictionCases();
    expect(cases.map((c) => c.key)).toEqual(Object.keys(golden.predictions));
    const kinds = new Set<string>();
    for (const { key, record } of cases) {
      const got = await predictRecord(loaded, record);
      const want = golden.predictions[key] as Prediction;
      expect({ ...got, probabilities: null }, key).toEqual({ ...want, probabilities: null });
      expect(got.probabilities === null, key).toBe(want.probabilities === null);
      for (const [c, p] of Object.entries(want.probabilities ?? {})) expect(Math.abs((got.probabilities?.[c] as number) - p), `${key} ${c}`).toBeLessThan(1e-4);
      kinds.add(got.abstained ? (got.reason ?? '').replace(/:.*/, '') : `predicted, quality ${got.quality.verdict}`);
    }
    // Every path ran: numbers on good and degraded records, and each kind of abstention.
    expect([...kinds].sort()).toEqual(["outside the model's intended input", 'predicted, quality degraded', 'predicted, quality good', 'signal quality unusable']);
  }, 120_000);

  it('gives each the gate and scope verdicts the two give each on its own', async () => {
    for (const { key, record } of await predictionCases()) expect(predictionGates(loaded, record), key).toEqual(separately(loaded, record));
  });

  it("has the scope check read the gate's QRS detection, and under 250 Hz its lead quality, where it reads the gate's very leads", async () => {
    const cases = new Map((await predictionCases()).map((c) => [c.key, c.record]));
    const reused = (key: string) => {
      const readings = new RecordReadings();
      predictionGates(loaded, cases.get(key)!, readings);
      return readings.reused;
    };
    // 100 Hz: the QRS width starts from the detection and the quality; 500 Hz: spike detection needs the beats.
    expect(reused('train/ptbxl/records100/00000/00001_lr')).toEqual({ detections: 1, qualities: 1 });
    expect(reused('formats/ptbxl/00143_lr')).toEqual({ detections: 1, qualities: 1 });
    expect(reused('train/ptbxl-500/records500/00000/00001_hr')).toEqual({ detections: 1, qualities: 0 });
    expect(reused('signal/ptbxl-paced/00143_hr')).toEqual({ detections: 1, qualities: 0 });
    // Three of the model's leads, in its order: read by both.
    expect(reused('train/ptbxl/records100/00000/00001_lr, 3 leads')).toEqual({ detections: 1, qualities: 1 });
    // The same arrays under other names: the detection only (lead quality is by name).
    expect(reused('train/ptbxl/records100/00000/00001_lr, names lower-case')).toEqual({ detections: 1, qualities: 0 });
    // Other leads (V3 flat: the gate reads it, the scope check does not), or the same in another order: nothing read again.
    for (const copy of ['leads reversed', 'V3 flat']) {
      expect(reused(`train/ptbxl/records100/00000/00001_lr, ${copy}`), copy).toEqual({ detections: 0, qualities: 0 });
      expect(reused(`signal/ptbxl-paced/00143_hr, ${copy}`), copy).toEqual({ detections: 0, qualities: 0 });
    }
  });
});

describe.runIf(sharedData)('the gate and the scope check on the whole PTB-XL pool (../shared)', () => {
  it('give each of its 912 records (100 and 500 Hz) together the verdicts they give each on its own', async () => {
    await initBackend({ force: 'cpu' });
    const loaded = await loadPackage(starter);
    const pool = sharedDataPath('ptbxl-pool');
    const ids = poolHeaders(pool);
    expect(ids).toHaveLength(912);
    const differing: string[] = [];
    let shared = 0;
    for (const id of ids) {
      const record = await decodeRecordFiles([path.join(pool, `${id}.hea`), path.join(pool, `${id}.dat`)]);
      const readings = new RecordReadings();
      const verdicts = ({ quality, scope }: ReturnType<typeof predictionGates>) => JSON.stringify({ quality, scope });
      if (verdicts(predictionGates(loaded, record, readings)) !== verdicts(separately(loaded, record))) differing.push(id);
      if (readings.reused.detections > 0) shared++;
    }
    expect(differing).toEqual([]);
    expect(shared).toBe(912);
    loaded.model.dispose();
  }, 900_000);
});
