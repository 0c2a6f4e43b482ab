import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { TrainFinishedSchema } from '../contract/training-schemas';
import { sealManifest } from '../train/package/seal';
import { fixturePath } from '../test/shared-data';
import { ptbxlFixtureWithFoldsSwapped } from '../test/swapped-folds';
import { Engine } from './engine';

/**
 * A site evaluation from the app (models:evaluate) on records of which one cannot be read: its
 * figures rest on the others, and the result and the audit say how many were left out and why,
 * as `ecg evaluate` prints them.
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-site-eval-'));
const engines: Engine[] = [];
afterAll(async () => {
  await Promise.all(engines.map((e) => e.close()));
});

/** The PTB-XL fixture with one locked-test record (fold 10) damaged: its signal file cut to 10 bytes. */
function fixtureWithOneDamagedTestRecord(): string {
  const root = path.join(dataDir, 'ptbxl');
  cpSync(fixturePath('train', 'ptbxl'), root, { recursive: true });
  writeFileSync(path.join(root, 'records100', '00000', '00038_lr.dat'), Buffer.alloc(10));
  return root;
}

/** The bundled starter's id, as the Models page lists it. */
async function bundledStarterId(engine: Engine): Promise<string> {
  const listed = await engine.handle('models:list', {});
  if (!listed.ok) throw new Error(listed.error.message);
  return (listed.value as { models: { id: string; bundled: boolean }[] }).models.find((m) => m.bundled && m.id.startsWith('xresnet1d50-ptbxl-pool-demo@'))?.id as string;
}

/** Runs a site evaluation as the app does (models:evaluate) and waits for its end, which comes only once it is audited. */
async function evaluated(engine: Engine, request: { modelId: string; dataset: { kind: 'ptbxl'; root: string }; split: 'test' }) {
  const finished = new Promise<unknown>((resolve) => {
    const off = engine.onEvent((event, payload) => {
      if (event === 'train:finished') {
        off();
        resolve(payload);
      }
    });
  });
  const started = await engine.handle('models:evaluate', request);
  expect(started.ok).toBe(true);
  const event = TrainFinishedSchema.parse(await finished);
  if (event.status !== 'succeeded' || event.result?.kind !== 'evaluate') throw new Error(`evaluation ${event.status}`);
  return { ...event, result: event.result };
}

describe('site evaluation in the app', () => {
  it('says how many locked-test records could not be read, names the first, audits the count and keeps it with the recorded evaluation', async () => {
    const root = fixtureWithOneDamagedTestRecord();
    const engine = new Engine({ dataDir, shell: 'test', resourcesDir: path.join(repoRoot, 'resources') });
    engines.push(engine);
    engine.folders.allow(root);
    const starter = await bundledStarterId(engine);
    const event = await evaluated(engine, { modelId: starter, dataset: { kind: 'ptbxl', root }, split: 'test' });
    // Six fold-10 records; the one cut short is in no figure, and the result says which and why.
    expect(event.result.n).toBe(5);
    expect(event.result.unreadable).toEqual({ count: 1, examples: [{ id: '38', reason: expect.stringMatching(/00038_lr\.dat: truncated/) }] });
    // The UI hears of the end only once it is audited.
    const audited = engine.audit.recent().filter((e) => e.action === 'evaluate.finished');
    expect(audited.map((e) => e.details)).toEqual([expect.objectContaining({ status: 'succeeded', n: 5, unreadable: 1 })]);
    // And the recorded evaluation keeps it: a promotion later rests on 5 records of the 6 labelled, and says so.
    expect(engine.ledger.evaluations.latest(starter)).toMatchObject({ source: 'evaluate', n: 5, unreadable: 1 });
    expect(engine.audit.recent().find((e) => e.action === 'model.evaluated')?.details).toMatchObject({ n: 5, unreadable: 1 });
  });

  it('does not record, as the locked test a promotion rests on, figures on test records the model trained on, and says which', async () => {
    const root = ptbxlFixtureWithFoldsSwapped(path.join(dataDir, 'swapped'));
    const own = mkdtempSync(path.join(os.tmpdir(), 'einthoven-site-eval-seen-'));
    const engine = new Engine({ dataDir: own, shell: 'test', resourcesDir: path.join(repoRoot, 'resources') });
    engines.push(engine);
    engine.folders.allow(root);
    const starter = await bundledStarterId(engine);
    const event = await evaluated(engine, { modelId: starter, dataset: { kind: 'ptbxl', root }, split: 'test' });
    expect(event.result.trainingOverlap).toMatchObject({ checked: 2, inTraining: 2 });
    expect(event.result.notLockedTest).toBe(
      "not locked-test figures: 2 of the 2 test records are among xresnet1d50-ptbxl-pool-demo's training and validation records: its figures on them are optimistic; a locked test holds no record the model saw (here 32, 96): leave them out of the test split",
    );
    // Audited as run, not kept: a promotion would otherwise rest on the starter's own training records.
    expect(engine.audit.recent().filter((e) => e.action === 'evaluate.finished')).toHaveLength(1);
    expect(engine.ledger.evaluations.latest(starter)).toBeNull();
  });

  it('does not record figures of a model that keeps no record of its training records, on data other than its own: whether it saw them cannot be checked', async () => {
    const own = mkdtempSync(path.join(os.tmpdir(), 'einthoven-site-eval-unknown-'));
    // The starter as a package written before packages kept a training-record filter, installed in the data folder.
    const old = path.join(own, 'models', 'starter-unrecorded');
    cpSync(path.join(repoRoot, 'resources', 'models', 'starter'), old, { recursive: true });
    const raw = JSON.parse(readFileSync(path.join(old, 'manifest.json'), 'utf8')) as { provenance: Record<string, unknown> } & Record<string, unknown>;
    delete raw.provenance.trainingRecords;
    const sealed = sealManifest(raw);
    writeFileSync(path.join(old, 'manifest.json'), JSON.stringify(sealed));
    const engine = new Engine({ dataDir: own, shell: 'test', resourcesDir: path.join(repoRoot, 'resources') });
    engines.push(engine);
    const root = fixturePath('train', 'ptbxl');
    engine.folders.allow(root);
    const modelId = sealed.id as string;
    const event = await evaluated(engine, { modelId, dataset: { kind: 'ptbxl', root }, split: 'test' });
    // Shown, with why they are no locked test and what would be one, as ecg evaluate says it.
    expect(event.result.n).toBeGreaterThan(0);
    expect(event.result.trainingOverlap.inTraining).toBeNull();
    const trainedOn = (raw.provenance.dataset as { sha256: string }).sha256.slice(0, 12);
    expect(event.result.notLockedTest).toBe(
      `not locked-test figures: whether the model trained or validated on these test records cannot be checked, as xresnet1d50-ptbxl-pool-demo keeps no record of its own training records (written before packages kept one), and a locked test holds no record the model saw; xresnet1d50-ptbxl-pool-demo's locked test is the test split of the data it was trained on, ptbxl-superclass-100hz (index ${trainedOn}), as it was split and labelled then`,
    );
    // Audited as run, not kept as the site evaluation a promotion rests on.
    expect(engine.audit.recent().filter((e) => e.action === 'evaluate.finished')).toHaveLength(1);
    expect(engine.ledger.evaluations.latest(modelId)).toBeNull();
  });
});
