import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cvLines } from '../../cli/commands/cv-print';
import { closingLines } from '../../cli/commands/finetune';
import { modelCommand } from '../../cli/commands/model';
import { bundledModelsDir } from '../../cli/commands/model-path';
import { trainCommand } from '../../cli/commands/train';
import { loadPtbxl } from '../../data/ptbxl';
import { fixturePath } from '../../test/shared-data';
import { runCli } from '../../test/cli-io';
import { loadDataset } from '../../data/load';
import { ModelDetailSchema } from '../../contract/clinic-schemas';
import { modelDetail } from '../../engine/model-detail';
import { trainConfigSchema } from '../config';
import { crossValidationPlan } from '../cv';
import { loadPackage } from '../package/archive';
import { intendedInputOf } from '../package/manifest';
import { readManifest } from '../service/models';
import { cvJob } from './cv-job';
import { finetuneJob } from './finetune-job';
import { prepareTraining } from './prepare';
import { jobPipeline, trainJob } from './train-job';
import { scopedValidation, validationOutOfScope, validationRule } from './validation-scope';

const ptbxl = fixturePath('train', 'ptbxl');
const starter = path.join(bundledModelsDir(), 'starter');

/**
 * The fixture's PTB-XL records as a hospital labels CSV for NORM, the rows `minor` picks given age
 * 17 (outside every intended input here, adults: `ecg predict` abstains on them) and the others no
 * age (PTB-XL's WFDB files state none), so no other row is left out. Validation rows: 8, 10, 26,
 * 30, 47, 49 (PTB-XL's strat_fold 9).
 */
async function labelsWithMinors(dir: string, minor: (item: { id: string; split: string; files: readonly string[] }) => boolean): Promise<string> {
  const ds = await loadPtbxl(ptbxl, { fs: 100 });
  const norm = ds.classes.indexOf('NORM');
  const rows = ds.items.map((i) => `${path.relative(ptbxl, i.files[0] as string)},${i.labels[norm]},${i.patientId ?? ''},${i.split},${minor(i) ? 17 : ''}`);
  const labels = path.join(dir, 'norm.csv');
  writeFileSync(labels, `file,label,patient_id,split,age\n${rows.join('\n')}\n`);
  return labels;
}

const tiny = { epochs: 1, batchSize: 4, minExamples: { train: 1, val: 1 } };
/** The note the package named `name` keeps with its validation figures, naming it as its locked-test note does. */
const leftOutNote = (name: string) => `the epoch, temperature and thresholds were chosen on the validation records within ${name}'s intended input; 1 of 6 left out, as the model gives no prediction on it (1 with the patient's age outside the model's range)`;

describe("validation rows outside the model's intended input (the operating point was tuned on them too)", () => {
  it('ecg train chooses its epoch and thresholds on the others, keeps the count in provenance.validation and prints the note', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-val-scope-'));
    const labels = await labelsWithMinors(dir, (i) => i.id === '47');
    const out = path.join(dir, 'm');
    const r = await runCli(trainCommand, ['--data', ptbxl, '--labels', labels, '--class', 'NORM', '--arch', 'xresnet1d50', '--out', out, '--epochs', '1', '--batch', '4', '--backend', 'wasm', '--workers', '1', '--min-examples', '1,1', '--quiet']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`  note: ${leftOutNote('m')}`);
    const { manifest, model } = await loadPackage(out);
    model.dispose();
    expect(manifest.provenance.validation).toMatchObject({ n: 5, outOfScope: { count: 1, byReason: { age: 1 }, note: leftOutNote('m') } });
    // The dataset's splits are still counted whole: the 6 validation rows, of which 5 chose.
    expect(manifest.provenance.dataset.records.val).toBe(6);
    // The card's description as the app receives it, through the contract: the count with the validation figures.
    const detail = ModelDetailSchema.parse(JSON.parse(JSON.stringify(modelDetail({ manifest, location: out, bundled: false }))));
    expect(detail.validationDetail).toMatchObject({ n: 5, outOfScope: { count: 1, byReason: { age: 1 }, note: leftOutNote('m') } });
    // ecg model inspect says it under the validation figures, as ecg train printed it.
    const inspect = (await runCli(modelCommand, ['inspect', out])).stdout;
    const validation = inspect.findIndex((l) => l.startsWith('  validation (chose the epoch and thresholds; optimistic; 5 records): '));
    expect(inspect[validation + 1]).toBe(`  note: ${leftOutNote('m')}`);
  }, 120_000);

  it('a fine-tuning holds validation to the base model\'s intended input and says so with its closing figures', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-val-scope-ft-'));
    const dataset = { kind: 'csv' as const, root: ptbxl, labels: await labelsWithMinors(dir, (i) => i.id === '47') };
    const r = await finetuneJob({ base: starter, dataset, mode: 'head', out: path.join(dir, 'ft'), train: { epochs: 2, batchSize: 4, minExamples: { train: 1, val: 1 } }, featureCrops: 1, backend: 'cpu', workers: 1 });
    expect(r.manifest.provenance.validation).toMatchObject({ n: 5, outOfScope: { count: 1, byReason: { age: 1 }, note: leftOutNote('ft') } });
    const lines = closingLines(r.manifest);
    expect(lines[1]).toBe(`  note: ${leftOutNote('ft')}`);
  }, 120_000);

  it('refuses before training a validation split with no record within the intended input, naming the split and why', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-val-scope-none-'));
    const dataset = { kind: 'csv' as const, root: ptbxl, labels: await labelsWithMinors(dir, (i) => i.split === 'val') };
    const phases: string[] = [];
    const job = trainJob({ dataset, architecture: 'xresnet1d50', out: path.join(dir, 'never'), train: tiny, backend: 'wasm', workers: 1 }, { onProgress: (e) => (e.kind === 'phase' ? phases.push(e.phase) : undefined) });
    await expect(job).rejects.toMatchObject({
      code: 'E_VALIDATION',
      message: expect.stringMatching(/^hospital:.*: none of the 6 validation records is within the model's intended input \(6 with the patient's age outside the model's range; e\.g\. records100\/.*: patient aged 17 years; the model is for 18 years and older\): the epoch, temperature and thresholds are chosen on the validation records the model gives a prediction on, and there are none/),
    });
    expect(phases).not.toContain('training');
  });

  it('says a validation split of one record in the singular, where it read "none of the 1 validation records" and "every one of the 1"', () => {
    expect(validationOutOfScope({ count: 0, total: 1, byReason: {} }, 'm').note).toBe("the 1 validation record is within m's intended input");
    expect(validationOutOfScope({ count: 0, total: 6, byReason: {} }, 'm').note).toBe("every one of the 6 validation records is within m's intended input");
    const partition = { items: [], total: 1, count: 1, byReason: { age: 1 }, example: { id: 'r1', reasons: ['patient aged 17 years'] } };
    expect(() => scopedValidation('d', partition)).toThrow(/^d: the 1 validation record is not within the model's intended input \(1 with the patient's age outside the model's range; e\.g\. r1: patient aged 17 years\)/);
  });

  it("holds validation to every part of the intended input but the minimum duration the rows themselves set, one model window until then", async () => {
    const manifest = await readManifest(starter);
    const rule = validationRule(intendedInputOf(manifest), manifest.preprocessing);
    // The starter states the resting ECG's 10 s; its crop is 2.5 s.
    expect(intendedInputOf(manifest).minSeconds).toBe(10);
    expect(rule).toEqual({ ...intendedInputOf(manifest), minSeconds: 2.5, minSecondsBasis: 'one model window' });
  });

  it('--paper-exact keeps every record of the test split it selects on, as the paper code does', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-val-scope-paper-'));
    const dataset = { kind: 'csv' as const, root: ptbxl, labels: await labelsWithMinors(dir, (i) => i.split === 'test') };
    const config = trainConfigSchema.parse({ ...tiny, paperExact: true });
    const prepared = await prepareTraining(dataset, jobPipeline({ architecture: 'xresnet1d50' }, config), config, {});
    expect(prepared.val.ids).toHaveLength(6);
    expect(prepared.valLeftOut).toBeUndefined();
  });

  it("train --cv: a fold chooses on its validation fold's records within the intended input, and its package keeps the count", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-val-scope-cv-'));
    const all = { kind: 'csv' as const, root: ptbxl, labels: await labelsWithMinors(dir, () => false) };
    // A row of fold 2, fold 1's validation (its id the CSV's: its file), made a 17-year-old (an age does not change the folds).
    const plan = crossValidationPlan(await loadDataset(all), 3);
    const minor = [...plan.folds].find(([, f]) => f === 2)?.[0];
    const inFold2 = [...plan.folds.values()].filter((f) => f === 2).length;
    const dataset = { ...all, labels: await labelsWithMinors(dir, (i) => path.relative(ptbxl, i.files[0] as string) === minor) };
    const controller = new AbortController();
    const notes: string[] = [];
    const r = await cvJob({ dataset, architecture: 'xresnet1d50', out: path.join(dir, 'cv'), folds: 3, train: tiny, backend: 'wasm', workers: 1 }, {
      signal: controller.signal,
      onProgress: (e) => {
        if (e.kind !== 'phase') return;
        if (e.message.includes(': note: ')) notes.push(e.message);
        // Fold 1 is all this needs: stopped as fold 2 starts.
        if (e.message.startsWith('fold 2/3: ')) controller.abort();
      },
    });
    expect(r.folds.map((f) => f.fold)).toEqual([1]);
    const note = `the epoch, temperature and thresholds were chosen on the validation records within cv-fold-1's intended input; 1 of ${inFold2} left out, as the model gives no prediction on it (1 with the patient's age outside the model's range)`;
    expect(notes).toEqual([`fold 1: note: ${note}`]);
    // The report says it with the fold's best epoch, as the progress did while it ran.
    expect(r.folds[0]?.validationOutOfScope).toEqual({ count: 1, byReason: { age: 1 }, note });
    expect(cvLines(r)).toContain(`  fold 1: note: ${note}`);
    const { manifest, model } = await loadPackage(r.folds[0]?.out as string);
    model.dispose();
    expect(manifest.provenance.validation).toMatchObject({ n: inFold2 - 1, outOfScope: { count: 1, byReason: { age: 1 }, note } });
  }, 120_000);
});
