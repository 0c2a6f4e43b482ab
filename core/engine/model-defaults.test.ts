import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { trainJob } from '../train/jobs/train-job';
import { fixturePath } from '../test/shared-data';
import { Engine } from './engine';

/** Promoting and rolling back the default model on the real engine: the bundled starter and a tiny model trained on real records. */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-defaults-'));
const engines: Engine[] = [];
afterAll(async () => {
  await Promise.all(engines.map((e) => e.close()));
});

async function value<T>(engine: Engine, channel: string, request: object): Promise<T> {
  const r = await engine.handle(channel, request);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
  return r.value as T;
}

type Listing = { models: { id: string; bundled: boolean }[]; defaultModelId: string | null; previousDefaultId: string | null };

/** Runs a locked-test evaluation job through the contract and waits until it is recorded. */
async function evaluateOnTest(engine: Engine, modelId: string): Promise<void> {
  const done = new Promise<void>((resolve) => {
    const off = engine.onEvent((event) => {
      if (event === 'train:finished') {
        off();
        resolve();
      }
    });
  });
  await value(engine, 'models:evaluate', { modelId, dataset: { kind: 'ptbxl', root: fixturePath('train', 'ptbxl') }, split: 'test' });
  await done;
}

describe('default model for predictions', () => {
  it('is gated on a recorded locked-test evaluation; promotes under a name, rolls back, survives a restart, forgets an uninstalled model, and is audited', async () => {
    await trainJob({ dataset: { kind: 'ptbxl', root: fixturePath('train', 'ptbxl') }, architecture: 'xresnet1d50', out: path.join(dataDir, 'models', 'local'), name: 'local', backend: 'wasm', train: { epochs: 1, batchSize: 6, minExamples: { train: 1, val: 1 } } });
    const engine = new Engine({ dataDir, shell: 'test', resourcesDir: path.join(repoRoot, 'resources') });
    engine.folders.allow(fixturePath('train', 'ptbxl'));
    engines.push(engine);
    const listed = await value<Listing>(engine, 'models:list', {});
    expect(listed).toMatchObject({ defaultModelId: null, previousDefaultId: null });
    const starter = listed.models.find((m) => m.bundled && m.id.startsWith('xresnet1d50-ptbxl-pool-demo@'))?.id as string;
    const local = listed.models.find((m) => !m.bundled)?.id as string;
    const by = { promotedBy: 'Dr Einthoven', confirmed: true };

    // No locked-test evaluation on this site's data: refused, saying what to run.
    const refused = await engine.handle('models:promote', { modelId: starter, ...by });
    expect(refused).toMatchObject({ ok: false, error: { code: 'E_VALIDATION', message: expect.stringMatching(/no locked-test evaluation on this site's data.*ecg evaluate --model .* --split test --record/) } });
    // Without a name or a confirmation the request itself is invalid.
    expect(await engine.handle('models:promote', { modelId: starter })).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } });
    expect(await engine.handle('models:promote', { modelId: starter, promotedBy: ' ', confirmed: true })).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } });

    await evaluateOnTest(engine, starter);
    await evaluateOnTest(engine, local);
    const evaluated = await value<{ models: { id: string; siteEvaluation: { n: number; source: string } | null }[] }>(engine, 'models:list', {});
    // The two evaluated models carry their evaluation; the other bundled model (starter-cpsc) has none.
    const siteEvaluationOf = (id: string) => evaluated.models.find((m) => m.id === id)?.siteEvaluation;
    expect([siteEvaluationOf(starter), siteEvaluationOf(local)]).toEqual([expect.objectContaining({ n: 6, source: 'evaluate' }), expect.objectContaining({ n: 6, source: 'evaluate' })]);
    expect(evaluated.models.filter((m) => m.id !== starter && m.id !== local).map((m) => m.siteEvaluation)).toEqual([null]);
    // Each keeps how calibrated its probabilities were on those records, class by class (the app's reliability diagram).
    const calibration = (await value<{ siteEvaluation: { calibration: Record<string, { n: number; bins: unknown[] }> | null } }>(engine, 'models:get', { modelId: starter })).siteEvaluation?.calibration;
    expect(Object.keys(calibration ?? {})).toEqual(['NORM', 'MI', 'STTC', 'CD', 'HYP']);
    expect(calibration?.NORM).toMatchObject({ n: 6, bins: expect.any(Array) });
    expect(calibration?.NORM?.bins).toHaveLength(10);
    // The audit names the classes these records show miscalibrated beyond binning noise (none measured: null).
    const evaluatedEntry = engine.audit.recent(20).find((e) => e.action === 'model.evaluated' && e.subject === `model:${starter}`);
    const beyond = Object.keys(calibration ?? {}).filter((c) => {
      const k = calibration?.[c] as unknown as { ece: number | null; eceIfCalibrated: { p95: number | null } };
      return k.ece !== null && k.eceIfCalibrated.p95 !== null && k.ece > k.eceIfCalibrated.p95;
    });
    expect(evaluatedEntry?.details).toMatchObject({ calibrationBeyondChance: beyond });

    expect(await value(engine, 'models:promote', { modelId: starter, ...by })).toEqual({ defaultModelId: starter, previousDefaultId: null });
    expect(await value(engine, 'models:promote', { modelId: 'local', ...by })).toEqual({ defaultModelId: local, previousDefaultId: starter }); // by name too
    expect(engine.audit.recent(1)[0]).toMatchObject({
      actor: 'Dr Einthoven',
      action: 'model.promoted',
      subject: `model:${local}`,
      details: { previous: starter, rollback: false, evaluation: { n: 6 }, previousEvaluation: { n: 6 } },
    });
    // Rolling back is promoting the previous one.
    expect(await value(engine, 'models:promote', { modelId: starter, ...by })).toEqual({ defaultModelId: starter, previousDefaultId: local });
    expect(await engine.handle('models:promote', { modelId: 'nope', ...by })).toMatchObject({ ok: false, error: { code: 'E_NOT_FOUND' } });

    const restarted = new Engine({ dataDir, shell: 'test', resourcesDir: path.join(repoRoot, 'resources') });
    engines.push(restarted);
    expect(await value<Listing>(restarted, 'models:list', {})).toMatchObject({ defaultModelId: starter, previousDefaultId: local });
    // Without the bundled models the stored default names nothing installed: it is not offered.
    const bare = new Engine({ dataDir, shell: 'test' });
    engines.push(bare);
    expect(await value<Listing>(bare, 'models:list', {})).toMatchObject({ defaultModelId: null, previousDefaultId: local });
  });
});
