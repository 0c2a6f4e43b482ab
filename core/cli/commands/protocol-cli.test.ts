// The research protocol from the command line (issue 16): model comparison, cross-validation, ensembles.
import { readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../../test/shared-data';
import { writeTinyCpsc } from '../../test/tiny-cpsc';
import type { JobFinished } from '../../contract/channels';
import type { ModelSummary, PredictionResult, TrainFinished } from '../../contract/training-schemas';
import { Engine } from '../../engine/engine';
import { loadModel, disposeModel } from '../../train/ensemble/package';
import { predictModel } from '../../train/ensemble/score';
import { decodeRecordFiles } from '../../data/records';
import { loadPtbxl } from '../../data/ptbxl';
import { ensembleCommand } from './ensemble';
import { evaluateCommand } from './evaluate';
import { finetuneCommand } from './finetune';
import { packageCommand } from './package';
import { trainCommand } from './train';
import { runCli } from '../../test/cli-io';

const cli = runCli;

const data = fixturePath('train', 'ptbxl');
let dir: string;
let model: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'einthoven-protocol-'));
  model = path.join(dir, 'model');
  // 12 real PTB-XL records, two epochs: a model that differs from the starter, not a good one.
  const r = await cli(trainCommand, ['--data', data, '--arch', 'xresnet1d50', '--out', model, '--epochs', '2', '--batch', '6', '--lr', '1e-3', '--backend', 'wasm', '--eval', 'windows', '--stride', '125', '--selection', 'aucMacro', '--min-examples', '1,1', '--quiet']);
  expect(r.code).toBe(0);
}, 180_000);

interface Comparison {
  n: number;
  classes: string[];
  perClass: { name: string; aucA: number | null; delong: { p: number; ci95: [number, number] } | null; auc: { p: number } }[];
  macro: { metric: string; a: number; b: number; diff: number; ci95: [number, number]; p: number; over: number }[];
  bootstrap: { unit: string };
}

describe('ecg evaluate --compare', () => {
  it('prints paired differences with CIs and p-values, on the records and figures plain evaluation gives', async () => {
    const args = ['--data', data, '--split', 'all', '--backend', 'wasm'];
    const r = JSON.parse((await cli(evaluateCommand, ['--model', model, '--compare', 'starter', ...args, '--resamples', '100', '--json'])).stdout[0] as string) as Comparison;
    const a = JSON.parse((await cli(evaluateCommand, ['--model', model, ...args, '--json'])).stdout[0] as string) as { n: number; metrics: { aucMacro: number; f1Macro: number } };
    const b = JSON.parse((await cli(evaluateCommand, ['--model', 'starter', ...args, '--json'])).stdout[0] as string) as { metrics: { aucMacro: number; f1Macro: number } };
    expect(r.n).toBe(a.n);
    expect(r.classes).toEqual(['NORM', 'MI', 'STTC', 'CD', 'HYP']);
    expect(r.bootstrap.unit).toBe('patient'); // PTB-XL lists patient ids
    const macro = Object.fromEntries(r.macro.map((m) => [m.metric, m]));
    expect(macro.aucMacro?.a).toBeCloseTo(a.metrics.aucMacro, 12);
    expect(macro.aucMacro?.b).toBeCloseTo(b.metrics.aucMacro, 12);
    expect(macro.f1Macro?.diff).toBeCloseTo(a.metrics.f1Macro - b.metrics.f1Macro, 12);
    for (const m of r.macro) {
      expect(m.ci95[0]).toBeLessThanOrEqual(m.ci95[1]);
      expect(m.p).toBeGreaterThan(0);
      expect(m.p).toBeLessThanOrEqual(1);
    }
    expect(r.perClass.filter((k) => k.delong !== null).length).toBeGreaterThan(0);

    const text = (await cli(evaluateCommand, ['--model', model, '--compare', 'starter', ...args, '--resamples', '100', '--quiet'])).stdout;
    expect(text[0]).toMatch(/^A = model, B = /);
    expect(text.find((l) => l.trim().startsWith('aucMacro'))).toMatch(/A − B [+-]\d\.\d{3} \[-?\d\.\d{3}, -?\d\.\d{3}\], p [=<] \d\.\d{3}\s+\(over \d of 5 classes/);
    expect(text.some((l) => /DeLong [+-]\d\.\d{3} \[.*\], p [=<] /.test(l))).toBe(true);
    await expect(cli(evaluateCommand, ['--model', model, '--compare', 'starter', ...args, '--threshold', '0.5'])).rejects.toThrow(/--compare uses each model's own operating point/);
  });
});

interface CvReport {
  k: number;
  source: string;
  dataset: string;
  classes: string[];
  perFold: { fold: number; n: number; metrics: Record<string, number | null> }[];
  meanSd: Record<string, { mean: number | null; sd: number | null; folds: number }>;
  pooled: { n: number; metrics: Record<string, number | null>; ci: Record<string, { low: number; high: number }>; unit: string };
  folds: { fold: number; out: string; counts: { train: number; val: number; test: number }; outOfScope: { count: number; byReason: Record<string, number>; note: string } }[];
}

describe('ecg train --cv 10 --dataset cpsc (the paper\'s CPSC protocol, tiny budget)', () => {
  it('trains one model per fold, selected on its own inner validation fold, and prints per-fold and pooled figures', async () => {
    const cpsc = path.join(dir, 'cpsc');
    await mkdir(cpsc);
    const records = await writeTinyCpsc(cpsc);
    // One record of a 17-year-old (a CinC header comment): outside every fold model's intended input (adults), scored by no fold.
    await writeFile(path.join(cpsc, 'A0001.hea'), `${(await readFile(path.join(cpsc, 'A0001.hea'), 'utf8')).trimEnd()}\n# Age: 17\n`);
    const scoredRecords = records - 1;
    const out = path.join(dir, 'cv');
    const args = ['--cv', '10', '--dataset', 'cpsc', '--data', cpsc, '--arch', 'xresnet1d50', '--out', out, '--epochs', '1', '--batch', '8', '--backend', 'wasm', '--eval', 'windows', '--stride', '125', '--min-examples', '1,1', '--quiet'];
    const r = await cli(trainCommand, args);
    expect(r.code).toBe(0);
    expect(r.stdout[0]).toMatch(/^10-fold cross-validation on cpsc2018 \(cpsc2018: 10 folds stratified/);
    expect(r.stdout.filter((l) => /^\d+\s+\d+\s+/.test(l))).toHaveLength(10); // one line per fold
    expect(r.stdout.find((l) => l.startsWith('mean ± SD'))).toMatch(/\d\.\d{3} ± \d\.\d{3}/);
    expect(r.stdout.find((l) => l.trim().startsWith('aucMacro'))).toMatch(/^ {2}aucMacro\s+\d\.\d{3} \[\d\.\d{3}, \d\.\d{3}\]$/);

    const report = JSON.parse(await readFile(path.join(out, 'cv.json'), 'utf8')) as CvReport & { predictions: { fold: number; ids: string[] }[] };
    expect(report.k).toBe(10);
    expect(report.classes).toEqual(['SNR', 'AF', 'IAVB', 'LBBB', 'RBBB', 'PAC', 'PVC', 'STD', 'STE']);
    // Every record within the intended input is scored exactly once, out of fold, by the model that never trained or validated on it.
    const scored = report.predictions.flatMap((p) => p.ids);
    expect(new Set(scored).size).toBe(scoredRecords);
    expect(scored).toHaveLength(scoredRecords);
    expect(scored).not.toContain('A0001');
    expect(report.pooled.n).toBe(scoredRecords);
    expect(report.perFold.reduce((n, f) => n + f.n, 0)).toBe(scoredRecords);
    const minor = report.folds.filter((f) => f.outOfScope.count > 0);
    expect(minor.map((f) => f.outOfScope.byReason)).toEqual([{ age: 1 }]);
    expect(r.stdout).toContain(`  fold ${minor[0]?.fold}: note: ${minor[0]?.outOfScope.note}`);
    expect(r.stdout.find((l) => l.startsWith('pooled out-of-fold'))).toContain('(1 outside it, in no figure)');
    for (const f of report.folds) expect(f.counts.train + f.counts.val + f.counts.test).toBe(records);
    const manifest = JSON.parse(await readFile(path.join(out, 'fold-03', 'manifest.json'), 'utf8')) as { name: string; provenance: { dataset: { name: string; records: { train: number; val: number; test: number } } } };
    expect(manifest.provenance.dataset.name).toBe('cpsc2018 (CV fold 3 of 10)');
    expect(manifest.provenance.dataset.records).toEqual(report.folds[2]?.counts);
    expect(report.meanSd.aucMacro?.folds).toBeGreaterThan(0);
  }, 300_000); // ten trainings: minutes on a loaded 2-core machine
});

interface EnsembleResult {
  manifest: { id: string; ensemble: { aggregation: string; members: { name: string; architecture: string; rateHz: number }[] }; provenance: { split: string; dataset: { split: string } } };
  n: number;
  validation: { aucMacro: number };
  members: { name: string; metrics: { aucMacro: number } }[];
  versusBest: { macro: { metric: string; diff: number; ci95: [number, number] }[] };
  notLockedTest: string;
}

describe('ecg ensemble: two models as one package', () => {
  it('averages calibrated outputs, fits its own operating point on validation, is no worse than its best member there, and predicts in the app', async () => {
    const resources = path.join(dir, 'resources');
    const out = path.join(resources, 'models', 'pair');
    const r = await cli(ensembleCommand, ['--member', 'starter', '--member', model, '--data', data, '--out', out, '--backend', 'wasm', '--json']);
    const result = JSON.parse(r.stdout[0] as string) as EnsembleResult;
    expect(result.manifest.ensemble.aggregation).toBe('mean-calibrated-probability');
    expect(result.manifest.ensemble.members.map((m) => m.name)).toEqual(['xresnet1d50-ptbxl-pool-demo', 'model']);
    expect(result.manifest.provenance.dataset.split).toMatch(/validation split; the test split never read\. Members: xresnet1d50-ptbxl-pool-demo/);
    // At least as good as its best member on validation, within the paired CI.
    const auc = result.versusBest.macro.find((m) => m.metric === 'aucMacro');
    expect(auc?.ci95[1]).toBeGreaterThanOrEqual(0);
    expect(result.validation.aucMacro).toBeGreaterThanOrEqual(Math.min(...result.members.map((m) => m.metrics.aucMacro)));
    // Validation figures, CIs and p-values on the records the thresholds were tuned on: never without saying so.
    expect(result.notLockedTest).toMatch(/^not locked-test figures: the ensemble's thresholds were tuned on these same validation records/);

    // The package evaluates like any other, and its prediction is the mean of its members'.
    const evaluated = JSON.parse((await cli(evaluateCommand, ['--model', out, '--data', data, '--split', 'val', '--backend', 'wasm', '--json'])).stdout[0] as string) as { n: number; metrics: { aucMacro: number }; notLockedTest: string | null; trainingOverlap: { checked: number; inTraining: number | null; members?: { name: string; inTraining: number | null }[] } };
    expect(evaluated.n).toBe(result.n);
    // Overlap combined over the members (it said "check each member"): 'model' validated on these records, so every one was seen.
    const overlap = evaluated.trainingOverlap;
    expect(overlap.members?.map((m) => m.name)).toEqual(['xresnet1d50-ptbxl-pool-demo', 'model']);
    expect(overlap.members?.[1]?.inTraining).toBe(overlap.checked);
    expect(overlap).toMatchObject({ checked: evaluated.n, inTraining: evaluated.n });
    expect(evaluated.notLockedTest).toMatch(/^not locked-test figures: the validation split/);
    expect(evaluated.metrics.aucMacro).toBeCloseTo(result.validation.aucMacro, 12);
    const base = path.join(data, 'records100', '00000', '00001_lr');
    const input = await decodeRecordFiles([`${base}.hea`, `${base}.dat`]);
    const loaded = await loadModel(out);
    const mean = await predictModel(loaded, input);
    if (!('members' in loaded)) throw new Error('not loaded as an ensemble');
    const parts: Record<string, number>[] = [];
    for (const m of loaded.members) parts.push((await predictModel(m, input)).probabilities as Record<string, number>);
    for (const [c, p] of Object.entries(mean.probabilities ?? {})) expect(p).toBeCloseTo(((parts[0]?.[c] as number) + (parts[1]?.[c] as number)) / 2, 10);
    disposeModel(loaded);
    // A member altered after packaging is refused, as a single package would be.
    const altered = path.join(dir, 'altered');
    await cp(out, altered, { recursive: true });
    const weights = path.join(altered, 'members', '02', 'weights.bin');
    const bytes = await readFile(weights);
    bytes[0] = (bytes[0] as number) ^ 1;
    await writeFile(weights, bytes);
    await expect(loadModel(altered)).rejects.toMatchObject({ code: 'E_MODEL' });

    // In the app: listed with the bundled models, and it predicts a stored record through the engine contract.
    await cp(model, path.join(resources, 'models', 'tiny'), { recursive: true });
    const engine = new Engine({ dataDir: await mkdtemp(path.join(tmpdir(), 'einthoven-ensemble-app-')), shell: 'test', resourcesDir: resources });
    engine.folders.allow(data);
    try {
      const listed = await engine.handle('models:list', {});
      if (!listed.ok) throw new Error(listed.error.message);
      const pair = (listed.value as { models: ModelSummary[] }).models.find((m) => m.name === 'pair');
      expect(pair).toMatchObject({ architecture: 'ensemble', classes: ['NORM', 'MI', 'STTC', 'CD', 'HYP'] });
      const imported = await engine.handle('records:import', { files: ['00001_lr.hea', '00001_lr.dat'].map((f) => ({ name: f, bytes: new Uint8Array(readFileSync(path.join(data, 'records100', '00000', f))) })) });
      if (!imported.ok) throw new Error(imported.error.message);
      await new Promise<JobFinished>((resolve) => engine.onEvent((e, p) => e === 'jobs:finished' && (p as JobFinished).jobId === (imported.value as { jobId: string }).jobId && resolve(p as JobFinished)));
      const predicted = await engine.handle('models:predict', { modelId: pair?.id, recordId: 1 });
      if (!predicted.ok) throw new Error(predicted.error.message);
      const prediction = predicted.value as PredictionResult;
      expect(prediction).toMatchObject({ abstained: false, model: { id: pair?.id, name: 'pair' }, operatingPoint: { temperature: 1 }, researchUseOnly: true });
      for (const [c, p] of Object.entries(prediction.probabilities ?? {})) expect(p).toBeCloseTo(mean.probabilities?.[c] as number, 6);

      // The app's model comparison: the ensemble against its weaker member, on the same records, as a job.
      const tiny = (listed.value as { models: ModelSummary[] }).models.find((m) => m.name === 'model');
      const started = await engine.handle('models:compare', { modelId: pair?.id, otherModelId: tiny?.id, dataset: { kind: 'ptbxl', root: data }, split: 'val' });
      if (!started.ok) throw new Error(started.error.message);
      const jobId = (started.value as { jobId: string }).jobId;
      const done = await new Promise<TrainFinished>((resolve) => engine.onEvent((e, p) => e === 'train:finished' && (p as TrainFinished).jobId === jobId && resolve(p as TrainFinished)));
      if (done.status !== 'succeeded' || done.result.kind !== 'compare') throw new Error(`comparison ${done.status}`);
      expect(done.result).toMatchObject({ kind: 'compare', n: result.n, classes: ['NORM', 'MI', 'STTC', 'CD', 'HYP'], modelA: { id: pair?.id }, modelB: { id: tiny?.id }, bootstrap: { unit: 'patient' } });
      const auc = done.result.macro.find((m) => m.metric === 'aucMacro');
      expect(auc?.a).toBeCloseTo(result.validation.aucMacro, 12);
      expect(auc?.b).toBeCloseTo(result.members[1]?.metrics.aucMacro as number, 12);
      expect(engine.audit.recent().some((a) => a.action === 'compare.finished')).toBe(true);
    } finally {
      await engine.close();
    }
  }, 180_000);
});

describe('ecg package and finetune --base on an ensemble (they looked for its model.json)', () => {
  it('verifies an ensemble member by member, reseals it after a member changed, and finetune refuses it as a base', async () => {
    const ens = path.join(dir, 'verify-pair');
    expect((await cli(ensembleCommand, ['--member', 'starter', '--member', model, '--data', data, '--out', ens, '--backend', 'wasm', '--quiet'])).code).toBe(0);
    const verified = await cli(packageCommand, ['verify', ens]);
    expect(verified.code).toBe(0);
    expect(verified.stdout[0]).toMatch(/: OK verify-pair@[0-9a-f]+ \(ensemble; members xresnet1d50-ptbxl-pool-demo@[0-9a-f]+, model@[0-9a-f]+ verified\), not signed$/);

    // A member changed and resealed on its own: the ensemble no longer lists it, until the ensemble is resealed.
    const weights = path.join(ens, 'members', '02', 'weights.bin');
    const bytes = await readFile(weights);
    bytes[0] = (bytes[0] as number) ^ 1;
    await writeFile(weights, bytes);
    expect((await cli(packageCommand, ['verify', ens])).stdout[0]).toMatch(/FAILED .*weights/);
    expect((await cli(packageCommand, ['seal', path.join(ens, 'members', '02')])).code).toBe(0);
    expect((await cli(packageCommand, ['verify', ens])).stdout[0]).toMatch(/FAILED .*member members\/02 is not the model the ensemble was built from/);
    const sealed = await cli(packageCommand, ['seal', ens]);
    expect(sealed.stdout[0]).toMatch(/sealed as verify-pair@[0-9a-f]+$/);
    const again = await cli(packageCommand, ['verify', ens, '--json']);
    expect(JSON.parse(again.stdout[0] as string)).toMatchObject({ ok: true, members: [expect.any(String), expect.any(String)] });
    expect(JSON.parse(again.stdout[0] as string).id).not.toBe(/OK (\S+)/.exec(verified.stdout[0] as string)?.[1]);

    await expect(cli(finetuneCommand, ['--base', ens, '--data', data, '--out', path.join(dir, 'ft-ens'), '--quiet'])).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringMatching(/is an ensemble.*fine-tune one of its members.*ecg ensemble/) });
  }, 180_000);
});

describe('ecg train --pos-weight (weighted BCE)', () => {
  it('trains with one positive weight per class and refuses weights that would be ignored or misapplied', async () => {
    const common = ['--data', data, '--arch', 'xresnet1d50', '--epochs', '1', '--batch', '6', '--backend', 'wasm', '--min-examples', '1,1', '--quiet'];
    const out = path.join(dir, 'weighted');
    const r = await cli(trainCommand, [...common, '--out', out, '--loss', 'bce', '--pos-weight', '2,4,2,1,2', '--json']);
    const result = JSON.parse(r.stdout[0] as string) as { manifest: { hyperParameters: { loss: string; posWeight: number[] } } };
    expect(result.manifest.hyperParameters).toMatchObject({ loss: 'bce', posWeight: [2, 4, 2, 1, 2] });
    await expect(cli(trainCommand, [...common, '--out', path.join(dir, 'w2'), '--loss', 'bce', '--pos-weight', '2,4'])).rejects.toThrow(/2 positive-class weights for 5 classes/);
    await expect(cli(trainCommand, [...common, '--out', path.join(dir, 'w3'), '--pos-weight', '2,4,2,1,2'])).rejects.toThrow(/apply to the BCE loss/);
    await expect(cli(trainCommand, [...common, '--out', path.join(dir, 'w4'), '--loss', 'bce', '--pos-weight', '2,-1,2,1,2'])).rejects.toThrow(/positive numbers/);
  }, 120_000);
});

describe('cross-validation in the app: a fine-tuning cross-validated first', () => {
  it('runs K patient-grouped fold fine-tunings, reports mean ± SD and pooled figures, then trains the final model', async () => {
    const resources = path.join(dir, 'cv-resources');
    await mkdir(path.join(resources, 'models'), { recursive: true });
    await cp(model, path.join(resources, 'models', 'tiny'), { recursive: true });
    const ds = await loadPtbxl(data, { fs: 100 });
    const norm = ds.classes.indexOf('NORM');
    const labels = path.join(dir, 'norm.csv');
    await writeFile(labels, `file,label,patient_id,split\n${ds.items.map((i) => `${path.relative(data, i.files[0] as string)},${i.labels[norm]},${i.patientId ?? ''},${i.split}`).join('\n')}\n`);
    const dataDir = await mkdtemp(path.join(tmpdir(), 'einthoven-cv-app-'));
    // A fold left by an earlier, cancelled run of the same name: the new run clears its own scratch rather than refusing it.
    await mkdir(path.join(dataDir, 'cv', 'norm-cv', 'fold-01'), { recursive: true });
    await writeFile(path.join(dataDir, 'cv', 'norm-cv', 'fold-01', 'manifest.json'), '{}');
    const engine = new Engine({ dataDir, shell: 'test', resourcesDir: resources });
    for (const folder of [data, dir]) engine.folders.allow(folder);
    try {
      const listed = await engine.handle('models:list', {});
      if (!listed.ok) throw new Error(listed.error.message);
      const tiny = (listed.value as { models: ModelSummary[] }).models[0] as ModelSummary;
      const started = await engine.handle('train:finetune', { baseModelId: tiny.id, dataset: { kind: 'csv', root: data, labels, positiveClass: 'NORM' }, mode: 'head', name: 'norm-cv', settings: { epochs: 2, batchSize: 4, minExamples: { train: 1, val: 1 } }, crossValidation: 3 });
      if (!started.ok) throw new Error(started.error.message);
      const jobId = (started.value as { jobId: string }).jobId;
      const done = await new Promise<TrainFinished>((resolve) => engine.onEvent((e, p) => e === 'train:finished' && (p as TrainFinished).jobId === jobId && resolve(p as TrainFinished)));
      if (done.status !== 'succeeded' || done.result.kind !== 'finetune') throw new Error(`fine-tuning ${done.status}: ${done.status === 'failed' ? done.error.message : ''}`);
      const cv = done.result.crossValidation;
      expect(cv).toMatchObject({ k: 3, source: expect.stringMatching(/3 patient-grouped folds/) });
      // The locked test split (fold 10's rows) stays out: the pooled records are the 17 others.
      expect(cv?.pooled.n).toBe(ds.items.filter((i) => i.split !== 'test').length);
      expect(cv?.meanSd.aucMacro?.folds).toBeGreaterThan(0);
      expect(done.result.modelId).toMatch(/^norm-cv@/);
    } finally {
      await engine.close();
    }
  }, 300_000);
});
