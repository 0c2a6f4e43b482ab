import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeRecordFiles } from '../data/records';
import { initBackend } from '../ml/backend/init';
import { fixturePath } from '../test/shared-data';
import { loadPackage } from '../train/package/archive';
import { predictRecord, type Prediction } from '../train/predictor';
import { liveWorkerThreads } from './pool';
import { PredictionPool } from './prediction-pool';

const starter = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../resources/models/starter');

describe('predictions on worker threads (batch prediction over the worklist)', () => {
  it('predicts several records at once exactly as this thread does, the package verified by each worker', async () => {
    await initBackend({ force: 'wasm' });
    const records = await Promise.all(
      ['00001', '00002', '00003', '00008'].map((id) => {
        const base = fixturePath('train', 'ptbxl', 'records100', '00000', `${id}_lr`);
        return decodeRecordFiles([`${base}.hea`, `${base}.dat`]);
      }),
    );
    const loaded = await loadPackage(starter);
    const expected: Prediction[] = [];
    for (const r of records) expected.push(await predictRecord(loaded, r));
    loaded.model.dispose();
    const pool = new PredictionPool(2);
    expect(pool.enabled).toBe(true);
    try {
      const got = await Promise.all(records.map((r) => pool.predict(starter, r)));
      got.forEach((g, i) => {
        const e = expected[i]!;
        expect(g.model).toEqual(e.model);
        expect(g.abstained).toBe(e.abstained);
        for (const [c, p] of Object.entries(e.probabilities ?? {})) expect(Math.abs((g.probabilities?.[c] as number) - p)).toBeLessThan(1e-5);
      });
      expect(liveWorkerThreads()).toBe(2);
      await expect(pool.predict(path.join(starter, 'missing'), records[0]!)).rejects.toThrow();
    } finally {
      await pool.close();
    }
    expect(liveWorkerThreads()).toBe(0);
    expect(new PredictionPool(1).enabled).toBe(false);
  });
});
