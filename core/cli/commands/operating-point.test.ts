import { existsSync, readdirSync } from 'node:fs';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { attachTestReport, readFolderManifest } from '../../train/package/io';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { neverFlaggedThreshold } from '../../contract/training-schemas';
import { EinthovenError } from '../../errors';
import type { OperatingPointJobResult } from '../../train/jobs/operating-point-job';
import { trainJob } from '../../train/jobs/train-job';
import { loadPackage } from '../../train/package/archive';
import { sealManifest } from '../../train/package/seal';
import { predictRecord } from '../../train/predictor';
import { rankedLabelsCsv, thinnedLabelsCsv, type RankedLabels } from '../../test/ranked-labels';
import { fixturePath } from '../../test/shared-data';
import { decodeFiles } from '../../formats/index';
import { loadFilesForDecoding } from '../../formats/load';
import type { CliCommand } from '../command';
import type { EvaluationReport } from '../../train/jobs/evaluate-job';
import { runCli } from '../run';
import { evaluateCommand } from './evaluate';
import { operatingPointCommand } from './operating-point';
import { predictCommand } from './predict';
import { auditTrail } from '../../test/engine-value';
import { ModelDetailSchema } from '../../contract/clinic-schemas';
import { cardDataset } from '../../contract/model-card-text';
import { modelDetail } from '../../engine/model-detail';
import { modelCardLines } from './model-inspect';

async function cli(command: CliCommand, args: string[]): Promise<{ code: number; stdout: string[]; stderr: string[] }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await command.run(args, { stdout: (t) => stdout.push(t), stderr: (t) => stderr.push(t) });
  return { code, stdout, stderr };
}


const root = fixturePath('train', 'ptbxl');
let dir: string;
let model: string;
let labels: string;
let ranked: RankedLabels;
let classes: string[];
/** The class rates each rule reaches on the ranked validation rows (core/test/ranked-labels.ts). */
const expected = { 'rule-out': { sensitivity: 4 / 5, specificity: 5 / 7 }, 'rule-in': { sensitivity: 3 / 5, specificity: 6 / 7 } };

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'einthoven-operating-point-'));
  model = path.join(dir, 'tiny');
  await trainJob({ dataset: { kind: 'ptbxl', root }, architecture: 'xresnet1d50', out: model, name: 'tiny', backend: 'wasm', train: { epochs: 1, batchSize: 6, minExamples: { train: 1, val: 1 } } });
  // A hospital labels CSV over the same 24 real records, labelled from the model's own rankings; its test rows the fixture's fold 10, which the model never saw.
  ranked = await rankedLabelsCsv(model, root, path.join(dir, 'labels.csv'));
  labels = ranked.file;
  classes = ranked.classes;
}, 600_000);

/** Runs the command and reads its JSON. */
async function operatingPoint(goal: string, out: string, extra: string[] = [], csv = labels): Promise<OperatingPointJobResult> {
  const r = await cli(operatingPointCommand, ['--model', model, '--data', root, '--labels', csv, '--goal', goal, '--target', '0.8', '--out', out, '--backend', 'wasm', '--workers', '1', '--json', ...extra]);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout[0] as string) as OperatingPointJobResult;
}

/** Whether a validation row is flagged at a new threshold, computed here from the base's outputs: temperature scaling keeps the order, so p_new > t ⇔ p_base > σ(T_new · logit(t) / T_base). */
function flaggedHere(pBase: number, threshold: number, temperature: number): boolean {
  if (threshold >= neverFlaggedThreshold) return false;
  const logit = Math.log(threshold / (1 - threshold));
  return pBase > 1 / (1 + Math.exp(-(temperature * logit) / ranked.baseTemperature));
}

describe('ecg operating-point (a real tiny model, a hospital labels CSV over the PTB-XL fixture)', () => {
  let ruleOut: OperatingPointJobResult;
  let ruleIn: OperatingPointJobResult;

  beforeAll(async () => {
    ruleOut = await operatingPoint('rule-out', path.join(dir, 'rule-out'));
    ruleIn = await operatingPoint('rule-in', path.join(dir, 'rule-in'));
  }, 600_000);

  it('chooses each class threshold by the rule on validation: exactly the rates the ranking allows, checked from the base outputs', () => {
    for (const [goal, r] of [['rule-out', ruleOut], ['rule-in', ruleIn]] as const) {
      expect(r.operatingPoint).toMatchObject({ method: goal === 'rule-out' ? 'sensitivity' : 'specificity', target: 0.8 });
      expect(r.validation.n).toBe(12);
      r.perClass.forEach((c, j) => {
        expect(c.validation).toEqual({ positives: 5, negatives: 7, ...expected[goal] });
        const flagged = ranked.validation.probs.map((p) => flaggedHere(p[j] as number, c.threshold, r.operatingPoint.temperature));
        const tp = flagged.filter((f, k) => f && ranked.validation.labels[k]?.[j] === 1).length;
        const fp = flagged.filter((f, k) => f && ranked.validation.labels[k]?.[j] === 0).length;
        expect([tp / 5, (7 - fp) / 7]).toEqual([expected[goal].sensitivity, expected[goal].specificity]);
      });
    }
    // A rule-out threshold never lies above the rule-in one at the same target.
    ruleOut.perClass.forEach((c, j) => expect(c.threshold).toBeLessThanOrEqual(ruleIn.perClass[j]?.threshold as number));
  });

  it('reports the locked test rows once, at the new and at the base operating point, with intervals', () => {
    for (const r of [ruleOut, ruleIn]) {
      // Fold 10: none of them is among the model's training and validation records, so this is a locked test; its validation rows (folds 1–9) all are.
      expect(r.trainingOverlap.test).toMatchObject({ checked: 6, inTraining: 0 });
      expect(r.notLockedTest).toBeNull();
      expect(r.trainingOverlap.validation).toMatchObject({ checked: 12, inTraining: 12 });
      expect(r.trainingOverlap.validation.note).toMatch(/^12 of the 12 validation records are among tiny's training and validation records: the temperature and thresholds were chosen on records it had learned/);
      expect(r.test.n).toBe(6);
      expect(r.baseTest.n).toBe(6);
      for (const c of r.perClass) {
        for (const figures of [c.test, c.baseTest]) {
          for (const rate of [figures.sensitivity, figures.specificity]) {
            expect(rate.low).toBeLessThanOrEqual(rate.value);
            expect(rate.high).toBeGreaterThanOrEqual(rate.value);
          }
        }
      }
      expect(Object.keys(r.test.calibration)).toEqual(classes);
    }
  });

  it('writes a new sealed package: the base weights and topology, the new operating point, provenance naming the base', async () => {
    const base = await loadPackage(model);
    const written = await loadPackage(ruleOut.out);
    try {
      expect(written.manifest.weightsSha256).toBe(base.manifest.weightsSha256);
      expect(written.manifest.topologySha256).toBe(base.manifest.topologySha256);
      expect(written.manifest.id).not.toBe(base.manifest.id);
      expect(written.manifest.name).toBe('tiny — rule-out 0.8 (site)');
      expect(written.manifest.operatingPoint).toEqual(ruleOut.operatingPoint);
      expect(written.manifest.provenance.base).toMatchObject({ id: base.manifest.id, name: 'tiny', mode: 'operating-point' });
      expect(written.manifest.provenance.selection).toMatch(/only the operating point .* was refit, on hospital:ptbxl's validation rows \(12 records/);
      // The weights' training provenance stays the base's; the site's figures are validation (here) and the reported test.
      const { split, ...trainedOn } = written.manifest.provenance.dataset;
      expect(trainedOn).toEqual((({ split: _split, ...rest }) => rest)(base.manifest.provenance.dataset));
      // Its split says both: the base's for the weights, the site's validation rows for the operating point.
      expect(split).toBe(`weights: ${base.manifest.provenance.dataset.split}; operating point: hospital:ptbxl's validation rows (12 records, dataset index SHA-256 ${split.match(/SHA-256 ([0-9a-f]{64})/)?.[1]}), its test rows read once to report`);
      expect(written.manifest.provenance.validation.n).toBe(12);
      expect(written.manifest.provenance.test).toBeUndefined();
      // It predicts with the new thresholds, and says which rule chose them.
      const [decoded] = decodeFiles(loadFilesForDecoding([path.join(root, 'records100', '00000', '00001_lr.hea')]));
      if (!decoded?.ok) throw new Error('fixture record did not decode');
      const prediction = await predictRecord(written, { fs: decoded.record.fs, leads: decoded.record.leads.map((l) => ({ name: l.name, samples: l.samples })) });
      expect(prediction.operatingPoint).toMatchObject({ method: 'sensitivity', target: 0.8, temperature: ruleOut.operatingPoint.temperature });
      expect(Object.values(prediction.operatingPoint.thresholds)).toEqual(ruleOut.operatingPoint.thresholds);
    } finally {
      base.model.dispose();
      written.model.dispose();
    }
  });

  it('prints the rule, the optimistic validation and the test beside the base in text', async () => {
    const r = await cli(operatingPointCommand, ['--model', model, '--data', root, '--labels', labels, '--goal', 'rule-out', '--out', path.join(dir, 'text'), '--backend', 'wasm', '--workers', '1', '--quiet']);
    expect(r.code).toBe(0);
    const text = r.stdout.join('\n');
    expect(text).toMatch(/operating point: rule-out: sensitivity ≥ 0\.95 on validation/);
    expect(text).toMatch(/validation of hospital:ptbxl \(12 records; optimistic/);
    expect(text).toMatch(/locked test \(6 records.*new vs base's own operating point/);
    // The validation rows are records the model learned: said, as a warning before the figures; the test rows are not, so no such word of them.
    expect(text).toMatch(/\n {2}warning: 12 of the 12 validation records are among tiny's training and validation records: the temperature and thresholds were chosen on records it had learned, so they and the validation figures are optimistic\n/);
    expect(text).not.toMatch(/not locked-test|not a locked test/);
    // The rate intervals are widened to Wilson's (core/ml/metrics/proportion.ts): the header says so, not 'bootstrap CIs'.
    expect(text).toContain("95 % CIs, each the wider of the bootstrap interval and Wilson's score interval on its counts (of patients where records name them)");
    expect(text).not.toMatch(/bootstrap CIs/);
  });

  it('ecg evaluate and ecg predict name the rule of the new package', async () => {
    const evaluated = await cli(evaluateCommand, ['--model', ruleIn.out, '--data', root, '--labels', labels, '--backend', 'wasm', '--workers', '1', '--quiet']);
    expect(evaluated.stdout.join('\n')).toMatch(/operating point: rule-in: specificity ≥ 0\.8 on validation, temperature/);
    const predicted = await cli(predictCommand, ['--model', ruleOut.out, '--backend', 'wasm', path.join(root, 'records100', '00000', '00001_lr.hea')]);
    expect(predicted.stdout.join('\n')).toMatch(/rule-out: sensitivity ≥ 0\.8 on validation, T \d/);
  });

  it("holds an attached locked test to the site data its operating point was chosen on, kept as a digest, not to its base's training data, which its manifest names as its dataset", async () => {
    // The site's rows chose its operating point, and their test split is its locked test; its manifest's dataset is the base's (the weights' data).
    const copy = path.join(dir, 'rule-in-attached');
    await cp(ruleIn.out, copy, { recursive: true });
    const manifest = await readFolderManifest(copy);
    const evaluateArgs = ['--model', copy, '--data', root, '--labels', labels, '--backend', 'wasm', '--workers', '1', '--quiet', '--json'];
    const evaluated = JSON.parse((await cli(evaluateCommand, evaluateArgs)).stdout[0] as string) as EvaluationReport;
    // The package keeps the digest ecg evaluate reports of the same labels CSV, which its base's dataset is not.
    expect(manifest.provenance.operatingPointDataset).toMatchObject({ name: evaluated.dataset, sha256: evaluated.datasetSha256, records: { train: 6, val: 12, test: 6 } });
    expect(manifest.provenance.dataset.sha256).not.toBe(evaluated.datasetSha256);
    // Figures on any other data were taken for its locked test: now refused, naming the site data.
    const otherData = { model: { id: manifest.id }, dataset: 'elsewhere', datasetSha256: '0'.repeat(64), n: 6, metrics: {}, ci: {}, failed: [] };
    await expect(attachTestReport(copy, otherData)).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringMatching(/is a site operating point chosen on .* these figures are on elsewhere .* Nothing was attached/) });
    // Its locked test on the site data is attached.
    const attached = JSON.parse((await cli(evaluateCommand, [...evaluateArgs, '--attach'])).stdout[0] as string) as { n: number; attached: { id: string } };
    const withTest = await readFolderManifest(copy);
    expect(withTest.provenance.test?.n).toBe(attached.n);
    // Its card and ecg model inspect name the site data those figures are on, its records beside them; the base's training data as the weights'.
    const detail = ModelDetailSchema.parse(JSON.parse(JSON.stringify(modelDetail({ manifest: withTest, location: copy, bundled: false }))));
    expect(cardDataset(detail)).toMatchObject({ name: evaluated.dataset, sha256: evaluated.datasetSha256 });
    const lines = modelCardLines(detail);
    expect(lines).toContain(`  dataset ${evaluated.dataset}: 6 train · 12 validation · 6 test (locked)`);
    const trained = manifest.provenance.dataset;
    expect(lines).toContain(
      `  weights trained on ${trained.name} (index SHA-256 ${trained.sha256.slice(0, 12)}…; ${trained.records.train} train · ${trained.records.val} validation · ${trained.records.test} test), by its base tiny; only the operating point was chosen on ${evaluated.dataset}, its locked test that data's test split`,
    );
    // Its base, whose dataset is its own locked test's, is held to it.
    await expect(attachTestReport(model, { ...otherData, model: { id: (await readFolderManifest(model)).id } })).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringMatching(/was trained on .* Nothing was attached/) });
  });

  it('refuses, before evaluating, to attach to a site operating point made before packages kept the digest of its site data, saying what to do instead', async () => {
    const old = path.join(dir, 'rule-in-old');
    await cp(ruleIn.out, old, { recursive: true });
    const raw = JSON.parse(await readFile(path.join(old, 'manifest.json'), 'utf8')) as { provenance: Record<string, unknown> } & Record<string, unknown>;
    delete raw.provenance.operatingPointDataset;
    const bytes = `${JSON.stringify(sealManifest(raw), null, 2)}\n`;
    await writeFile(path.join(old, 'manifest.json'), bytes);
    const refused = cli(evaluateCommand, ['--model', old, '--data', root, '--labels', labels, '--backend', 'wasm', '--workers', '1', '--quiet', '--attach']);
    await expect(refused).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringMatching(/is a site operating point of tiny made before packages kept the digest of the site data it was chosen on .*: nothing was written\. Keep this evaluation on this site with --record, without --attach; or derive the operating point again/) });
    expect(await readFile(path.join(old, 'manifest.json'), 'utf8')).toBe(bytes);
    // The figures themselves still come without --attach.
    expect((await cli(evaluateCommand, ['--model', old, '--data', root, '--labels', labels, '--backend', 'wasm', '--workers', '1', '--quiet'])).code).toBe(0);
  });

  it('refuses a class below the validation minimum, an existing package, and a target with f1', async () => {
    // Validation rows keep only two positives of the first class: under the minimum of 3.
    const thin = await thinnedLabelsCsv(labels, classes[0] as string, 2, path.join(dir, 'thin.csv'));
    const refused = cli(operatingPointCommand, ['--model', model, '--data', root, '--labels', thin, '--goal', 'rule-out', '--out', path.join(dir, 'thin'), '--backend', 'wasm', '--json']);
    await expect(refused).rejects.toThrow(EinthovenError);
    await expect(refused).rejects.toThrow(new RegExp(`class ${classes[0]} has 2 positive validation records; at least 3 are needed`));
    // The refusal names the override and where to set it, so a small site knows it exists.
    await expect(refused).rejects.toThrow(/a minimum of 2 would let these records through, as an override \("minimum validation positives and negatives per class" on the model card, --min-val-examples in ecg operating-point\)/);
    expect(existsSync(path.join(dir, 'thin'))).toBe(false);
    // Lowered to 2, it runs, and says which class's threshold rests on how few examples: in the result, the output and the manifest.
    const lowered = await operatingPoint('rule-out', path.join(dir, 'thin-2'), ['--min-val-examples', '2'], thin);
    const statement = `override: minimum examples per class lowered to 2 in validation (default 3); thresholds tuned on as few as 2 positives for class ${classes[0]}; figures from so few examples are unreliable`;
    expect(lowered.override).toBe(statement);
    expect(lowered.perClass[0]?.validation.positives).toBe(2);
    expect(lowered.manifest.provenance.selection).toContain(statement);
    await expect(cli(operatingPointCommand, ['--model', model, '--data', root, '--labels', labels, '--goal', 'rule-out', '--out', ruleOut.out, '--json'])).rejects.toThrow(/already exists/);
    await expect(cli(operatingPointCommand, ['--model', model, '--data', root, '--labels', labels, '--goal', 'f1', '--target', '0.9', '--out', path.join(dir, 'f1'), '--json'])).rejects.toThrow(/a target applies to rule-out and rule-in/);
  }, 300_000);
});

describe('ecg operating-point on a labels CSV whose test rows the model trained on (a site split made without its own)', () => {
  let seen: string;

  beforeAll(async () => {
    seen = (await rankedLabelsCsv(model, root, path.join(dir, 'seen-labels.csv'), 'seen')).file;
  }, 600_000);

  it('counts them as ecg evaluate does and says its test figures are no locked test, naming which; the package is still written', async () => {
    const r = await operatingPoint('rule-out', path.join(dir, 'seen-rule-out'), [], seen);
    expect(r.trainingOverlap.test).toMatchObject({ checked: 6, inTraining: 4 });
    expect(r.notLockedTest).toMatch(/^not locked-test figures: 4 of the 6 test records are among tiny's training and validation records: its figures on them are optimistic; a locked test holds no record the model saw \(here e\.g\. [^,]+, [^,]+, [^,]+\): leave them out of the test split$/);
    // The very words ecg evaluate gives of the same rows.
    const evaluated = await cli(evaluateCommand, ['--model', model, '--data', root, '--labels', seen, '--backend', 'wasm', '--workers', '1', '--json']);
    const report = JSON.parse(evaluated.stdout[0] as string) as EvaluationReport;
    expect(r.notLockedTest).toBe(report.notLockedTest);
    expect(r.trainingOverlap.test).toEqual(report.trainingOverlap);
    expect(r.trainingOverlap.validation.inTraining).toBeGreaterThan(0);
    expect(r.trainingOverlap.validation.note).toMatch(/validation records? (is|are) among tiny's training and validation records: the temperature and thresholds were chosen on records it had learned/);
    // Its operating point may still be the site's choice: written.
    expect(existsSync(path.join(r.out, 'manifest.json'))).toBe(true);
  }, 300_000);

  it('says so in text before the figures, which it heads "test", not "locked test"', async () => {
    const r = await cli(operatingPointCommand, ['--model', model, '--data', root, '--labels', seen, '--goal', 'rule-out', '--out', path.join(dir, 'seen-text'), '--backend', 'wasm', '--workers', '1', '--quiet']);
    expect(r.code).toBe(0);
    const text = r.stdout.join('\n');
    expect(text).toMatch(/\n {2}warning: not locked-test figures: 4 of the 6 test records are among tiny's training and validation records/);
    expect(text).toMatch(/\n {2}test \(not a locked test: see the warning above; 6 records, read once after every choice/);
    expect(text).not.toMatch(/locked test \(6 records/);
  }, 300_000);

  it('into the data folder: registers and lists the new model but does not record its test figures as the site evaluation, and says so; on unseen test rows it does', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'einthoven-op-seen-'));
    const args = (csv: string, goal: string) => ['--model', model, '--data', root, '--labels', csv, '--goal', goal, '--target', '0.8', '--backend', 'wasm', '--workers', '1', '--data-dir', dataDir, '--json', '--quiet'];
    const made = await cli(operatingPointCommand, args(seen, 'rule-out'));
    expect(made.code).toBe(0);
    const r = JSON.parse(made.stdout[0] as string) as OperatingPointJobResult;
    expect(readdirSync(path.join(dataDir, 'models'))).toEqual([path.basename(r.out)]);
    expect(made.stderr).toContain(`not recorded as this site's evaluation of tiny — rule-out 0.8 (site) (ecg models promote needs a locked test): ${r.notLockedTest}`);
    const entries = await auditTrail(dataDir);
    expect(entries.map((e) => e.action)).toEqual(['operating-point.started', 'model.registered', 'operating-point.finished']);
    expect(entries[2]?.details).toMatchObject({ status: 'succeeded', model: r.manifest.id, trainingOverlap: { validation: r.trainingOverlap.validation.inTraining, test: 4 }, notLockedTest: r.notLockedTest });
    // Nothing a promotion could rest on.
    const promote = { out: [] as string[], err: [] as string[] };
    expect(await runCli(['models', 'promote', r.manifest.id, '--data-dir', dataDir], { stdout: (t) => promote.out.push(t), stderr: (t) => promote.err.push(t) })).toBe(1);
    expect(promote.out[0]).toBe(`${r.manifest.id}: no locked-test evaluation on this site's data`);

    // The same model on test rows it never saw: recorded, as before.
    const unseen = await cli(operatingPointCommand, args(labels, 'rule-in'));
    expect(unseen.code).toBe(0);
    const kept = JSON.parse(unseen.stdout[0] as string) as OperatingPointJobResult;
    expect(unseen.stderr.filter((l) => l.includes('not recorded'))).toEqual([]);
    expect((await auditTrail(dataDir)).slice(3).map((e) => [e.action, e.subject])).toEqual([
      ['operating-point.started', expect.any(String)],
      ['model.registered', `model:${kept.manifest.id}`],
      ['operating-point.finished', expect.any(String)],
      ['model.evaluated', `model:${kept.manifest.id}`],
    ]);
  }, 300_000);
});

describe('ecg operating-point of a model that keeps no record of its training records (written before packages kept one)', () => {
  it("shows its test figures but says they are no locked test and does not record them, as ecg evaluate says of the same rows; on its own training data's test split they are one", async () => {
    const old = path.join(dir, 'tiny-unrecorded');
    await cp(model, old, { recursive: true });
    const raw = JSON.parse(await readFile(path.join(old, 'manifest.json'), 'utf8')) as { provenance: Record<string, unknown> } & Record<string, unknown>;
    delete raw.provenance.trainingRecords;
    await writeFile(path.join(old, 'manifest.json'), JSON.stringify(sealManifest(raw)));
    const dataDir = await mkdtemp(path.join(tmpdir(), 'einthoven-op-unknown-'));
    const made = await cli(operatingPointCommand, ['--model', old, '--data', root, '--labels', labels, '--goal', 'rule-out', '--target', '0.8', '--backend', 'wasm', '--workers', '1', '--data-dir', dataDir, '--json', '--quiet']);
    const r = JSON.parse(made.stdout[0] as string) as OperatingPointJobResult;
    // The site's labels CSV is not the data the model was trained on: whether its test rows were among its training records cannot be checked.
    expect(r.trainingOverlap.test.inTraining).toBeNull();
    const trainedOn = (raw.provenance.dataset as { sha256: string }).sha256;
    expect(r.notLockedTest).toBe(`not locked-test figures: whether the model trained or validated on these test records cannot be checked, as tiny keeps no record of its own training records (written before packages kept one), and a locked test holds no record the model saw; tiny's locked test is the test split of the data it was trained on, ptbxl-superclass-100hz (index ${trainedOn.slice(0, 12)}), as it was split and labelled then`);
    expect(r.test.n).toBe(6);
    expect(made.stderr).toContain(`not recorded as this site's evaluation of ${r.manifest.name} (ecg models promote needs a locked test): ${r.notLockedTest}`);
    expect((await auditTrail(dataDir)).map((e) => e.action)).toEqual(['operating-point.started', 'model.registered', 'operating-point.finished']);
    // ecg evaluate says the same of the same rows, and refuses to record them.
    const evaluateArgs = ['--model', old, '--data', root, '--labels', labels, '--backend', 'wasm', '--workers', '1', '--quiet'];
    const report = JSON.parse((await cli(evaluateCommand, [...evaluateArgs, '--json'])).stdout[0] as string) as EvaluationReport;
    expect(report.notLockedTest).toBe(r.notLockedTest);
    await expect(cli(evaluateCommand, [...evaluateArgs, '--record', '--data-dir', dataDir])).rejects.toMatchObject({ code: 'E_VALIDATION', message: `--attach and --record keep a locked-test evaluation; this is none (${r.notLockedTest})` });
    // The test split of the data it was trained on, as it was split then, was held out of its training: a locked test.
    const own = JSON.parse((await cli(evaluateCommand, ['--model', old, '--data', root, '--backend', 'wasm', '--workers', '1', '--quiet', '--json'])).stdout[0] as string) as EvaluationReport;
    expect(own.datasetSha256).toBe(trainedOn);
    expect(own.notLockedTest).toBeNull();
  }, 300_000);
});

describe('ecg operating-point on a labels CSV whose test rows hold a copy, at another sampling rate, of a record the model trained on', () => {
  it('counts it as seen, as ecg evaluate does, and says its test figures are no locked test', async () => {
    // PTB-XL's layout with record 1 at 500 Hz beside its 100 Hz file, which the model trained on (fold 3).
    // The CSV lists the 500 Hz file as a test row in place of the 100 Hz one, which it leaves out as PTB-XL's 500 Hz index would.
    const rates = path.join(dir, 'rates');
    await cp(root, rates, { recursive: true });
    await cp(fixturePath('train', 'ptbxl-500', 'records500'), path.join(rates, 'records500'), { recursive: true });
    const [header, ...rows] = (await readFile(labels, 'utf8')).trim().split('\n');
    const own = rows.find((row) => row.startsWith('records100/00000/00001_lr.hea,')) ?? '';
    expect(own).not.toBe('');
    const copy = own.replace(/^records100\/00000\/00001_lr\.hea,([^,]*),\w+$/, 'records500/00000/00001_hr.hea,$1,test');
    expect(copy).toMatch(/^records500.*,test$/);
    const csv = path.join(dir, 'rates-labels.csv');
    await writeFile(csv, `${[header, ...rows.filter((row) => row !== own), copy].join('\n')}\n`);
    const r = JSON.parse((await cli(operatingPointCommand, ['--model', model, '--data', rates, '--labels', csv, '--goal', 'rule-out', '--target', '0.8', '--min-val-examples', '1', '--out', path.join(dir, 'rates-rule-out'), '--backend', 'wasm', '--workers', '1', '--json'])).stdout[0] as string) as OperatingPointJobResult;
    expect(r.trainingOverlap.test).toEqual({ checked: 7, inTraining: 1, note: `1 of the 7 test records is among tiny's training and validation records (as a copy at another sampling rate in ${rates}): its figures on it are optimistic` });
    expect(r.notLockedTest).toBe(`not locked-test figures: ${r.trainingOverlap.test.note}; a locked test holds no record the model saw (here records500/00000/00001_hr.hea): leave it out of the test split`);
  }, 300_000);
});
