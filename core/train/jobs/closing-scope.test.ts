import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { closingLines } from '../../cli/commands/finetune';
import { modelCardLines } from '../../cli/commands/model-inspect';
import { ModelDetailSchema } from '../../contract/clinic-schemas';
import { modelDetail } from '../../engine/model-detail';
import { bundledModelsDir } from '../../cli/commands/model-path';
import { loadPtbxl } from '../../data/ptbxl';
import { cropWfdbRecord } from '../../test/cropped-records';
import { fixturePath } from '../../test/shared-data';
import { attachTestReport } from '../package/io';
import { cvLines } from '../../cli/commands/cv-print';
import { loadPackage } from '../package/archive';
import { evaluateJob } from './evaluate-job';
import { finetuneCvJob } from './finetune-cv-job';
import { finetuneJob } from './finetune-job';

const ptbxl = fixturePath('train', 'ptbxl');
const starter = path.join(bundledModelsDir(), 'starter');

/**
 * The fixture's PTB-XL records as a hospital labels CSV for NORM, with the database's ages, but
 * locked test row 00038 given age 17: outside the starter's intended input (adults), which its
 * fine-tuning keeps, so `ecg predict` abstains on it and `ecg evaluate` leaves it out.
 */
async function labelsWithAMinorOnTest(dir: string, root = ptbxl): Promise<string> {
  const ds = await loadPtbxl(root, { fs: 100 });
  const norm = ds.classes.indexOf('NORM');
  const rows = ds.items.map((i) => {
    const age = i.id === '38' ? 17 : (i.demographics?.ageYears ?? '');
    return `${path.relative(root, i.files[0] as string)},${i.labels[norm]},${i.patientId ?? ''},${i.split},${age}`;
  });
  const labels = path.join(dir, 'norm.csv');
  writeFileSync(labels, `file,label,patient_id,split,age\n${rows.join('\n')}\n`);
  return labels;
}

describe("a fine-tuning's closing locked-test evaluation", () => {
  it("scores only the test rows within the model's intended input, as evaluate does, and the package keeps the count by reason", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-closing-scope-'));
    const dataset = { kind: 'csv' as const, root: ptbxl, labels: await labelsWithAMinorOnTest(dir) };
    const out = path.join(dir, 'norm');
    const r = await finetuneJob({ base: starter, dataset, mode: 'head', out, train: { epochs: 2, batchSize: 4, minExamples: { train: 1, val: 1 } }, featureCrops: 1, backend: 'cpu', workers: 1 });
    const { test, comparison } = r.manifest.provenance;
    // 6 locked test rows, the 17-year-old left out: the closing figures scored all 6.
    expect(test).toMatchObject({ n: 5, outOfScope: { count: 1, byReason: { age: 1 } } });
    expect(test?.outOfScope?.note).toBe(`the figures cover only the records within norm's intended input; 1 of 6 left out, as the model gives no prediction on it (1 with the patient's age outside the model's range)`);
    // The base model beside it on the same records.
    expect(comparison?.n).toBe(5);
    expect(closingLines(r.manifest)).toContain(`  note: ${test?.outOfScope?.note}`);
    // The model card's locked-test figure is the one `ecg evaluate` gives on the same split.
    const evaluated = await evaluateJob({ model: out, dataset, split: 'test', backend: 'cpu', workers: 1 });
    expect(evaluated.n).toBe(test?.n);
    expect(evaluated.metrics.aucMacro).toBeCloseTo(test?.metrics.aucMacro as number, 6);
    // Attached as the package's locked test (`ecg evaluate --attach --replace-test`: it replaces the closing evaluation), the count goes with it.
    await expect(attachTestReport(out, evaluated)).rejects.toMatchObject({ code: 'E_CONFLICT', message: expect.stringMatching(/already has test figures in its manifest \(provenance\.test: n = 5, macro AUC/) });
    const attached = await attachTestReport(out, evaluated, { replaceTest: true });
    expect(attached.provenance.test).toMatchObject({ n: 5, outOfScope: { count: 1, byReason: { age: 1 }, note: test?.outOfScope?.note } });
    // The closing evaluation it replaced is kept, and with it the comparison with the base made on its records: that no longer stands beside the figures.
    const asWritten = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;
    expect(attached.provenance.comparison).toBeUndefined();
    expect(attached.provenance.replacedTests).toEqual([{ replacedAt: expect.any(String), packageId: r.manifest.id, test: asWritten(test), comparison: asWritten(comparison) }]);
    const card = modelCardLines(ModelDetailSchema.parse(JSON.parse(JSON.stringify(modelDetail({ manifest: attached, location: out, bundled: false })))));
    expect(card).toContainEqual(
      expect.stringMatching(/^ {2}WARNING: Locked test read 2 times: its present figures replaced an earlier reading \(n = 5, macro AUC \d\.\d{3}, replaced on \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC; its closing comparison with the base model, made on that reading, was set aside with it\)\. /),
    );
  });

  it('carries what its locked-test figures leave out to the Models card and ecg model inspect: the count outside the intended input and the unreadable', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-closing-card-'));
    // A copy of the fixture whose locked test record 00065 is cut short: it cannot be read.
    const root = path.join(dir, 'ptbxl');
    cpSync(ptbxl, root, { recursive: true });
    writeFileSync(path.join(root, 'records100', '00000', '00065_lr.dat'), Buffer.alloc(10));
    const out = path.join(dir, 'norm');
    const dataset = { kind: 'csv' as const, root, labels: await labelsWithAMinorOnTest(dir, root) };
    const r = await finetuneJob({ base: starter, dataset, mode: 'head', out, train: { epochs: 2, batchSize: 4, minExamples: { train: 1, val: 1 } }, featureCrops: 1, backend: 'cpu', workers: 1 });
    const note = `the figures cover only the records within norm's intended input; 1 of 6 left out, as the model gives no prediction on it (1 with the patient's age outside the model's range)`;
    expect(r.manifest.provenance.test).toMatchObject({ n: 4, unreadable: 1, outOfScope: { count: 1, note } });
    // The card's description as the app receives it, through the contract: both counts with the figures (the unreadable one was dropped).
    const detail = ModelDetailSchema.parse(JSON.parse(JSON.stringify(modelDetail({ manifest: r.manifest, location: out, bundled: false }))));
    expect(detail.test).toMatchObject({ n: 4, unreadable: 1, outOfScope: { count: 1, byReason: { age: 1 }, note } });
    const unreadable = '  note: 1 more test record could not be read and is in no figure';
    const card = modelCardLines(detail);
    expect(card.slice(card.findIndex((l) => l.startsWith('  locked test (4 records)')) + 1).slice(0, 2)).toEqual([`  note: ${note}`, unreadable]);
    expect(closingLines(r.manifest)).toEqual(expect.arrayContaining([`  note: ${note}`, unreadable]));
  });

  it('refuses before training a dataset whose locked test rows are all outside the intended input, where it failed after training', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-closing-none-'));
    const labels = await labelsWithAMinorOnTest(dir);
    // Every test row a 17-year-old.
    const rows = readFileSync(labels, 'utf8').split('\n').map((line) => (/,test,[^,]*$/.test(line) ? line.replace(/,[^,]*$/, ',17') : line));
    writeFileSync(labels, rows.join('\n'));
    const phases: string[] = [];
    const job = finetuneJob({ base: starter, dataset: { kind: 'csv', root: ptbxl, labels }, mode: 'head', out: path.join(dir, 'never'), train: { epochs: 2, batchSize: 4, minExamples: { train: 1, val: 1 } }, featureCrops: 1, backend: 'cpu', workers: 1 }, { onProgress: (e) => (e.kind === 'phase' ? phases.push(e.phase) : undefined) });
    await expect(job).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringMatching(/^none of the 6 records is within never's intended input \(6 with the patient's age outside the model's range; /) });
    expect(phases).not.toContain('training');
  });

  it("holds the locked test rows before training to the minimum duration the package will state (its validation records' shortest), not the base's", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-closing-duration-'));
    // A copy of the fixture whose validation and locked test records are cut to their first 5 s.
    const root = path.join(dir, 'ptbxl');
    cpSync(ptbxl, root, { recursive: true });
    const ds = await loadPtbxl(root, { fs: 100 });
    for (const item of ds.items.filter((i) => i.split !== 'train')) await cropWfdbRecord(item.files, 5);
    const dataset = { kind: 'csv' as const, root, labels: await labelsWithAMinorOnTest(dir, root) };
    // The starter states the resting ECG's 10 s; a package fine-tuned from it on these states the 5 s it was validated on.
    const r = await finetuneJob({ base: starter, dataset, mode: 'head', out: path.join(dir, 'short'), train: { epochs: 1, batchSize: 4, minExamples: { train: 1, val: 1 } }, featureCrops: 1, backend: 'cpu', workers: 1 });
    expect(r.manifest.intendedInput).toMatchObject({ minSeconds: 5, minSecondsBasis: 'validation records' });
    // Its closing evaluation scored the 5 test rows within it (the 17-year-old left out), where they were refused before training as shorter than the base's 10 s.
    expect(r.manifest.provenance.test).toMatchObject({ n: 5, outOfScope: { count: 1, byReason: { age: 1 } } });
  });

  it("scores each cross-validation fold's held-out rows within its model's intended input, and the report says what it left out", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-cv-scope-'));
    const dataset = { kind: 'csv' as const, root: ptbxl, labels: await labelsWithAMinorOnTest(dir) };
    const r = await finetuneCvJob({ base: starter, dataset, mode: 'head', folds: 3, workDir: path.join(dir, 'cv'), train: { epochs: 2, batchSize: 4, minExamples: { train: 1, val: 1 } }, featureCrops: 1, backend: 'cpu', workers: 1 });
    // 18 development rows (the 6 locked test rows are never read), one of them PTB-XL's 17-year-old (record 22): scored by no fold.
    expect(r.pooled.n).toBe(17);
    const minor = r.folds.filter((f) => f.outOfScope.count > 0);
    expect(minor.map((f) => f.outOfScope)).toEqual([{ count: 1, byReason: { age: 1 }, note: expect.stringMatching(/; 1 of \d+ left out, as the model gives no prediction on it \(1 with the patient's age outside the model's range\)$/) }]);
    const fold = minor[0] as (typeof minor)[number];
    const lines = cvLines(r);
    expect(lines).toContain(`  fold ${fold.fold}: note: ${fold.outOfScope.note}`);
    expect(lines.find((l) => l.startsWith('pooled out-of-fold'))).toContain("every record within its fold model's intended input once (1 outside it, in no figure)");
    // The fold's package keeps the same count with its held-out figures.
    const pkg = await loadPackage(fold.out);
    expect(pkg.manifest.provenance.cvFold?.heldOut?.outOfScope).toEqual(fold.outOfScope);
    pkg.model.dispose();
    // Record 22 is also the validation of the fold before: that fold chose its epoch and operating point on the others, and the report says so.
    const chosen = r.folds.filter((f) => f.validationOutOfScope && f.validationOutOfScope.count > 0);
    expect(chosen.map((f) => f.fold)).toEqual([fold.fold === 1 ? r.k : fold.fold - 1]);
    const validation = chosen[0]?.validationOutOfScope;
    // Naming the fold's model, as the note beside its held-out figures does.
    expect(validation?.note).toMatch(new RegExp(`^the epoch, temperature and thresholds were chosen on the validation records within finetune-cv-fold-${chosen[0]?.fold}'s intended input; 1 of \\d+ left out`));
    expect(lines).toContain(`  fold ${chosen[0]?.fold}: note: ${validation?.note}`);
  });
});
