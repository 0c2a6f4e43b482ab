/**
 * The PE comparison demonstrated end to end on the PTB-XL pool with SYNTHETIC PE labels and
 * clinical score items (core/train/pe/synthetic.ts) — no public ECG dataset has PE outcomes.
 * A one-output PE head is fine-tuned from the bundled starter (folds 1–8 train, 9 validation),
 * the fusion model is fitted on the same training rows and calibrated on validation, and only
 * then is fold 10 read, once, by the same evaluation `ecg evaluate` runs. Writes OUT/labels.csv,
 * OUT/pe-ecg, OUT/pe-fusion, OUT/evaluation.json and prints the comparison as `ecg evaluate` does.
 *
 *   nice -n 10 npx tsx scripts/train/pe-synthetic.ts [OUT]
 *
 * None of its figures is evidence about PE: they show that the method runs on real ECGs.
 */
import { writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { evaluateCommand } from '../../core/cli/commands/evaluate';
import { readTable } from '../../core/data/csv';
import { ptbxlSplit } from '../../core/data/ptbxl';
import { parseScpCodes } from '../../core/data/scp-codes';
import { evaluateJob } from '../../core/train/jobs/evaluate-job';
import { finetuneJob } from '../../core/train/jobs/finetune-job';
import { fuseJob } from '../../core/train/pe/fuse-job';
import { peEcgFindings, syntheticNotice, syntheticPeCsv } from '../../core/train/pe/synthetic';
import { sharedDataPath } from '../../core/test/shared-data';

const out = path.resolve(process.argv[2] ?? path.join('.tmp', 'train', 'runs', 'pe-synthetic'));
const root = sharedDataPath('ptbxl-pool');
await mkdir(out, { recursive: true });
const rows = await readTable(path.join(root, 'ptbxl_database.csv'));
const sources = rows.map((r) => ({
  file: `${r.filename_lr}.hea`,
  patientId: `p${r.patient_id}`,
  ecgRisk: [...parseScpCodes(r.scp_codes ?? '{}').keys()].some((c) => peEcgFindings.includes(c)),
  split: ptbxlSplit(Number(r.strat_fold)),
}));
const labels = path.join(out, 'labels.csv');
await writeFile(labels, syntheticPeCsv(sources, 13));
const dataset = { kind: 'csv' as const, root, labels, positiveClass: 'PE' };
const started = Date.now();
const ecg = await finetuneJob({ base: path.resolve('resources/models/starter'), dataset, out: path.join(out, 'pe-ecg'), mode: 'head', train: { epochs: 30, batchSize: 32, seed: 20, thresholds: 'youden' }, backend: 'wasm', name: 'pe-ecg-synthetic-demo', description: syntheticNotice, cacheDir: path.join('.tmp', 'train', 'cache') });
const fusion = await fuseJob({ model: ecg.out, dataset, out: path.join(out, 'pe-fusion'), backend: 'wasm', cacheDir: path.join('.tmp', 'train', 'cache') });
const seconds = (Date.now() - started) / 1000;
// Fold 10 is read here for the first time.
const report = await evaluateJob({ model: path.join(out, 'pe-fusion'), dataset, split: 'test', backend: 'wasm' });
await writeFile(path.join(out, 'evaluation.json'), `${JSON.stringify({ notice: syntheticNotice, seconds, fusion: fusion.fusion, report }, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`);
console.log(`${syntheticNotice}\ntraining + fusion ${seconds.toFixed(0)} s`);
await evaluateCommand.run(['--model', path.join(out, 'pe-fusion'), '--data', root, '--labels', labels, '--class', 'PE', '--quiet'], { stdout: (t) => console.log(t), stderr: () => undefined });
