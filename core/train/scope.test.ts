import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { predictCommand } from '../cli/commands/predict';
import { decodeRecordFiles } from '../data/records';
import { initBackend } from '../ml/backend/init';
import { starterCopy, starterDir, statingOneWindow } from '../test/legacy-starter';
import { fixturePath } from '../test/shared-data';
import { loadPackage } from './package/archive';
import type { LoadedPackage } from './package/io';
import { intendedInputOf } from './package/manifest';
import { predictRecord } from './predictor';
import { checkScope, defaultIntendedInput, withValidatedDuration } from './scope';

const paced = fixturePath('signal', 'ptbxl-paced', '00143_hr.hea');
const sinus = fixturePath('formats', 'ptbxl', '00001_hr.hea');
let loaded: LoadedPackage;

beforeAll(async () => {
  await initBackend({ force: 'cpu' });
  loaded = await loadPackage(starterDir);
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
    // The shipped starter states the shortest of the records it was validated on: PTB-XL's 10 s.
    expect(loaded.manifest.intendedInput).toMatchObject({ minSeconds: 10, minSecondsBasis: 'validation records' });
    expect(intended).toEqual({ ...defaultIntendedInput(loaded.manifest.preprocessing), minSeconds: 10, minSecondsBasis: 'validation records' });
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

  it('abstains on paced PTB-XL 00143 at 100 Hz, where no spike can be seen but its QRS is as wide as a paced one, as on its 500 Hz twin (it gave CD 97.5 % with a note)', async () => {
    const pacedAtHundred = await predictRecord(loaded, await record(fixturePath('formats', 'ptbxl', '00143_lr.hea')));
    expect(pacedAtHundred).toMatchObject({ abstained: true, probabilities: null, decisions: null, scope: { notes: [] } });
    expect(pacedAtHundred.reason).toMatch(
      /^outside the model's intended input: possibly paced \(pacing could not be assessed: the record is sampled at 100 Hz, and pacemaker spikes need at least 250 Hz to be seen, and the QRS is 210 ms: wider than 160 ms, .*\): the model was not trained on paced rhythms$/,
    );
  });
});

describe('leads a file holds as zeros', () => {
  it('are missing leads: the model abstains naming them, where it gave MI 52 % on CinC JS20004 (V2, V4, V6 all zero)', async () => {
    const whole = await record(sinus);
    const zeroed = { ...whole, leads: whole.leads.map((l) => (['V2', 'V4', 'V6'].includes(l.name) ? { ...l, samples: new Float32Array(l.samples.length) } : l)) };
    const result = await predictRecord(loaded, zeroed);
    expect(result).toMatchObject({ abstained: true, probabilities: null });
    expect(result.scope.reasons).toEqual(['missing leads V2, V4, V6: the model needs all 12 leads']);
    // A lead with any variation is present: near-flat is the quality gate's to judge.
    const faint = { ...whole, leads: whole.leads.map((l) => (l.name === 'V2' ? { ...l, samples: l.samples.map((v) => v * 0.01) } : l)) };
    expect(checkScope(faint, intendedInputOf(loaded.manifest)).reasons).toEqual([]);
  });
});

describe('how short a record a model is for', () => {
  it('the starter, validated on 10 s ECGs, abstains on the first 3 s of a sinus ECG instead of flagging it', async () => {
    // A reviewer saw the CPSC-class model flag RBBB on such a cut, where the whole 10 s read as normal.
    const whole = await record(sinus);
    const first3s = { ...whole, leads: whole.leads.map((l) => ({ ...l, samples: l.samples.subarray(0, 3 * whole.fs) })) };
    const short = await predictRecord(loaded, first3s);
    expect(short).toMatchObject({ abstained: true, probabilities: null });
    expect(short.scope.reasons).toEqual(['too short: 3.00 s; the model needs at least 10.00 s (the shortest record it was validated on)']);
  });

  it('a package that stated one model window (2.5 s) and no basis, as the starter did before it was remade, is held to the resting ECG it was validated on', async () => {
    const older = await loadPackage(await starterCopy(await mkdtemp(path.join(tmpdir(), 'einthoven-legacy-starter-')), statingOneWindow));
    try {
      expect(older.manifest.intendedInput).toMatchObject({ minSeconds: 2.5 });
      expect(older.manifest.intendedInput?.minSecondsBasis).toBeUndefined();
      expect(intendedInputOf(older.manifest)).toEqual({ ...defaultIntendedInput(older.manifest.preprocessing), minSeconds: 10, minSecondsBasis: 'resting ECG' });
      const whole = await record(sinus);
      const first3s = { ...whole, leads: whole.leads.map((l) => ({ ...l, samples: l.samples.subarray(0, 3 * whole.fs) })) };
      const short = await predictRecord(older, first3s);
      expect(short).toMatchObject({ abstained: true, probabilities: null });
      expect(short.scope.reasons).toEqual(['too short: 3.00 s; the model needs at least 10.00 s (the standard resting ECG it was validated on; the package does not state shorter ones)']);
      // The whole 10 s record is long enough for it: the floor is the resting ECG's, not more.
      expect(await predictRecord(older, whole)).toMatchObject({ abstained: false, scope: { reasons: [] } });
    } finally {
      older.model.dispose();
    }
  });

  it('a trained package states the shortest record it was validated on, never less than one model window', () => {
    const pipeline = loaded.manifest.preprocessing;
    const stated = defaultIntendedInput(pipeline);
    expect(stated).toMatchObject({ minSeconds: 2.5, minSecondsBasis: 'one model window' });
    expect(withValidatedDuration(stated, pipeline, [10, 9.998, 30])).toMatchObject({ minSeconds: 9.9, minSecondsBasis: 'validation records' });
    expect(withValidatedDuration(stated, pipeline, [6.04, 60])).toMatchObject({ minSeconds: 6, minSecondsBasis: 'validation records' });
    expect(withValidatedDuration(stated, pipeline, [2, 10])).toMatchObject({ minSeconds: 2.5, minSecondsBasis: 'one model window' });
    expect(withValidatedDuration(stated, pipeline, [])).toMatchObject({ minSeconds: 2.5, minSecondsBasis: 'one model window' });
    const tooShort = checkScope({ fs: 100, leads: [{ name: 'I', samples: Float32Array.from({ length: 700 }, (_, i) => Math.sin(i / 10)) }] }, { ...withValidatedDuration(stated, pipeline, [9.99]), requiredLeads: ['I'], pacing: 'allowed' });
    expect(tooShort.reasons).toEqual(['too short: 7.00 s; the model needs at least 9.90 s (the shortest record it was validated on)']);
  });
});
