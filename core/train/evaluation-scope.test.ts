import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateCommand } from '../cli/commands/evaluate';
import { modelsCommand } from '../cli/commands/models';
import { bundledModelsDir } from '../cli/commands/model-path';
import type { DatasetItem } from '../data/types';
import { fixturePath } from '../test/shared-data';
import { inScopeItems, leftOutNote } from './evaluation-scope';
import { evaluateJob } from './jobs/evaluate-job';
import type { IntendedInput } from './scope';

const ptbxl = fixturePath('train', 'ptbxl');
const starter = path.join(bundledModelsDir(), 'starter');

/** A fixture record as a dataset row (WFDB header and signal). */
function row(file: string, ageYears?: number): DatasetItem {
  return { id: path.basename(file), files: [`${file}.hea`, `${file}.dat`], labels: [1], split: 'test', ...(ageYears === undefined ? {} : { demographics: { ageYears } }) };
}

const lr = (n: string) => path.join(ptbxl, 'records100', '00000', `${n}_lr`);
const hr = path.join(fixturePath('train', 'ptbxl-500'), 'records500', '00000', '00001_hr');

/** A 12-lead model for 500 Hz and up, adults, no pacing (what a model trained at 500 Hz states). */
const for500Hz: IntendedInput = {
  ageYears: { min: 18, max: null },
  pacing: 'excluded',
  requiredLeads: ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'],
  minSeconds: 10,
  minSecondsBasis: 'validation records',
  fsHz: { min: 500, max: 20_000 },
  channels: 'ecg',
};

describe('leftOutNote', () => {
  it('says "it" of one record left out and "them" of more', () => {
    const what = 'the figures cover only the records within m\'s intended input';
    expect(leftOutNote({ count: 1, total: 6, byReason: { age: 1 } }, what)).toBe("the figures cover only the records within m's intended input; 1 of 6 left out, as the model gives no prediction on it (1 with the patient's age outside the model's range)");
    expect(leftOutNote({ count: 2, total: 6, byReason: { age: 2 } }, what)).toMatch(/; 2 of 6 left out, as the model gives no prediction on them \(/);
  });

  it('counts each reason in words that read for one record and for many', () => {
    const note = (byReason: Parameters<typeof leftOutNote>[0]['byReason']) => leftOutNote({ count: 9, total: 20, byReason }, 'w');
    // These read "2 patient age outside the model's range", "2 sampling rate outside the model's range".
    expect(note({ age: 2, rate: 2 })).toBe("w; 9 of 20 left out, as the model gives no prediction on them (2 with sampling rates outside the model's range, 2 with the patient's age outside the model's range)");
    expect(note({ rate: 1, age: 1 })).toMatch(/\(1 with a sampling rate outside the model's range, 1 with the patient's age outside the model's range\)$/);
    expect(note({ channels: 2, leads: 3, duration: 1, pacing: 2 })).toMatch(/\(2 with non-ECG channels, 3 with missing leads, 1 too short, 2 paced, or possibly paced \(/);
  });
});

describe('inScopeItems', () => {
  it('leaves out the records predict would abstain on, counted by reason, and keeps the rest', async () => {
    const { items, outOfScope } = await inScopeItems('m500', [for500Hz], [row(lr('00038')), row(hr), row(lr('00057')), row(hr, 12)]);
    expect(items.map((i) => i.id)).toEqual(['00001_hr']);
    expect(outOfScope).toMatchObject({ count: 3, byReason: { rate: 2, age: 1 }, example: { id: '00038_lr', reasons: ['sampled at 100 Hz; the model is for 500–20000 Hz'] } });
    expect(outOfScope.note).toBe("the figures cover only the records within m500's intended input; 3 of 4 left out, as the model gives no prediction on them (2 with sampling rates outside the model's range, 1 with the patient's age outside the model's range)");
  });

  it('refuses when no record is within the intended input, where evaluate upsampled 100 Hz records and scored them', async () => {
    await expect(inScopeItems('m500', [for500Hz], [row(lr('00038')), row(lr('00057'))])).rejects.toMatchObject({
      code: 'E_VALIDATION',
      message: expect.stringMatching(/^none of the 2 records is within m500's intended input \(2 with sampling rates outside the model's range; e\.g\. 00038_lr: sampled at 100 Hz/),
    });
    // One record, in the singular (it read "none of the 1 records is within").
    await expect(inScopeItems('m500', [for500Hz], [row(lr('00038'))])).rejects.toMatchObject({ message: expect.stringMatching(/^the 1 record is not within m500's intended input \(1 with a sampling rate outside/) });
  });

  it('says in the singular that the one record given is within the intended input', async () => {
    expect((await inScopeItems('m500', [for500Hz], [row(hr)])).outOfScope.note).toBe("the 1 record is within m500's intended input");
    expect((await inScopeItems('m500', [for500Hz], [row(hr), row(hr)])).outOfScope.note).toBe("every one of the 2 records is within m500's intended input");
  });
});

describe('evaluate within the intended input', () => {
  it("leaves the starter's 17-year-old out of every figure and says so", async () => {
    const report = await evaluateJob({ model: starter, dataset: { kind: 'ptbxl', root: ptbxl, fs: 100 }, split: 'all', backend: 'cpu', workers: 1 });
    expect(report.outOfScope).toMatchObject({ count: 1, byReason: { age: 1 }, example: { id: '22', reasons: ['patient aged 17 years; the model is for 18 years and older'] } });
    expect(report.n).toBe(23); // of the 24 labelled records
  });

  it('records the count with the site evaluation, and promote shows it beside the figures', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-scope-'));
    const labels = path.join(dataDir, 'labels.csv');
    const rows = [['00022', 'NORM', 17], ['00038', 'NORM', 40], ['00057', 'NORM', 26], ['00065', 'CD', 62], ['00175', 'MI', 64], ['00299', 'HYP|STTC', 59]] as const;
    writeFileSync(labels, `file,label,patient_id,split,age\n${rows.map(([n, label, age]) => `records100/00000/${n}_lr.hea,${label},p${n},test,${age}`).join('\n')}\n`);
    const stdout: string[] = [];
    const io = { stdout: (t: string) => stdout.push(t), stderr: () => undefined };
    await evaluateCommand.run(['--model', 'starter', '--data', ptbxl, '--labels', labels, '--split', 'test', '--record', '--data-dir', dataDir, '--backend', 'cpu', '--workers', '1', '--quiet'], io);
    expect(stdout[1]).toBe("  note: the figures cover only the records within xresnet1d50-ptbxl-pool-demo's intended input; 1 of 6 left out, as the model gives no prediction on it (1 with the patient's age outside the model's range); e.g. records100/00000/00022_lr.hea: patient aged 17 years; the model is for 18 years and older");
    stdout.length = 0;
    const id = (await import(path.join(starter, 'manifest.json'), { with: { type: 'json' } }) as { default: { id: string } }).default.id;
    await modelsCommand.run(['promote', id, '--data-dir', dataDir], io);
    expect(stdout[0]).toMatch(/on 5 locked test records of .* \(1 more outside its intended input, in no figure\), an evaluation/);
  });
});
