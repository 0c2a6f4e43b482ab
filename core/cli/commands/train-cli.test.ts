import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPtbxl } from '../../data/ptbxl';
import { Engine } from '../../engine/engine';
import type { ModelSummary } from '../../contract/training-schemas';
import { summaryOf } from '../../train/service/models';
import { modelDetail } from '../../engine/model-detail';
import { loadPackage } from '../../train/package/archive';
import type { ModelManifest } from '../../train/package/manifest';
import { fixturePath } from '../../test/shared-data';
import { evaluateCommand } from './evaluate';
import { finetuneCommand } from './finetune';
import { hpoCommand } from './hpo';
import { modelCommand } from './model';
import { predictCommand, predictionText } from './predict';
import type { Prediction } from '../../train/predictor';
import { trainCommand } from './train';
import { capture, runCli } from '../../test/cli-io';
import { runCli as runCommandLine } from '../run';

const cli = runCli;

const data = fixturePath('train', 'ptbxl');
const record = (id: string) => path.join(data, 'records100', '00000', `${id}_lr.hea`);
let dir: string;
let model: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'einthoven-cli-'));
  model = path.join(dir, 'model');
  // 12 real PTB-XL records, one epoch: enough to exercise the whole command, not to learn.
  const r = await cli(trainCommand, ['--data', data, '--arch', 'xresnet1d50', '--out', model, '--epochs', '2', '--batch', '6', '--lr', '1e-3', '--backend', 'wasm', '--eval', 'windows', '--stride', '125', '--selection', 'aucMacro', '--min-examples', '1,1', '--json']);
  expect(r.code).toBe(0);
  const result = JSON.parse(r.stdout[0] as string) as { manifest: { id: string; classes: string[]; provenance: { dataset: { records: object } } }; counts: { train: number; val: number }; history: unknown[] };
  expect(result.manifest.classes).toEqual(['NORM', 'MI', 'STTC', 'CD', 'HYP']);
  expect(result.counts).toMatchObject({ train: 12, val: 6 }); // fold 9's unlabeled record dropped, fold 10 never loaded
  expect(result.manifest.provenance.dataset.records).toEqual({ train: 12, val: 6, test: 6 });
  expect(result.history).toHaveLength(2);
  expect(r.stderr.some((l) => /^epoch 2\/2 .*samples\/s .*ETA/.test(l))).toBe(true);
});

describe('ecg train / evaluate / predict / finetune / hpo on real PTB-XL records', () => {
  it('evaluate --json prints the documented keys, on the locked test split by default', async () => {
    const r = await cli(evaluateCommand, ['--model', model, '--data', data, '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout[0] as string) as Record<string, unknown> & { metrics: Record<string, unknown>; ci: Record<string, unknown> };
    expect(report).toMatchObject({ n: 6, classes: ['NORM', 'MI', 'STTC', 'CD', 'HYP'], split: 'test' });
    expect(Object.keys(report.metrics)).toEqual(expect.arrayContaining(['accuracy', 'subsetAccuracy', 'f1Macro', 'mapMacro', 'gmean', 'aucMacro', 'perClass']));
    expect(Object.keys(report.metrics.perClass as object)).toEqual(['NORM', 'MI', 'STTC', 'CD', 'HYP']);
    expect(report.ci.f1Macro).toMatchObject({ low: expect.any(Number), high: expect.any(Number) });
    // Calibration per class: Brier, ECE and ten reliability bins holding every record.
    const calibration = report.calibration as Record<string, { n: number; brier: number; ece: number; bins: { n: number }[] }>;
    expect(Object.keys(calibration)).toEqual(['NORM', 'MI', 'STTC', 'CD', 'HYP']);
    for (const c of Object.values(calibration)) {
      expect(c.n).toBe(6);
      expect(c.bins.map((b) => b.n).reduce((a, b) => a + b, 0)).toBe(6);
      expect(c.brier).toBeGreaterThanOrEqual(0);
      expect(c.ece).toBeGreaterThanOrEqual(0);
    }
    const text = await cli(evaluateCommand, ['--model', model, '--data', data]);
    expect(text.stdout.at(-1)).toMatch(/^ {2}calibration of the probabilities \(10 equal bins; --json for the reliability bins\): NORM Brier \d\.\d{3}, ECE \d\.\d{3} \(a calibrated model: \d\.\d{3}, 95 % up to \d\.\d{3}\); MI /);
    const all = JSON.parse((await cli(evaluateCommand, ['--model', model, '--data', data, '--dataset', 'ptbxl', '--split', 'all', '--eval', 'centre', '--json'])).stdout[0] as string) as { n: number; evaluation: { mode: string }; outOfScope: object };
    // 24 labelled records, one of a 17-year-old: outside the model's intended input (adults), in no figure.
    expect(all).toMatchObject({ n: 23, evaluation: { mode: 'centre' }, outOfScope: { count: 1, byReason: { age: 1 } } });
    const half = JSON.parse((await cli(evaluateCommand, ['--model', model, '--data', data, '--threshold', '0.5', '--json'])).stdout[0] as string) as { metrics: { perClass: Record<string, { threshold: number }>; aucMacro: number } };
    expect(Object.values(half.metrics.perClass).map((c) => c.threshold)).toEqual([0.5, 0.5, 0.5, 0.5, 0.5]);
    expect(half.metrics.aucMacro).toBe(report.metrics.aucMacro); // thresholds move decisions, not rankings
    await expect(cli(evaluateCommand, ['--model', model, '--data', data, '--split', 'holdout'])).rejects.toThrow(/--split must be one of/);
  });

  it('evaluate --subgroups reports sex and age bands from PTB-XL, partitioning the records at the same operating point', async () => {
    type Group = { name: string; n: number; metrics: { accuracy: number; aucMacro: number | null } };
    const r = JSON.parse((await cli(evaluateCommand, ['--model', model, '--data', data, '--split', 'all', '--subgroups', '--json'])).stdout[0] as string) as { n: number; metrics: { accuracy: number }; subgroups: Group[] };
    // The records the model is for: the 17-year-old is left out of every figure, subgroups included.
    const items = (await loadPtbxl(data, { fs: 100 })).items.filter((i) => (i.demographics?.ageYears ?? 18) >= 18);
    const count = (test: (i: (typeof items)[number]) => boolean) => items.filter(test).length;
    expect(r.subgroups.map((g) => [g.name, g.n])).toEqual([
      ['sex: female', count((i) => i.demographics?.sex === 'F')],
      ['sex: male', count((i) => i.demographics?.sex === 'M')],
      ['age < 40', count((i) => (i.demographics?.ageYears ?? -1) < 40)],
      ['age 40–64', count((i) => ((i.demographics?.ageYears ?? -1) >= 40 && (i.demographics?.ageYears ?? -1) < 65))],
      ['age ≥ 65', count((i) => (i.demographics?.ageYears ?? -1) >= 65)],
    ]);
    const [female, male] = r.subgroups as [Group, Group];
    expect(female.n + male.n).toBe(r.n);
    // Per-label accuracy is a mean over records: the two sexes' accuracies weigh back to the whole.
    expect((female.n * female.metrics.accuracy + male.n * male.metrics.accuracy) / r.n).toBeCloseTo(r.metrics.accuracy, 10);
    const plain = JSON.parse((await cli(evaluateCommand, ['--model', model, '--data', data, '--split', 'all', '--json'])).stdout[0] as string) as object;
    expect(plain).not.toHaveProperty('subgroups');
  });

  it('predict --json prints one line per file with model, operating point, and abstains on an unusable record', async () => {
    const flat = path.join(dir, 'flat.csv');
    const header = 'I,II,III,aVR,aVL,aVF,V1,V2,V3,V4,V5,V6';
    await writeFile(flat, `${header}\n${Array.from({ length: 1000 }, () => new Array(12).fill('0').join(',')).join('\n')}\n`);
    const junk = path.join(dir, 'junk.bin');
    await writeFile(junk, new Uint8Array([1, 2, 3, 4]));
    const r = await cli(predictCommand, ['--model', model, record('00001'), record('00008'), flat, junk, '--fs', '100', '--units', 'mV', '--json']);
    expect(r.code).toBe(1); // the unreadable file
    const lines = r.stdout.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(4);
    const [first, , flatLine, junkLine] = lines as [Record<string, unknown>, unknown, Record<string, unknown>, Record<string, unknown>];
    expect(first).toMatchObject({ abstained: false, reason: null, researchUseOnly: true, model: { name: 'model', demonstration: false }, operatingPoint: { method: 'f1' } });
    expect(Object.keys(first.probabilities as object)).toEqual(['NORM', 'MI', 'STTC', 'CD', 'HYP']);
    expect(Object.values(first.decisions as object).every((d) => typeof d === 'boolean')).toBe(true);
    expect(String(first.file)).toMatch(/00001_lr\.hea$/);
    expect(flatLine).toMatchObject({ abstained: true, probabilities: null, decisions: null, quality: { verdict: 'unusable' } });
    expect(String(flatLine.reason)).toMatch(/signal quality unusable/);
    expect(junkLine).toMatchObject({ error: { code: expect.stringMatching(/^E_/) } });
    // The text line marks a class without a threshold, which a bare figure would show as a negative.
    const real = first as unknown as Prediction;
    const withoutMi = { ...real.operatingPoint.thresholds, MI: 1 };
    const text = predictionText({ ...real, operatingPoint: { ...real.operatingPoint, thresholds: withoutMi } });
    expect(text).toMatch(/MI [<>\d.]+ %\*? \(no threshold\)/);
    expect(text.match(/\(no threshold\)/g)).toHaveLength(Object.values(withoutMi).filter((t) => t >= 1).length);
    expect(text).toContain('no threshold = no discrimination on validation, never flagged');
    const tuned = predictionText({ ...real, operatingPoint: { ...real.operatingPoint, thresholds: { NORM: 0.5, MI: 0.5, STTC: 0.5, CD: 0.5, HYP: 0.5 } } });
    expect(tuned).not.toMatch(/no threshold/);
  });

  it('finetune --mode head trains a one-output head on cached features from a hospital labels CSV', async () => {
    const ds = await loadPtbxl(data, { fs: 100 });
    const mi = ds.classes.indexOf('MI');
    const rows = ds.items.map((i) => `${path.relative(data, i.files[0] as string)},${i.labels[mi]},${i.patientId ?? ''},${i.split}`);
    const labels = path.join(dir, 'mi.csv');
    await writeFile(labels, `file,label,patient_id,split\n${rows.join('\n')}\n`);
    const out = path.join(dir, 'mi-head.ecgmodel'); // the single-file export
    const r = await cli(finetuneCommand, ['--base', model, '--data', data, '--labels', labels, '--class', 'MI', '--mode', 'head', '--out', out, '--epochs', '5', '--batch', '4', '--feature-crops', '2', '--min-examples', '1,1', '--json', '--quiet']);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout[0] as string) as { mode: string; featureSeconds: number; manifest: ModelManifest };
    expect(result).toMatchObject({ mode: 'head', manifest: { classes: ['MI'], architecture: { buildOptions: { numClasses: 1 } }, provenance: { base: { mode: 'head', inference: { mode: 'windows', stride: 125 } } } } });
    // It keeps its base's sliding windows (the fine-tuning chose no other inference).
    expect(result.manifest.inference).toMatchObject({ mode: 'windows', stride: 125 });
    // It ends with one evaluation on the 6 locked test rows, the base model on the same records beside it.
    const { test, comparison } = result.manifest.provenance;
    expect(test?.n).toBe(6);
    expect(test?.metrics).toHaveProperty('f1Positive');
    expect(test?.metrics).toHaveProperty('f1TwoClassMean');
    // The package keeps how calibrated its probabilities were on those rows: the app's reliability diagram.
    expect(test?.calibration?.MI).toMatchObject({ n: 6, positives: 1, ece: expect.any(Number) });
    expect(test?.calibration?.MI?.bins).toHaveLength(10);
    expect(comparison).toMatchObject({ base: { name: 'model' }, n: 6, classes: [{ name: 'MI', positives: 1, method: expect.stringMatching(/DeLong needs 2 of each/) }] });
    expect(comparison?.classes[0]?.aucBase).toEqual(expect.any(Number));
    // The base kept a filter of its training records: none of the locked test rows is among them (PTB-XL fold 10).
    expect(comparison?.overlap).toMatchObject({ checked: 6, inBaseTraining: 0 });
    expect(result.manifest.provenance.trainingRecords?.count).toBe(18);
    const base = JSON.parse(await readFile(path.join(model, 'manifest.json'), 'utf8')) as { preprocessing: unknown };
    const pkg = await loadPackage(out);
    expect(pkg.manifest).toMatchObject({ preprocessing: base.preprocessing });
    pkg.model.dispose();
    const evaluation = JSON.parse((await cli(evaluateCommand, ['--model', out, '--data', data, '--labels', labels, '--class', 'MI', '--json'])).stdout[0] as string) as { classes: string[]; n: number };
    expect(evaluation).toMatchObject({ classes: ['MI'], n: 6 });
  });

  it('finetune --cv 3 runs the app\'s cross-validation job, prints per-fold and pooled figures as train --cv does, and stops on Ctrl-C', async () => {
    const ds = await loadPtbxl(data, { fs: 100 });
    const norm = ds.classes.indexOf('NORM');
    const rows = ds.items.map((i) => `${path.relative(data, i.files[0] as string)},${i.labels[norm]},${i.patientId ?? ''},${i.split}`);
    const labels = path.join(dir, 'norm-cv.csv');
    await writeFile(labels, `file,label,patient_id,split\n${rows.join('\n')}\n`);
    const args = (out: string, more: string[] = []) => ['--cv', '3', '--base', model, '--data', data, '--labels', labels, '--class', 'NORM', '--mode', 'head', '--out', out, '--epochs', '2', '--batch', '4', '--feature-crops', '1', '--min-examples', '1,1', ...more];

    // The full run's data has a recording under a second row with another patient id: it is dealt to
    // one fold with both patients' records, and said so (it was refused as leakage once fold 1 was
    // decoding). One run proves that and everything below, where a second run for the copy alone
    // repeated the whole cross-validation.
    const withCopy = path.join(dir, 'ptbxl-with-copy');
    await cp(data, withCopy, { recursive: true });
    const first = ds.items.find((i) => i.split === 'train') as (typeof ds.items)[number];
    const header = first.files[0] as string;
    await mkdir(path.join(withCopy, 'copies'));
    for (const file of [header, header.replace(/\.hea$/, '.dat')]) await cp(file, path.join(withCopy, 'copies', path.basename(file)));
    const copied = path.join(dir, 'norm-cv-copy.csv');
    await writeFile(copied, `file,label,patient_id,split\n${rows.join('\n')}\ncopies/${path.basename(header)},${first.labels[norm]},copy-of-${first.patientId ?? ''},train\n`);
    const out = path.join(dir, 'norm-cv');
    const r = await cli(finetuneCommand, args(out, ['--quiet']).map((a) => (a === labels ? copied : a === data ? withCopy : a)));
    expect(r.code).toBe(0);
    expect(r.stdout[1]).toBe(`Copies: 1 recording listed under rows of different patients dealt to one fold with their patients' records, so no fold is tested on a copy of its training: ${path.relative(data, header)} = copies/${path.basename(header)}.`);
    const locked = ds.items.filter((i) => i.split === 'test').length;
    const development = ds.items.length - locked + 1; // and the copy's row
    expect(r.stdout[0]).toMatch(new RegExp(`^3-fold cross-validation on hospital:.* \\(3 patient-grouped folds stratified by label \\(seed 2018\\)\\); ${locked} records left out: the locked test split is never read by cross-validation\\.$`));
    expect(r.stdout).toContain('Cross-validation figures (out of fold), not locked-test figures: each fold\'s model chose its epoch and thresholds on a neighbouring fold of the same data.');
    expect(r.stdout.filter((l) => /^[123]\s+\d+\s+/.test(l))).toHaveLength(3); // one line per fold, with its best epoch of 2
    expect(r.stdout.filter((l) => /^[123]\s+\d+\s+.*\d\/2$/.test(l))).toHaveLength(3);
    expect(r.stdout.find((l) => l.startsWith('mean ± SD'))).toMatch(/\d\.\d{3} ± /);
    expect(r.stdout.find((l) => l.startsWith('pooled out-of-fold'))).toContain(`n = ${development}`);
    const report = JSON.parse(await readFile(path.join(out, 'cv.json'), 'utf8')) as { k: number; classes: string[]; pooled: { n: number }; perFold: { n: number }[]; predictions: { ids: string[] }[]; folds: { out: string }[] };
    expect(report).toMatchObject({ k: 3, classes: ['NORM'], pooled: { n: development } });
    // Every development record scored once, out of fold; no locked test row among them.
    const scored = report.predictions.flatMap((p) => p.ids);
    expect(new Set(scored).size).toBe(development);
    expect(report.folds.map((f) => path.basename(f.out))).toEqual(['fold-01', 'fold-02', 'fold-03']);

    // Each fold's package says which fold it is; its closing figures are its held-out fold's, never its locked test.
    const fold = (await loadPackage(report.folds[0]?.out as string)).manifest;
    expect(fold.provenance.cvFold).toMatchObject({ k: 3, fold: 1, seed: 2018, heldOut: { n: report.perFold[0]?.n }, comparison: { base: { name: 'model' } } });
    expect([fold.provenance.test, fold.provenance.comparison]).toEqual([undefined, undefined]);
    expect(fold.provenance.dataset.split).toMatch(/: cross-validation fold 1 of 3 held out, fold 2 validation, the other fold training; .*the held-out fold is not a locked test split$/);
    // Installed, it lists no locked test, and cannot be promoted on its held-out figures.
    const dataDir = await mkdtemp(path.join(tmpdir(), 'einthoven-cv-fold-'));
    await cp(report.folds[0]?.out as string, path.join(dataDir, 'models', 'fold-01'), { recursive: true });
    const engine = new Engine({ dataDir, shell: 'test' });
    try {
      const listed = await engine.handle('models:list', {});
      const summary = listed.ok ? (listed.value as { models: ModelSummary[] }).models[0] : undefined;
      expect(summary).toMatchObject({ test: null, cvFold: { k: 3, fold: 1, seed: 2018, heldOut: { n: report.perFold[0]?.n } } });
      const promoted = await engine.handle('models:promote', { modelId: fold.id, promotedBy: 'Dr Einthoven', confirmed: true });
      expect(promoted).toMatchObject({ ok: false, error: { code: 'E_VALIDATION', message: expect.stringMatching(/has no locked-test evaluation on this site's data/) } });
    } finally {
      await engine.close();
    }
    // A fold package written before cvFold was kept: its test block was its held-out fold, and is listed so.
    const { cvFold, ...older } = fold.provenance;
    const legacy = summaryOf({ manifest: { ...fold, provenance: { ...older, test: cvFold?.heldOut } }, location: '', bundled: false });
    expect(legacy).toMatchObject({ test: null, cvFold: { k: 3, fold: 1, seed: null, heldOut: { n: report.perFold[0]?.n } } });
    // ecg model inspect words it as the Models card does.
    const card = (await cli(modelCommand, ['inspect', report.folds[0]?.out as string])).stdout;
    const n = report.perFold[0]?.n ?? 0;
    expect(card).toContain(`  dataset ${fold.provenance.dataset.name}: ${fold.provenance.dataset.records.train} train · ${fold.provenance.dataset.records.val} validation · ${n} held out (cross-validation fold 1 of 3; not a locked test)`);
    expect(card).toContain(`  Cross-validation fold 1 of 3 (folds dealt with seed 2018): trained on 1 fold, chosen and calibrated on the next. Its figures on fold 1's ${n} held-out rows are below: cross-validation figures, made in the same selection loop as the other folds on the same data, not a locked test. It has no locked-test evaluation of its own.`);
    expect(card.filter((l) => /^ {2}held-out rows of cross-validation fold 1 \(\d+ records; not a locked test\): macro AUC /.test(l))).toHaveLength(1);
    expect(card.at(-2)).toBe('  no locked-test evaluation of its own');

    expect(finetuneCommand.usage).toMatch(/^ {2}--cv K {16}K-fold cross-validation \(3\.\.20\)/m);
    // Bad K and flags that do not apply are refused, before any record is read, with typed errors.
    for (const [k, why] of [['2', /--cv must be a whole number from 3 to 20, got '2'/], ['21', /--cv must be a whole number/], ['3.5', /--cv must be a whole number/]] as const) {
      await expect(cli(finetuneCommand, args(path.join(dir, 'never'), []).map((a) => (a === '3' ? k : a)))).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringMatching(why) });
    }
    await expect(cli(finetuneCommand, args(path.join(dir, 'never'), ['--checkpoint', path.join(dir, 'ck')]))).rejects.toThrow(/--checkpoint does not apply to --cv/);
    await expect(cli(finetuneCommand, args(path.join(dir, 'never.ecgmodel')))).rejects.toThrow(/--cv writes a folder/);
    await expect(cli(finetuneCommand, ['--fold-seed', '3', ...args(path.join(dir, 'never')).slice(2)])).rejects.toThrow(/--fold-seed applies to --cv/);
    // The job clears its own fold folders: a folder of the user's is never written into.
    await expect(cli(finetuneCommand, args(out))).rejects.toMatchObject({ code: 'E_CONFLICT', message: expect.stringMatching(/norm-cv is not empty/) });
    expect(existsSync(path.join(dir, 'never'))).toBe(false);

    // Ctrl-C (the CLI's SIGINT handler) during fold 2: fold 1 is reported, marked cancelled.
    const stopped = path.join(dir, 'norm-cv-stopped');
    const stderr: string[] = [];
    const io = { stdout: (t: string) => void t, stderr: (t: string) => {
      stderr.push(t);
      if (t.includes('cross-validation fold 2 of 3')) process.emit('SIGINT');
    } };
    const lines: string[] = [];
    expect(await finetuneCommand.run(args(stopped), { ...io, stdout: (t) => lines.push(t) })).toBe(0);
    expect(stderr.filter((l) => l.startsWith('interrupted: stopping'))).toHaveLength(1);
    expect(lines[0]).toMatch(/; CANCELLED: only the folds below finished\.$/);
    expect(lines.filter((l) => /^[123]\s+\d+\s+/.test(l)).map((l) => l[0])).toEqual(['1']);
  }, 300_000);

  it("train --cv 3: each fold's package says which fold it is (its test rows held out, not a locked test) and keeps the copies within its fold", async () => {
    const ds = await loadPtbxl(data, { fs: 100 });
    const norm = ds.classes.indexOf('NORM');
    const rows = ds.items.map((i) => `${path.relative(data, i.files[0] as string)},${i.labels[norm]},${i.patientId ?? ''},${i.split}`);
    // One recording listed twice under the same patient: the two rows share a fold, so they weigh twice there, not leak.
    const first = ds.items.find((i) => i.split === 'train') as (typeof ds.items)[number];
    const withCopy = path.join(dir, 'ptbxl-with-fold-copy');
    await cp(data, withCopy, { recursive: true });
    await mkdir(path.join(withCopy, 'copies'));
    const header = first.files[0] as string;
    for (const file of [header, header.replace(/\.hea$/, '.dat')]) await cp(file, path.join(withCopy, 'copies', path.basename(file)));
    const labels = path.join(dir, 'norm-train-cv.csv');
    await writeFile(labels, `file,label,patient_id,split\n${rows.join('\n')}\ncopies/${path.basename(header)},${first.labels[norm]},${first.patientId ?? ''},train\n`);
    const out = path.join(dir, 'train-cv');
    const r = await cli(trainCommand, ['--cv', '3', '--data', withCopy, '--labels', labels, '--class', 'NORM', '--arch', 'xresnet1d50', '--out', out, '--epochs', '1', '--batch', '4', '--backend', 'wasm', '--min-examples', '1,1', '--quiet']);
    expect(r.code).toBe(0);
    const original = path.relative(data, header);
    for (const fold of [1, 2, 3]) {
      const { manifest } = await loadPackage(path.join(out, `fold-0${fold}`));
      const { provenance } = manifest;
      expect(provenance.cvFold).toEqual({ k: 3, fold, seed: 2018 });
      expect(provenance.dataset.split).toMatch(new RegExp(`: cross-validation fold ${fold} of 3 held out, fold ${(fold % 3) + 1} validation, .*not a locked test split$`));
      const split = provenance.duplicates?.groups[0]?.[0]?.split;
      expect(provenance.duplicates).toEqual({ recordings: 1, rows: 2, groups: [[{ id: original, split }, { id: `copies/${path.basename(header)}`, split }]], method: 'recording-content', splits: ['train', 'val', 'test'] });
      // The Models card gets them where it describes the training data.
      expect(modelDetail({ manifest, location: out, bundled: false }).provenance.duplicates).toEqual(provenance.duplicates);
      expect((await cli(modelCommand, ['inspect', path.join(out, `fold-0${fold}`)])).stdout).toContain(
        `  duplicates: 1 recording listed in 2 rows of one split each, kept, so each weighed more than once: ${original} = copies/${path.basename(header)} (${split}) (checked training, validation and test rows for the same recording by content, or the same ECG at another sampling rate)`,
      );
    }
  }, 300_000);

  it('refuses, before the first epoch, a class with too few examples in training or validation (exit 2, E_VALIDATION naming class and split)', async () => {
    const ds = await loadPtbxl(data, { fs: 100 });
    const mi = ds.classes.indexOf('MI');
    // The hospital's MI labels with every training positive removed: nothing to learn MI from.
    const rows = ds.items.map((i) => `${path.relative(data, i.files[0] as string)},${i.split === 'train' ? 0 : i.labels[mi]},${i.patientId ?? ''},${i.split}`);
    const labels = path.join(dir, 'no-train-positive.csv');
    await writeFile(labels, `file,label,patient_id,split\n${rows.join('\n')}\n`);
    const out = path.join(dir, 'never-written');
    const args = ['finetune', '--base', model, '--data', data, '--labels', labels, '--class', 'MI', '--out', out, '--min-examples', '1,1', '--quiet'];
    // The command line as `ecg` runs it (core/cli/run.ts: the exit code and the error line), in this
    // process: a spawned tsx spent most of this test's time starting. main.ts only hands the code to
    // the process, which interrupt.test.ts sees in real processes.
    const io = capture();
    expect(await runCommandLine(args, io)).toBe(2);
    expect(io.err.join('\n')).toMatch(/^ecg finetune: E_VALIDATION: .*class MI has 0 positive training records; at least 1 is needed/m);
    // The defaults (10 in training, 3 in validation) refuse the 12-record fixture outright, naming each shortfall.
    await expect(cli(trainCommand, ['--data', data, '--arch', 'xresnet1d50', '--out', out, '--epochs', '1'])).rejects.toMatchObject({
      code: 'E_VALIDATION',
      message: expect.stringMatching(/class NORM has 3 positive training records; at least 10 are needed; class NORM has 9 negative training records; at least 10 are needed/),
    });
    expect(existsSync(out)).toBe(false);
  });

  it('hpo runs TPE trials on validation, prints the table and resumes a study', async () => {
    const study = path.join(dir, 'study');
    const common = ['--data', data, '--arch', 'xresnet1d50', '--study', study, '--epochs', '1', '--batch', '6', '--min-examples', '1,1', '--backend', 'wasm', '--quiet'];
    const first = await cli(hpoCommand, [...common.filter((a) => a !== '--quiet'), '--trials', '1']);
    // Before the first trial: the memory of the largest trial the search can sample, against this computer's.
    const memoryLine = first.stderr.findIndex((l) => /^\[loading\] largest trial: Estimated memory: .* of this computer's /.test(l));
    expect(memoryLine).toBeGreaterThanOrEqual(0);
    expect(memoryLine).toBeLessThan(first.stderr.findIndex((l) => /^\[training\] trial 0 /.test(l)));
    expect(first.stdout[0]).toMatch(/^\| trial \| state \| val F1 \| epochs \| best epoch \| learningRate \| normalisation \| augmentation \| seconds \|/);
    const second = JSON.parse((await cli(hpoCommand, [...common, '--trials', '2', '--json'])).stdout[0] as string) as { study: { trials: { number: number; state: string; params: object; augmentation: string }[] } };
    expect(second.study.trials.map((t) => [t.number, t.state, t.augmentation])).toEqual([[0, 'complete', 'none'], [1, 'complete', 'none']]);
    const saved = JSON.parse(await readFile(path.join(study, 'study.json'), 'utf8')) as { trials: { params: object }[] };
    expect(saved.trials[0]?.params).toEqual(second.study.trials[0]?.params); // trial 0 was not rerun
  });

  it('explains itself and refuses bad arguments with typed errors', async () => {
    for (const command of [trainCommand, hpoCommand, finetuneCommand, evaluateCommand, predictCommand]) expect(command.usage).toMatch(new RegExp(`^Usage: ecg ${command.name} `));
    await expect(cli(trainCommand, ['--data', data, '--out', path.join(dir, 'x')])).rejects.toMatchObject({ code: 'E_VALIDATION' });
    await expect(cli(trainCommand, ['--data', data, '--arch', 'nope', '--out', path.join(dir, 'x'), '--epochs', '1'])).rejects.toThrow(/unknown architecture 'nope'/);
    await expect(cli(trainCommand, ['--data', data, '--arch', 'xresnet1d50', '--out', path.join(dir, 'x'), '--epochs', 'many'])).rejects.toThrow(/--epochs must be a whole number/);
    await expect(cli(predictCommand, ['--model', path.join(dir, 'missing'), record('00001')])).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    // A study folder that is a file is refused before any record is decoded (it failed at the first save).
    const studyFile = path.join(dir, 'study-file');
    await writeFile(studyFile, '');
    await expect(cli(hpoCommand, ['--data', data, '--arch', 'xresnet1d50', '--study', studyFile, '--epochs', '1'])).rejects.toThrow(/study-file is a file: the study is kept in a folder/);
    expect(existsSync(path.join(dir, 'x'))).toBe(false);
  });
});
