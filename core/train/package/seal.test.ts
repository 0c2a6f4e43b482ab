import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../ml/backend/init';
import { bundledModelsDir } from '../../cli/commands/model-path';
import { packageCommand } from '../../cli/commands/package';
import { loadPackage } from './archive';
import { attachTestReport, parseManifest, resealPackageFolder, signerOf } from './io';
import { createSigningKey } from './keys';
import { canonicalJson, sealDigest } from './seal';

type Manifest = Record<string, unknown> & {
  classes: string[];
  operatingPoint: { thresholds: number[]; temperature: number; method: string };
  preprocessing: { stages: { kind: string; mean?: number[] }[] };
  provenance: { validation: { metrics: Record<string, unknown> } };
};

const starter = path.join(bundledModelsDir(), 'starter');
const work = mkdtempSync(path.join(tmpdir(), 'einthoven-seal-'));
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A copy of the starter with an edit to its files (manifest as JSON, weights and model.json as bytes). */
function tampered(name: string, edit: (files: { manifest: Manifest; model: Buffer; weights: Buffer }) => void): string {
  const dir = path.join(work, name);
  cpSync(starter, dir, { recursive: true });
  const files = {
    manifest: JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Manifest,
    model: readFileSync(path.join(dir, 'model.json')),
    weights: readFileSync(path.join(dir, 'weights.bin')),
  };
  edit(files);
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(files.manifest, null, 2));
  writeFileSync(path.join(dir, 'model.json'), files.model);
  writeFileSync(path.join(dir, 'weights.bin'), files.weights);
  return dir;
}

/** What an editor who knows the format would do: recompute the files' digests and the seal digest, keep the id. */
function recomputeHashes(files: { manifest: Manifest; model: Buffer; weights: Buffer }): void {
  files.manifest.weightsSha256 = sha(files.weights);
  files.manifest.topologySha256 = sha(files.model);
  (files.manifest.integrity as { sha256: string }).sha256 = sealDigest(files.manifest);
}

const tamperings: [string, (f: { manifest: Manifest; model: Buffer; weights: Buffer }) => void][] = [
  ['classes reversed', (f) => f.manifest.classes.reverse()],
  ['thresholds set to 0', (f) => (f.manifest.operatingPoint.thresholds = f.manifest.operatingPoint.thresholds.map(() => 0))],
  ['temperature 1000', (f) => (f.manifest.operatingPoint.temperature = 1000)],
  ['standardisation mean shifted', (f) => {
    const stage = f.manifest.preprocessing.stages.find((s) => s.kind === 'standardise');
    stage!.mean = stage!.mean!.map((m) => m + 0.5);
  }],
  ['demonstration false with a new name under the same id', (f) => Object.assign(f.manifest, { demonstration: false, name: 'validated-clinical-model' })],
  ['weights changed with their hash recomputed', (f) => {
    f.weights[1000] ^= 0x40;
    f.manifest.weightsSha256 = sha(f.weights);
  }],
  ['weights changed, hash left', (f) => (f.weights[2000] ^= 0x01)],
  ['weights truncated', (f) => (f.weights = f.weights.subarray(0, f.weights.length - 4))],
  ['topology changed', (f) => (f.model = Buffer.from(f.model.toString().replace('"relu"', '"tanh"')))],
  ['topology changed with its hash recomputed', (f) => {
    f.model = Buffer.from(f.model.toString().replace('"relu"', '"tanh"'));
    f.manifest.topologySha256 = sha(f.model);
  }],
  ['id changed', (f) => (f.manifest.id = 'xresnet1d50-ptbxl-pool-demo@000000000000')],
  ['validation metrics inflated', (f) => (f.manifest.provenance.validation.metrics.aucMacro = 0.99)],
  ['operating point method relabelled', (f) => (f.manifest.operatingPoint.method = 'youden')],
  ['an extra field added', (f) => (f.manifest.approvedBy = 'a regulator')],
  ['seal removed', (f) => delete f.manifest.integrity],
  ['classes reversed with every hash recomputed but the id kept', (f) => {
    f.manifest.classes.reverse();
    recomputeHashes(f);
  }],
  ['weights changed with every hash recomputed but the id kept', (f) => {
    f.weights[3000] ^= 0x10;
    recomputeHashes(f);
  }],
];

beforeAll(async () => {
  await initBackend({ force: 'cpu' });
});

describe('sealed model packages', () => {
  it('loads the sealed starter, whose id derives from the seal', async () => {
    const loaded = await loadPackage(starter);
    const raw = JSON.parse(readFileSync(path.join(starter, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    expect(loaded.manifest.id).toBe(`${loaded.manifest.name}@${sealDigest(raw).slice(0, 12)}`);
    loaded.model.dispose();
  });

  it.each(tamperings)('refuses the starter with %s', async (name, edit) => {
    const dir = tampered(name.replace(/\W+/g, '-'), edit);
    await expect(loadPackage(dir)).rejects.toMatchObject({ code: expect.stringMatching(/^E_(MODEL|TOO_LARGE)$/) });
  });

  it('covers 17 tamperings', () => expect(tamperings).toHaveLength(17));

  it('canonical JSON ignores key order and whitespace, not values', () => {
    expect(canonicalJson({ b: 1, a: [1, { d: null, c: 'x' }] })).toBe('{"a":[1,{"c":"x","d":null}],"b":1}');
    expect(sealDigest({ a: 1, b: 2 })).toBe(sealDigest(JSON.parse('{ "b": 2,\n "a": 1 }') as Record<string, unknown>));
    expect(sealDigest({ a: 1 })).not.toBe(sealDigest({ a: 1.0000001 }));
  });

  it('resealing accepts an edit but gives it a new id; a signature names the producer and breaks on any edit', async () => {
    const dir = tampered('resealed', (f) => (f.manifest.description = 'edited on purpose'));
    await expect(loadPackage(dir)).rejects.toMatchObject({ code: 'E_MODEL' });
    const keyDir = path.join(work, 'data');
    const signer = await createSigningKey(keyDir, 'Cardiology, Test Hospital');
    const manifest = await resealPackageFolder(dir, signer);
    const original = parseManifest(readFileSync(path.join(starter, 'manifest.json')), starter);
    expect(manifest.id).not.toBe(original.id);
    const loaded = await loadPackage(dir);
    expect(signerOf(loaded.manifest)).toMatchObject({ signer: 'Cardiology, Test Hospital', keyFingerprint: expect.stringMatching(/^[0-9a-f]{16}$/) });
    loaded.model.dispose();
    await expect(createSigningKey(keyDir, 'again')).rejects.toMatchObject({ code: 'E_CONFLICT' });
    // Someone without the key edits the signed package and recomputes the seal: the signature no longer verifies.
    const forged = tampered('forged', () => undefined);
    cpSync(dir, forged, { recursive: true });
    const m = JSON.parse(readFileSync(path.join(forged, 'manifest.json'), 'utf8')) as Manifest;
    m.operatingPoint.thresholds = m.operatingPoint.thresholds.map(() => 0.01);
    (m.integrity as { sha256: string }).sha256 = sealDigest(m);
    m.id = `${String(m.name)}@${sealDigest(m).slice(0, 12)}`;
    writeFileSync(path.join(forged, 'manifest.json'), JSON.stringify(m));
    await expect(loadPackage(forged)).rejects.toThrow(/signature .* does not verify/);
  });

  it("attaching a locked test to a signed package is refused without a signer, as the signature could not survive it; with one, the package is signed again", async () => {
    const dir = tampered('signed-attach', () => undefined);
    const signer = await createSigningKey(path.join(work, 'attach-key'), 'Cardiology, Test Hospital');
    const signed = await resealPackageFolder(dir, signer);
    // The package's own figures, attached again: what matters here is the signature, not the numbers.
    const { test } = signed.provenance;
    const report = { model: { id: signed.id }, dataset: signed.provenance.dataset.name, datasetSha256: signed.provenance.dataset.sha256, n: test?.n ?? 0, metrics: test?.metrics ?? {}, ci: test?.ci ?? {}, failed: [] };
    const bytes = readFileSync(path.join(dir, 'manifest.json'));
    await expect(attachTestReport(dir, report, { replaceTest: true })).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringMatching(/is signed by Cardiology, Test Hospital \(key [0-9a-f]{16}\); .*would be left unsigned: nothing was written/) });
    expect(readFileSync(path.join(dir, 'manifest.json'))).toEqual(bytes);
    const attached = await attachTestReport(dir, report, { signer, replaceTest: true });
    expect(attached.id).not.toBe(signed.id);
    const loaded = await loadPackage(dir);
    expect(signerOf(loaded.manifest)).toEqual(signerOf(signed));
    loaded.model.dispose();
    // The reading it replaced is kept under the seal and the signature: whoever removes it to hide the rereading is found out.
    expect(attached.provenance.replacedTests).toEqual([{ replacedAt: expect.any(String), packageId: signed.id, test }]);
    for (const [name, reseal] of [['sealed', false], ['resealed without the key', true]] as const) {
      const hidden = path.join(work, `reread-hidden-${name.replace(/ /g, '-')}`);
      cpSync(dir, hidden, { recursive: true });
      const m = JSON.parse(readFileSync(path.join(hidden, 'manifest.json'), 'utf8')) as Manifest & { provenance: { replacedTests?: unknown } };
      delete m.provenance.replacedTests;
      if (reseal) {
        (m.integrity as { sha256: string }).sha256 = sealDigest(m);
        m.id = `${String(m.name)}@${sealDigest(m).slice(0, 12)}`;
      }
      writeFileSync(path.join(hidden, 'manifest.json'), JSON.stringify(m));
      await expect(loadPackage(hidden)).rejects.toMatchObject({ code: 'E_MODEL', message: reseal ? expect.stringMatching(/signature .* does not verify/) : expect.stringMatching(/seal/) });
    }
  });
  it('ecg package seal seals an unsealed or edited package, as the loading error tells one to, and it then loads', async () => {
    const io = { stdout: () => undefined, stderr: () => undefined };
    for (const [name, edit] of [['unsealed', (f: { manifest: Manifest }) => delete f.manifest.integrity], ['edited', (f: { manifest: Manifest }) => (f.manifest.description = 'retrained here')]] as const) {
      const dir = tampered(`cli-${name}`, edit);
      // The refusal names the command to run; that command refused with the same words.
      await expect(loadPackage(dir)).rejects.toMatchObject({ code: 'E_MODEL' });
      expect(await packageCommand.run(['seal', dir], io)).toBe(0);
      const loaded = await loadPackage(dir);
      expect(loaded.manifest.id).toMatch(/^xresnet1d50-ptbxl-pool-demo@[0-9a-f]{12}$/);
      loaded.model.dispose();
    }
  });
});
