import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../ml/backend/init';
import { predictionCases } from '../test/prediction-fixtures';
import { fixturePath } from '../test/shared-data';
import { loadPackage } from './package/archive';
import type { LoadedPackage } from './package/io';
import { predictRecord, type Prediction } from './predictor';

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

});
