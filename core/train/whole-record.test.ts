// Whole-record inference (issue 16 item 2): a 60 s record is scored over its whole length, and
// evaluation (SignalStore + recordLogits) reads it exactly as the app's predictor does.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { SignalStore } from '../data/store';
import { decodeRecordFiles } from '../data/records';
import type { DatasetItem } from '../data/types';
import { initBackend } from '../ml/backend/init';
import { buildPipeline } from '../signal/pipeline';
import { fixturePath } from '../test/shared-data';
import { probabilities } from './calibration';
import { loadPackage } from './package/archive';
import type { LoadedPackage } from './package/io';
import { recordLogits } from './predict';
import { predictRecord, type PredictionInput } from './predictor';

const starter = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../resources/models/starter');
const leadNames = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];

async function record(id: string): Promise<PredictionInput> {
  const base = fixturePath('train', 'ptbxl', 'records100', '00000', `${id}_lr`);
  return decodeRecordFiles([`${base}.hea`, `${base}.dat`]);
}

/** Joins 10 s records end to end (same rate, same leads) into one long record. */
function concatenate(parts: readonly PredictionInput[]): PredictionInput {
  const first = parts[0] as PredictionInput;
  return {
    fs: first.fs,
    leads: first.leads.map((lead, l) => {
      const samples = new Float32Array(parts.reduce((n, p) => n + (p.leads[l]?.samples.length ?? 0), 0));
      let at = 0;
      for (const p of parts) {
        samples.set(p.leads[l]?.samples as Float32Array, at);
        at += p.leads[l]?.samples.length ?? 0;
      }
      return { name: lead.name, samples };
    }),
  };
}

/** Writes a record as WFDB format 16 at 1 µV per unit, so the dataset path reads it from disk. */
async function writeWfdb(dir: string, name: string, input: PredictionInput): Promise<string[]> {
  const n = input.leads[0]?.samples.length ?? 0;
  const data = new Int16Array(n * 12);
  for (let t = 0; t < n; t++) for (let l = 0; l < 12; l++) data[t * 12 + l] = Math.round((input.leads[l]?.samples[t] ?? 0) * 1000);
  const header = [`${name} 12 ${input.fs} ${n}`, ...leadNames.map((lead) => `${name}.dat 16 1000/mV 16 0 0 0 0 ${lead}`)].join('\n');
  const files = [path.join(dir, `${name}.hea`), path.join(dir, `${name}.dat`)];
  await writeFile(files[0] as string, `${header}\n`);
  await writeFile(files[1] as string, new Uint8Array(data.buffer));
  return files;
}

/**
 * The shipped starter as a package made before whole-record inference would read it: its pad
 * stage truncating a long record to its first 10 s (the shipped package keeps long records whole).
 */
function truncatingLongRecords(loaded: LoadedPackage): LoadedPackage {
  const preprocessing = { ...loaded.manifest.preprocessing, stages: loaded.manifest.preprocessing.stages.map((s) => (s.kind === 'padTruncate' ? { ...s, longer: 'truncate' as const } : s)) };
  return { ...loaded, manifest: { ...loaded.manifest, preprocessing }, pipeline: buildPipeline(preprocessing) };
}

let whole: LoadedPackage;
let older: LoadedPackage;
let calm: PredictionInput;
let planted: PredictionInput;

beforeAll(async () => {
  await initBackend({ force: 'wasm' });
  whole = await loadPackage(starter);
  expect(whole.manifest.preprocessing.stages.find((s) => s.kind === 'padTruncate')).toMatchObject({ longer: 'keep' });
  older = truncatingLongRecords(whole);
  const normal = await record('00001'); // NORM, the starter gives it NORM 0.94
  const abnormal = await record('00273'); // ischaemia and LVH (PTB-XL ISC_, LVH), the starter gives it NORM < 0.01, STTC > 0.99
  calm = concatenate([normal, normal, normal, normal, normal, normal]);
  planted = concatenate([normal, normal, normal, normal, normal, abnormal]);
});

describe('a 60 s record is scored over its whole length', () => {
  it('an event planted in the last 10 s changes the prediction', async () => {
    expect(calm.leads[0]?.samples.length).toBe(6000);
    const before = (await predictRecord(whole, calm)).probabilities as Record<string, number>;
    const after = (await predictRecord(whole, planted)).probabilities as Record<string, number>;
    // The last 10 s are a sixth of the windows averaged: the outputs move toward the event's, not to it.
    expect((before.NORM as number) - (after.NORM as number)).toBeGreaterThan(0.05);
    expect((after.STTC as number) - (before.STTC as number)).toBeGreaterThan(0.05);
  });

  it('a package made before whole-record inference still reads only the first 10 s, as it was validated', async () => {
    expect((await predictRecord(older, planted)).probabilities).toEqual((await predictRecord(older, calm)).probabilities);
  });

  it('evaluation reads the long record from disk exactly as the app predicts it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'einthoven-whole-'));
    const items: DatasetItem[] = [
      { id: 'calm', files: await writeWfdb(dir, 'calm', calm), labels: [1, 0, 0, 0, 0], split: 'test' },
      { id: 'planted', files: await writeWfdb(dir, 'planted', planted), labels: [0, 0, 0, 1, 0], split: 'test' },
    ];
    const store = await SignalStore.build(items, { pipeline: whole.manifest.preprocessing });
    const logits = await recordLogits(whole.model, store, ['calm', 'planted'], { ...whole.manifest.inference, stride: whole.manifest.inference.stride ?? 125 });
    const evaluated = probabilities(logits, whole.manifest.operatingPoint.temperature);
    for (const [r, input] of [calm, planted].entries()) {
      // The disk copy is quantised to 1 µV; the model's outputs agree to well within that.
      const app = (await predictRecord(whole, input)).probabilities as Record<string, number>;
      whole.manifest.classes.forEach((c, j) => expect(Math.abs((evaluated[r] as number[])[j] as number) - (app[c] as number)).toBeLessThan(1e-3));
    }
  });
});
