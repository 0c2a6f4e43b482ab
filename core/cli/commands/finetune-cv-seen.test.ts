import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withNotice } from '../../contract/training-notices';
import { loadPtbxl } from '../../data/ptbxl';
import { readManifest } from '../../train/service/models';
import type { FinetuneCvResult } from '../../train/jobs/finetune-cv-job';
import { runCli } from '../../test/cli-io';
import { starterCopy, starterDir } from '../../test/legacy-starter';
import { fixturePath } from '../../test/shared-data';
import { cvLines } from './cv-print';
import { finetuneCommand } from './finetune';

const ptbxl = fixturePath('train', 'ptbxl');
const starterName = 'xresnet1d50-ptbxl-pool-demo';

/**
 * The PTB-XL fixture as a NORM labels CSV whose development rows (those cross-validation deals
 * into folds) are fold 10's six records, which the starter never saw, and records 00002 and 00003
 * (its folds 2 and 3: it trained on them); the others are the locked test split, never read.
 */
async function siteWithStarterRecordsInFolds(dir: string): Promise<string> {
  const ds = await loadPtbxl(ptbxl, { fs: 100 });
  const norm = ds.classes.indexOf('NORM');
  const development = (i: (typeof ds.items)[number]) => i.split === 'test' || i.id === '2' || i.id === '3';
  const rows = ds.items.map((i) => `${path.relative(ptbxl, i.files[0] as string)},${i.labels[norm]},${development(i) ? 'train' : 'test'}`);
  const labels = path.join(dir, 'norm.csv');
  writeFileSync(labels, `file,label,split\n${rows.join('\n')}\n`);
  return labels;
}

/** The PTB-XL fixture as a NORM labels CSV whose development rows are the eighteen records of folds 1 to 9, every one the starter's: its fold 10 is the locked test split. */
async function siteOfStarterRecords(dir: string): Promise<string> {
  const ds = await loadPtbxl(ptbxl, { fs: 100 });
  const norm = ds.classes.indexOf('NORM');
  const labels = path.join(dir, 'norm-seen.csv');
  writeFileSync(labels, `file,label,split\n${ds.items.map((i) => `${path.relative(ptbxl, i.files[0] as string)},${i.labels[norm]},${i.split === 'test' ? 'test' : 'train'}`).join('\n')}\n`);
  return labels;
}

/** `ecg finetune --cv 3 --json` (one epoch of the head), with `extra` arguments: its report, and its progress (none with `quiet`). */
const crossValidateWithProgress = async (base: string, labels: string, out: string, quiet = true, extra: readonly string[] = []) => {
  const args = [...extra, '--cv', '3', '--base', base, '--data', ptbxl, '--labels', labels, '--out', out, '--mode', 'head', '--epochs', '1', '--batch', '4', '--min-examples', '1,1', '--feature-crops', '1', '--backend', 'cpu', '--workers', '1', ...(quiet ? ['--quiet'] : []), '--json'];
  const r = await runCli(finetuneCommand, args);
  return { cv: JSON.parse(r.stdout[0] as string) as FinetuneCvResult, progress: r.stderr };
};

const crossValidate = async (base: string, labels: string, out: string) => (await crossValidateWithProgress(base, labels, out)).cv;

describe('ecg finetune --cv and the records its base trained on', () => {
  it('leaves the held-out records its base saw out of every fold and the pooled figures, saying how many, in the report, --json, cv.json and the fold packages', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-cv-seen-'));
    const labels = await siteWithStarterRecordsInFolds(dir);
    const out = path.join(dir, 'cv');
    const cv = await crossValidate(starterDir, labels, out);
    // 8 held-out records over the folds: the starter's two were scored with the six and pooled, with no word of it but a per-fold overlap line.
    expect(cv.pooled.n).toBe(6);
    expect(cv.seenByBase).toMatchObject({ count: 2, leftOut: 2, optimistic: false });
    expect(cv.seenByBase?.note).toMatch(new RegExp(`^the pooled figures cover only the held-out records ${starterName} \\(the base the folds' weights started from\\) and its bases never trained or validated on; 2 of 8 left out \\(fold \\d: [12](, fold \\d: 1)?\\), as figures on records the model saw are optimistic$`));
    const folds = cv.folds.filter((f) => f.seenByBase);
    expect(folds.reduce((n, f) => n + (f.seenByBase?.count ?? 0), 0)).toBe(2);
    for (const f of folds) {
      expect(f.seenByBase).toMatchObject({ leftOut: true, note: expect.stringMatching(new RegExp(`^the figures cover only the held-out records ${starterName} .*; ${f.seenByBase?.count} of \\d left out, as figures on records the model saw are optimistic \\(.*0000[23]_lr.*\\)$`)) });
      // The fold's own closing evaluation, kept in its package, left out the same records: its overlap finds none of them.
      const heldOut = (await readManifest(f.out)).provenance.cvFold;
      expect(heldOut?.heldOut?.seenByBase?.count).toBe(f.seenByBase?.count);
      expect(heldOut?.comparison?.overlap.inBaseTraining).toBe(0);
    }
    expect(cv.perFold.reduce((n, f) => n + f.n, 0)).toBe(6);
    expect(JSON.parse(readFileSync(path.join(out, 'cv.json'), 'utf8'))).toMatchObject({ seenByBase: cv.seenByBase });
    const lines = cvLines(cv);
    expect(lines).toContain(`  note: ${cv.seenByBase?.note}`);
    expect(lines.find((l) => l.startsWith('pooled out-of-fold'))).toMatch(/^pooled out-of-fold \(every record once, less 2 its base saw, by its fold's model; n = 6;/);
    expect(lines.filter((l) => / WARNING: held-out overlap/.test(l))).toEqual([]);
  }, 300_000);

  it('says the estimate may include records the base saw where it keeps no record of them', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-cv-unknown-'));
    const base = await starterCopy(path.join(dir, 'old-starter'), (m) => {
      delete m.provenance.trainingRecords;
    });
    const cv = await crossValidate(base, await siteWithStarterRecordsInFolds(dir), path.join(dir, 'cv'));
    expect(cv.pooled.n).toBe(8);
    expect(cv.seenByBase).toEqual({
      count: null,
      leftOut: 0,
      optimistic: true,
      note: `whether the base ${starterName} trained or validated on these held-out records cannot be checked, as it keeps no record of its training records (written before packages kept one): the estimate may include records it saw, and so be optimistic`,
    });
    expect(cvLines(cv)).toContain(`  WARNING: ${cv.seenByBase?.note}`);
  }, 300_000);

  it('says once per fold that a fold scored whole had every held-out record seen, and lists such folds as a sentence does', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-cv-all-seen-'));
    const { cv, progress } = await crossValidateWithProgress(starterDir, await siteOfStarterRecords(dir), path.join(dir, 'cv'), false);
    // Each fold's six held-out records the starter saw: scored whole, with a warning, and its overlap said the same again, in the progress and the report.
    // The class, "positive" (a 0/1 labels CSV), is none of the starter's: the comparison each fold's package keeps holds no figure of the base, so it is not called optimistic ("…, and so is the comparison with the base" before).
    const allSeen = `every one of the 6 held-out records is among the training and validation records of ${starterName} (the base this model's weights started from) or its bases; these figures, on them, are optimistic (leaving them out would leave none)`;
    expect(cv.folds.map((f) => f.seenByBase)).toEqual([1, 2, 3].map(() => ({ count: 6, ids: expect.any(Array), leftOut: false, note: allSeen })));
    for (const f of cv.folds) expect((await readManifest(f.out)).provenance.cvFold?.comparison).toMatchObject({ n: 6, baseMetrics: null, classes: [{ name: 'positive', aucBase: null }] });
    // Each fold's warning names its fold, as the report does: the app's notices, which keep each text once, list all three.
    const foldWarnings = [1, 2, 3].map((f) => `warning: cross-validation fold ${f}: ${allSeen}`);
    expect(progress.filter((m) => /held-out record/.test(m))).toEqual([...foldWarnings.map((w) => `[evaluating] ${w}`), `[evaluating] warning: ${cv.seenByBase?.note}`]);
    const notices = progress.map((m) => m.replace(/^\[\w+\] /, '')).reduce<readonly string[]>(withNotice, []);
    expect(notices.filter((n) => /held-out record/.test(n))).toEqual([...foldWarnings, `warning: ${cv.seenByBase?.note}`]);
    expect(notices.filter((n) => / validation records are among /.test(n))).toEqual([1, 2, 3].map((f) => expect.stringMatching(new RegExp(`^warning: cross-validation fold ${f}: 6 of the 6 validation records are among `))));
    // "fold 1's … and fold 2's … and fold 3's …" before.
    expect(cv.seenByBase?.note).toBe(`fold 1's 6 held-out records, fold 2's 6 held-out records and fold 3's 6 held-out records, every one seen by ${starterName} or its bases, are scored all the same (leaving them out would leave the fold none), so the estimate is optimistic`);
    const lines = cvLines(cv);
    expect(lines.filter((l) => /held-out/.test(l))).toEqual([`  WARNING: ${cv.seenByBase?.note}`, ...[1, 2, 3].map((f) => `  fold ${f}: WARNING: ${allSeen}`)]);
    // What the validation overlap says is another fact, said still.
    expect(lines.filter((l) => / WARNING: validation overlap: 6 of the 6 validation records /.test(l))).toHaveLength(3);
  }, 300_000);

  it("compares each fold's model with its base on the fold's held-out records, never calling them a locked test", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-cv-compared-'));
    // Named NORM, a class the starter outputs: each fold's package keeps a comparison with it.
    const { cv } = await crossValidateWithProgress(starterDir, await siteWithStarterRecordsInFolds(dir), path.join(dir, 'cv'), true, ['--class', 'NORM']);
    for (const f of cv.folds) {
      const fold = (await readManifest(f.out)).provenance.cvFold;
      // The folds were made, and each fine-tuning chosen, in one loop on the same data: "the same locked test records" before.
      expect(fold?.comparison?.note).toMatch(new RegExp(`^Both models on the same held-out records of cross-validation fold ${fold?.fold}, not a locked test; `));
    }
  }, 300_000);
});
