import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../../test/shared-data';
import { capture } from '../../test/cli-io';
import { runCli } from '../run';
import { bundledModelsDir } from './model-path';
import { operatingPointCommand } from './operating-point';
import { auditTrail } from '../../test/engine-value';

// The reviewer's run on the bundled starter and the PTB-XL fixture (its fold 9 is 6 validation records,
// hence the lowered minimum), into a data folder under a site policy; the wasm-free cpu backend.
const starter = (JSON.parse(readFileSync(path.join(bundledModelsDir(), 'starter', 'manifest.json'), 'utf8')) as { id: string }).id;
const me = os.userInfo().username;
const args = (dataDir: string, extra: string[] = []) => ['--model', 'starter', '--data', fixturePath('train', 'ptbxl'), '--goal', 'rule-out', '--target', '0.8', '--min-val-examples', '1', '--backend', 'cpu', '--workers', '1', '--data-dir', dataDir, '--quiet', ...extra];


describe('ecg operating-point into the data folder, as the app makes it (train:operating-point)', () => {
  const policy = path.join(mkdtempSync(path.join(os.tmpdir(), 'einthoven-op-policy-')), 'policy.json');
  beforeAll(() => {
    process.env.EINTHOVEN_POLICY_FILE = policy;
  });
  afterAll(() => {
    delete process.env.EINTHOVEN_POLICY_FILE;
  });

  it("is refused (and the refusal audited) for a reader before anything is read, where it wrote into the shared models/ unrecorded; --out stays the researcher's own, unrestricted and unrecorded", async () => {
    writeFileSync(policy, JSON.stringify({ admins: ['CLINIC\\someone-else'] }));
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-op-reader-'));
    await expect(operatingPointCommand.run(args(dataDir), capture())).rejects.toMatchObject({ code: 'E_FORBIDDEN', message: expect.stringMatching(/^choosing a site operating point for a model needs the trainer role: the site policy .* does not give account/) });
    expect(existsSync(path.join(dataDir, 'models'))).toBe(false);
    expect((await auditTrail(dataDir)).map((e) => [e.action, e.details.channel])).toEqual([['access.refused', 'train:operating-point']]);

    const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'einthoven-op-out-')), 'rule-out');
    expect(await operatingPointCommand.run(args(dataDir, ['--out', out]), capture())).toBe(0);
    expect(existsSync(path.join(out, 'manifest.json'))).toBe(true);
    expect(await auditTrail(dataDir)).toHaveLength(1);
  }, 120_000);

  it('for a trainer: audits its start and end, registers the new model and records its locked-test figures, which ecg models promote then shows', async () => {
    writeFileSync(policy, JSON.stringify({ trainers: [me] }));
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-op-trainer-'));
    const made = capture();
    expect(await operatingPointCommand.run(args(dataDir, ['--json']), made)).toBe(0);
    const { manifest, out, trainingOverlap, notLockedTest } = JSON.parse(made.out[0] as string) as { manifest: { id: string }; out: string; trainingOverlap: { test: { inTraining: number | null } }; notLockedTest: string | null };
    expect(path.dirname(out)).toBe(path.join(dataDir, 'models'));
    // The fixture's fold 10, which the starter did not train or validate on: a locked test, so it is recorded (test rows it saw would not be: operating-point.test.ts).
    expect([trainingOverlap.test.inTraining, notLockedTest]).toEqual([0, null]);
    expect(readdirSync(path.join(dataDir, 'models'))).toEqual([path.basename(out)]);

    const entries = await auditTrail(dataDir);
    expect(entries.map((e) => e.action)).toEqual(['operating-point.started', 'model.registered', 'operating-point.finished', 'model.evaluated']);
    expect(entries[0]?.details).toMatchObject({ modelId: starter, goal: 'rule-out', target: 0.8, minValExamples: 1, dataset: { kind: 'ptbxl', root: fixturePath('train', 'ptbxl') } });
    expect(entries[2]?.details).toMatchObject({ status: 'succeeded', model: manifest.id, base: starter, goal: 'rule-out', test: { n: 6 } });
    expect(entries[3]).toMatchObject({ subject: `model:${manifest.id}`, details: { source: 'operating-point', n: 6 } });
    // The same job id ties start and end together, as the app's does.
    expect(entries[2]?.subject).toBe(entries[0]?.subject);

    const promote = capture();
    expect(await runCli(['models', 'promote', manifest.id, '--data-dir', dataDir], promote)).toBe(1);
    expect(promote.out[0]).toMatch(/: macro AUC .* on 6 locked test records of ptbxl-superclass-100hz .*, while deriving a site operating point, /);
  }, 120_000);
});
