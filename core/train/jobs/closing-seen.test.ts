import { cpSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { closingLines, finetuneCommand } from '../../cli/commands/finetune';
import { capture } from '../../test/cli-io';
import { modelCardLines } from '../../cli/commands/model-inspect';
import { ModelDetailSchema } from '../../contract/clinic-schemas';
import { loadPtbxl } from '../../data/ptbxl';
import { modelDetail } from '../../engine/model-detail';
import { starterCopy, starterDir } from '../../test/legacy-starter';
import { fixturePath } from '../../test/shared-data';
import { ptbxlFixtureWithFoldsSwapped } from '../../test/swapped-folds';
import { lockedTestOf, type ModelManifest } from '../package/manifest';
import { finetuneJob } from './finetune-job';

const ptbxl = fixturePath('train', 'ptbxl');
const starterName = 'xresnet1d50-ptbxl-pool-demo';
const train = { epochs: 1, batchSize: 4, minExamples: { train: 1, val: 1 } };

/** The card's description as the app receives it, through the contract. */
const detailOf = (manifest: ModelManifest, location: string) => ModelDetailSchema.parse(JSON.parse(JSON.stringify(modelDetail({ manifest, location, bundled: false }))));

/**
 * The PTB-XL fixture as a hospital's NORM labels CSV whose test split holds, beside fold 10's six
 * records the starter never saw, record 00002 (fold 2: the starter trained on it) and record
 * 00001 at 500 Hz, whose 100 Hz file, unlisted but in the data folder, the starter trained on.
 */
async function siteWithStarterRecordsOnTest(dir: string): Promise<{ root: string; labels: string }> {
  const root = path.join(dir, 'ptbxl');
  cpSync(ptbxl, root, { recursive: true });
  mkdirSync(path.join(root, 'records500', '00000'), { recursive: true });
  for (const ext of ['hea', 'dat']) cpSync(fixturePath('train', 'ptbxl-500', 'records500', '00000', `00001_hr.${ext}`), path.join(root, 'records500', '00000', `00001_hr.${ext}`));
  const ds = await loadPtbxl(root, { fs: 100 });
  const norm = ds.classes.indexOf('NORM');
  const rows = ds.items.flatMap((i) => {
    const file = path.relative(root, i.files[0] as string);
    if (i.id === '1') return [`records500/00000/00001_hr.hea,${i.labels[norm]},test`];
    return [`${file},${i.labels[norm]},${i.id === '2' ? 'test' : i.split}`];
  });
  const labels = path.join(dir, 'norm.csv');
  writeFileSync(labels, `file,label,split\n${rows.join('\n')}\n`);
  return { root, labels };
}

describe("a fine-tuning's closing test and the records its base trained on", () => {
  it('leaves out the test records its base trained on (also as a copy at another sampling rate), naming them, so the figures kept are a locked test on unseen records', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-closing-seen-'));
    const { root, labels } = await siteWithStarterRecordsOnTest(dir);
    const out = path.join(dir, 'norm');
    const phases: string[] = [];
    const r = await finetuneJob({ base: starterDir, dataset: { kind: 'csv', root, labels }, mode: 'head', out, train, featureCrops: 1, backend: 'cpu', workers: 1 }, { onProgress: (e) => (e.kind === 'phase' ? phases.push(e.message) : undefined) });
    const { test, comparison } = r.manifest.provenance;
    // 8 test rows: the two the starter saw are in no figure (they were scored, and the card called all 8 its locked test).
    expect(test).toMatchObject({ n: 6, seenByBase: { count: 2 } });
    expect(test?.notLockedTest).toBeUndefined();
    const ids = test?.seenByBase?.ids ?? [];
    expect(ids.map((id) => path.basename(id).replace(/\.hea$/, '')).sort()).toEqual(['00001_hr', '00002_lr']);
    const note = `the figures cover only the test records ${starterName} (the base this model's weights started from) and its bases never trained or validated on; 2 of 8 left out, as a locked test holds no record the model saw (${ids.join(', ')})`;
    expect(test?.seenByBase?.note).toBe(note);
    expect(phases).toContain(`note: ${note}`);
    // Said as the job starts, before any training, of the one it saw exactly (a copy at another rate is looked for only at the end).
    const before = phases.findIndex((m) => m.startsWith(`note: 1 of the 8 test records within the model's intended input is among the training and validation records of ${starterName} (the base this model's weights start from) or its bases (`));
    expect(before).toBeGreaterThan(-1);
    expect(phases[before]).toMatch(/00002_lr.*: the closing evaluation will leave them out, its locked test being the other 7$/);
    expect(before).toBeLessThan(phases.findIndex((m) => m.startsWith('head fine-tuning of')));
    // The base beside it on the same six records, none of which it saw.
    expect(comparison).toMatchObject({ n: 6, overlap: { checked: 6, inBaseTraining: 0 } });
    // Its locked test, said with what it leaves out, by ecg finetune, the card and ecg model inspect.
    expect(lockedTestOf(r.manifest.provenance)).toBe(test);
    expect(closingLines(r.manifest)).toContain(`  note: ${note}`);
    const detail = detailOf(r.manifest, out);
    expect(detail.test?.seenByBase?.note).toBe(note);
    const lines = modelCardLines(detail);
    expect(lines.slice(lines.findIndex((l) => l.startsWith('  locked test (6 records)')) + 1)[0]).toBe(`  note: ${note}`);
    expect(lines.find((l) => l.startsWith('  dataset '))).toMatch(/ · 8 test \(locked\)$/);
  }, 300_000);

  it("does not call its figures a locked test where whether its base trained on the test records cannot be checked, nor lets the card show them as one", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-closing-unknown-'));
    // A starter written before packages kept their training records.
    const base = await starterCopy(path.join(dir, 'old-starter'), (m) => {
      delete m.provenance.trainingRecords;
    });
    const ds = await loadPtbxl(ptbxl, { fs: 100 });
    const norm = ds.classes.indexOf('NORM');
    const labels = path.join(dir, 'norm.csv');
    writeFileSync(labels, `file,label,split\n${ds.items.map((i) => `${path.relative(ptbxl, i.files[0] as string)},${i.labels[norm]},${i.split}`).join('\n')}\n`);
    const out = path.join(dir, 'norm');
    const phases: string[] = [];
    const r = await finetuneJob({ base, dataset: { kind: 'csv', root: ptbxl, labels }, mode: 'head', out, train, featureCrops: 1, backend: 'cpu', workers: 1 }, { onProgress: (e) => (e.kind === 'phase' ? phases.push(e.message) : undefined) });
    // Warned of as the job starts, before any training, with what would give a locked test.
    const warned = phases.findIndex((m) => m.startsWith(`warning: this fine-tuning's closing figures will be no locked test: whether the base ${starterName} trained or validated on these test records cannot be checked`));
    expect(warned).toBeGreaterThan(-1);
    expect(phases[warned]).toMatch(new RegExp(`so it could not be promoted on them\\. For a locked test, fine-tune from a base that keeps its training records: ${starterName}, trained or fine-tuned again with this version$`));
    expect(warned).toBeLessThan(phases.findIndex((m) => m.startsWith('head fine-tuning of')));
    const { test } = r.manifest.provenance;
    const why = `not a locked test: whether the base ${starterName} trained or validated on these test records cannot be checked, as it keeps no record of its training records (written before packages kept one), and a locked test holds no record the model saw; a fine-tuning from a base that keeps its training records (and its bases') leaves out the test records they saw, so its figures are one`;
    // Kept for the record, with why; never its locked test.
    expect(test).toMatchObject({ n: 6, notLockedTest: why });
    expect(lockedTestOf(r.manifest.provenance)).toBeUndefined();
    expect(closingLines(r.manifest)).toEqual(expect.arrayContaining([expect.stringMatching(/^ {2}test, not a locked test \(6 records\): macro AUC /), `  warning: ${why}`]));
    const detail = detailOf(r.manifest, out);
    expect(detail.test).toBeNull();
    expect(detail.testNotLocked).toMatchObject({ n: 6, note: why });
    const lines = modelCardLines(detail);
    expect(lines).toContain('  no locked-test evaluation of its own');
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}test, not a locked test \(6 records\): macro AUC /));
    expect(lines).toContain(`  warning: ${why}`);
    expect(lines.find((l) => l.startsWith('  dataset '))).toMatch(/ · 6 test \(not a locked test: see its figures\)$/);
  }, 300_000);

  it('refuses before training a fine-tuning whose every test record its base trained on, saying why and what to do, unless asked all the same', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-closing-all-seen-'));
    // Folds 1 and 10 swapped: the test split is fold 1's two records, which the starter trained on.
    const root = ptbxlFixtureWithFoldsSwapped(path.join(dir, 'swapped'));
    const out = path.join(dir, 'tuned');
    const phases: string[] = [];
    const options = { base: starterDir, dataset: { kind: 'ptbxl' as const, root }, mode: 'head' as const, out, train, featureCrops: 1, backend: 'cpu' as const, workers: 1 };
    await expect(finetuneJob(options, { onProgress: (e) => (e.kind === 'phase' ? phases.push(e.message) : undefined) })).rejects.toMatchObject({
      code: 'E_VALIDATION',
      message: expect.stringMatching(
        new RegExp(`^ptbxl.*: every one of the 2 test records within the model's intended input is among the training and validation records of ${starterName} \\(the base this model's weights start from\\) or its bases, by content \\(.*\\)\\. .*Nothing was trained\\. Give the test split records neither ${starterName} nor its bases trained or validated on .*; or, to fine-tune all the same and evaluate the model on other records later, ask for it \\(allowTestSeenByBase\\), its figures then kept as no locked test$`),
      ),
    });
    expect(phases.some((m) => m.startsWith('head fine-tuning of'))).toBe(false);
    expect(existsSync(out)).toBe(false);
    // ecg finetune names its own flag (the app its form's checkbox: core/train/service/finetune-test-seen.test.ts).
    const cli = ['--base', starterDir, '--data', root, '--out', out, '--mode', 'head', '--epochs', '1', '--min-examples', '1,1', '--backend', 'cpu', '--workers', '1', '--quiet'];
    await expect(finetuneCommand.run(cli, capture())).rejects.toMatchObject({ message: expect.stringMatching(/; or, to fine-tune all the same and evaluate the model on other records later, ecg finetune --allow-test-seen-by-base$/) });
    // Asked all the same: warned of as it starts, then its figures kept as no locked test.
    phases.length = 0;
    const r = await finetuneJob({ ...options, allowTestSeenByBase: true }, { onProgress: (e) => (e.kind === 'phase' ? phases.push(e.message) : undefined) });
    const warned = phases.findIndex((m) => /^warning: .*: every one of the 2 test records .*; fine-tuning all the same, as asked$/.test(m));
    expect(warned).toBeGreaterThan(-1);
    expect(warned).toBeLessThan(phases.findIndex((m) => m.startsWith('head fine-tuning of')));
    const why = r.manifest.provenance.test?.notLockedTest;
    expect(why).toMatch(/^not a locked test: every one of the 2 test records is among the training and validation records of /);
    // The overlap said no more, so the one sentence says what it said: the comparison is optimistic too.
    expect(why).toMatch(/; these figures, on them, are optimistic, and so is the comparison with the base: evaluate the model on records neither it nor its bases trained on$/);
    // Said once as its figures come, in the progress (the app's notices) and ecg finetune's closing figures: not again as their overlap with the base's records ("2 of the 2 test records are among …").
    const evaluating = phases.slice(phases.findIndex((m) => m.startsWith('locked test: ')));
    expect(evaluating.filter((m) => / test record/.test(m) && m.startsWith('warning: '))).toEqual([`warning: ${why}`]);
    const lines = closingLines(r.manifest);
    expect(lines.filter((l) => / test record/.test(l) && /warning/i.test(l))).toEqual([`  warning: ${why}`]);
    expect(r.manifest.provenance.comparison?.overlap).toMatchObject({ checked: 2, inBaseTraining: 2 });
    // The comparison with the base, on the same records, does not call them a locked test either.
    expect(lines.filter((l) => /locked test records/.test(l))).toEqual([]);
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}base .* on the same records: Both models on the same test records, not a locked test; each at its own operating point\./));
    // What the validation overlap says is another fact, said still.
    expect(evaluating.filter((m) => m.startsWith('warning: 6 of the 6 validation records are among '))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('  WARNING: validation overlap: 6 of the 6 validation records are among '))).toHaveLength(1);
  }, 300_000);

  it('says nothing of a comparison with the base where the base has no output for the class, as a new head on a superclass base', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-closing-all-seen-new-class-'));
    // The swapped fixture (its test split fold 1's two records, which the starter trained on) as a 0/1 labels CSV: its one class, "positive", is none of the starter's.
    const root = ptbxlFixtureWithFoldsSwapped(path.join(dir, 'swapped'));
    const ds = await loadPtbxl(root, { fs: 100 });
    const norm = ds.classes.indexOf('NORM');
    const labels = path.join(dir, 'new-class.csv');
    writeFileSync(labels, `file,label,split\n${ds.items.map((i) => `${path.relative(root, i.files[0] as string)},${i.labels[norm]},${i.split}`).join('\n')}\n`);
    const phases: string[] = [];
    const options = { base: starterDir, dataset: { kind: 'csv' as const, root, labels }, mode: 'head' as const, out: path.join(dir, 'tuned'), train, featureCrops: 1, backend: 'cpu' as const, workers: 1, allowTestSeenByBase: true };
    const r = await finetuneJob(options, { onProgress: (e) => (e.kind === 'phase' ? phases.push(e.message) : undefined) });
    const { test, comparison } = r.manifest.provenance;
    // The comparison beside the figures holds only the fine-tuned model's: there is no figure of the base to be optimistic.
    expect(comparison).toMatchObject({ n: 2, baseMetrics: null, classes: [{ name: 'positive', aucBase: null, method: 'the base model has no output for this class' }] });
    expect(comparison?.note).toBe("The base model has no output for positive: only the fine-tuned model's figures can be shown for it.");
    // "…, and so is the comparison with the base" before, of a comparison with none of the base's figures.
    const why = `not a locked test: every one of the 2 test records is among the training and validation records of ${starterName} (the base this model's weights started from) or its bases, and a locked test holds no record the model saw; these figures, on them, are optimistic: evaluate the model on records neither it nor its bases trained on`;
    expect(test?.notLockedTest).toBe(why);
    expect(phases).toContain(`warning: ${why}`);
    expect(closingLines(r.manifest)).toContain(`  warning: ${why}`);
    // The comparison's own overlap note says the same of it.
    expect(comparison?.overlap).toMatchObject({ checked: 2, inBaseTraining: 2 });
    expect(comparison?.overlap.note).not.toMatch(/comparison/);
    expect(comparison?.overlap.note).toMatch(/: its figures on them are optimistic$/);
  }, 300_000);
});
