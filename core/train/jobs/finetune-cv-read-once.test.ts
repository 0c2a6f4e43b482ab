import { cpSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundledModelsDir } from '../../cli/commands/model-path';
import { loadDataset } from '../../data/load';
import { recordDecodings } from '../../data/records';
import { loadPtbxl } from '../../data/ptbxl';
import { fixturePath } from '../../test/shared-data';
import { crossValidationPlan } from '../cv';
import { readFolderManifest } from '../package/io';
import { folderListings, folderRecordsDecoded } from '../rate-copy-search';
import { finetuneCvJob } from './finetune-cv-job';
import { finetuneJob } from './finetune-job';

const starter = path.join(bundledModelsDir(), 'starter');
const tiny = { epochs: 1, batchSize: 4, minExamples: { train: 1, val: 1 } };

/** The fixture's PTB-XL records as a hospital labels CSV for NORM, in a folder holding 500 Hz copies of some of them too (as PTB-XL's does). */
async function folderWithCopies(dir: string) {
  const root = path.join(dir, 'data');
  cpSync(fixturePath('train', 'ptbxl'), root, { recursive: true });
  cpSync(fixturePath('train', 'ptbxl-500', 'records500'), path.join(root, 'records500'), { recursive: true });
  const ds = await loadPtbxl(root, { fs: 100 });
  const norm = ds.classes.indexOf('NORM');
  const labels = path.join(dir, 'norm.csv');
  writeFileSync(labels, `file,label,patient_id,split\n${ds.items.map((i) => `${path.relative(root, i.files[0] as string)},${i.labels[norm]},${i.patientId ?? ''},${i.split}`).join('\n')}\n`);
  return { kind: 'csv' as const, root, labels };
}

/** The WFDB headers under `root`. */
function headersUnder(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith('.hea')).map((e) => path.join(e.parentPath, e.name));
}

/** One finetune --cv of the fixture's records in a folder with 500 Hz copies, its fold 3 fine-tuned again on its own, and the decodings counted. */
async function ranOnce() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-folder-once-'));
  const spec = await folderWithCopies(dir);
  const ds = await loadDataset(spec);
  const { folds } = crossValidationPlan(ds, 3);
  // A fold's dataset lists only the rows taking part: the rest of the folder (the locked test rows, the 500 Hz files) is searched.
  const listed = new Set(ds.items.filter((i) => folds.has(i.id)).flatMap((i) => i.files.map((f) => path.resolve(f))));
  const searched = headersUnder(spec.root).filter((h) => !listed.has(path.resolve(h)));
  const [folder, records, listings] = [folderRecordsDecoded.count, recordDecodings.count, folderListings.count];
  const cv = await finetuneCvJob({ base: starter, dataset: spec, mode: 'head', folds: 3, workDir: path.join(dir, 'cv'), train: tiny, featureCrops: 1, backend: 'cpu', workers: 1 });
  const decoded = { folder: folderRecordsDecoded.count - folder, records: recordDecodings.count - records, searches: folderListings.count - listings };
  // Fold 3 on its own, as a fine-tuning of its rows: it decodes its rows and searches the folder afresh.
  const alone = await finetuneJob({ base: starter, dataset: { ...spec, cvFold: { k: 3, fold: 3, copies: [] } }, mode: 'head', out: path.join(dir, 'fold-3-alone'), name: 'finetune-cv-fold-3', train: tiny, featureCrops: 1, backend: 'cpu', workers: 1 });
  return { cv, alone, decoded, participants: folds.size, searched: searched.length };
}

describe('finetune --cv reads its records and its data folder once', () => {
  let run: Awaited<ReturnType<typeof ranOnce>>;
  beforeAll(async () => {
    run = await ranOnce();
  }, 120_000);

  it("decodes each of the folder's other records once over all folds, where each fold's closing evaluation decoded them", () => {
    expect(run.cv.folds.map((f) => f.fold)).toEqual([1, 2, 3]);
    expect(run.cv.copiesKept).toBeNull();
    expect(run.searched).toBeGreaterThan(0);
    expect(run.decoded.folder).toBe(run.searched);
  });

  it('searches the folder once for the whole job, where each fold searched it twice (its closing evaluation, then the job for the records its base saw)', () => {
    expect(run.decoded.searches).toBe(1);
  });

  it('decodes each record taking part once for the folds, where each fold decoded its rows again, several times', () => {
    // Once into the job's store, once to judge it against the intended input (kept verdicts), and the folder's other records once.
    expect(run.decoded.records).toBe(2 * run.participants + run.searched);
  });

  it("gives the last fold the overlap and held-out figures a fine-tuning of that fold's alone finds", async () => {
    const inCv = (await readFolderManifest(run.cv.folds[2]?.out as string)).provenance.cvFold;
    const overlap = run.alone.manifest.provenance.cvFold?.comparison?.overlap;
    expect(overlap?.checked).toBeGreaterThan(0);
    expect(inCv?.comparison?.overlap).toEqual(overlap);
    expect(run.cv.folds[2]?.overlap).toEqual(overlap);
    expect(inCv?.heldOut).toEqual(run.alone.manifest.provenance.cvFold?.heldOut);
  });
});
