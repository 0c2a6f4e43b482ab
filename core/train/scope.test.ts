import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { predictCommand } from '../cli/commands/predict';
import { decodeRecordFiles } from '../data/records';
import { initBackend } from '../ml/backend/init';
import { fixturePath } from '../test/shared-data';
import { loadPackage } from './package/archive';
import type { LoadedPackage } from './package/io';
import { intendedInputOf } from './package/manifest';
import { predictRecord } from './predictor';
import { checkScope, defaultIntendedInput } from './scope';

const starter = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../resources/models/starter');
const paced = fixturePath('signal', 'ptbxl-paced', '00143_hr.hea');
const sinus = fixturePath('formats', 'ptbxl', '00001_hr.hea');
let loaded: LoadedPackage;

beforeAll(async () => {
  await initBackend({ force: 'cpu' });
  loaded = await loadPackage(starter);
});

const record = async (hea: string) => decodeRecordFiles([hea, hea.replace(/\.hea$/, '.dat')]);

describe('out of scope means no confident number', () => {
  it('ecg predict --model starter on a paced PTB-XL record (pacemaker in its metadata) abstains, naming pacing', async () => {
    const stdout: string[] = [];
    const code = await predictCommand.run(['--model', 'starter', paced, '--json', '--backend', 'cpu'], { stdout: (t) => stdout.push(t), stderr: () => undefined });
    expect(code).toBe(0);
    const line = JSON.parse(stdout[0] as string) as { abstained: boolean; probabilities: unknown; reason: string; scope: { reasons: string[] } };
    expect(line).toMatchObject({ abstained: true, probabilities: null });
    expect(line.reason).toMatch(/^outside the model's intended input: pacing spikes detected \(\d+ pacemaker spikes/);
    expect(line.scope.reasons).toHaveLength(1);
    // The same model on a sinus-rhythm record at the same rate answers, with no scope reason.
    const normal = await predictRecord(loaded, await record(sinus));
    expect(normal).toMatchObject({ abstained: false, scope: { reasons: [], notes: [] } });
  });

  it('abstains on a child, non-ECG channels, a missing lead, a rate below the model\u2019s, and notes pacing it could not judge at 100 Hz', async () => {
    const base = await record(sinus);
    const intended = intendedInputOf(loaded.manifest);
    expect(intended).toEqual(defaultIntendedInput(loaded.manifest.preprocessing)); // the shipped starter predates the field
    const child = await predictRecord(loaded, { ...base, patient: { ageYears: 5 } });
    expect(child.reason).toBe("outside the model's intended input: patient aged 5 years; the model is for 18 years and older");
    const withPressure = checkScope({ ...base, leads: [...base.leads, { name: 'ABP', samples: base.leads[0]?.samples as Float32Array }] }, intended);
    expect(withPressure.reasons).toEqual(['the record holds non-ECG channels (ABP); the model reads surface ECG leads only']);
    const noV1 = checkScope({ ...base, leads: base.leads.filter((l) => l.name !== 'V1') }, intended);
    expect(noV1.reasons).toEqual(['missing lead V1: the model needs all 12 leads']);
    expect(checkScope({ ...base, fs: 50 }, intended).reasons).toContain('sampled at 50 Hz; the model is for 100–20000 Hz');
    const lowRate = await record(fixturePath('train', 'ptbxl', 'records100', '00000', '00001_lr.hea'));
    const atHundred = await predictRecord(loaded, lowRate);
    expect(atHundred.abstained).toBe(false);
    expect(atHundred.scope.notes).toEqual([expect.stringMatching(/^Pacing could not be assessed: the record is sampled at 100 Hz.*the model is not for paced rhythms$/)]);
  });
});
