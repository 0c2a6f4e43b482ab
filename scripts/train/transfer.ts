/**
 * The transfer proof (issue 6 item 8): a one-output task derived from ptbxl-pool, learned from
 * the starter model with `head` and `full` fine-tuning, and from scratch, then evaluated once on
 * fold 10. Writes OUT/<task>-labels.csv (the hospital layout file,label,patient_id,split) and
 * OUT/<task>-<mode>/{package,run.json}.
 *
 *   npx tsx scripts/train/transfer.ts BASE OUT [--task MI|SR] [--modes head,full,scratch] [--data DIR]
 *
 * MI: any diagnostic statement of the MI superclass. SR: sinus rhythm (an SCP rhythm statement
 * the starter was never trained on). Records without a diagnostic superclass are left out, as
 * for the starter. Run it with `nice -n 10`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readTable } from '../../core/data/csv';
import { loadPtbxl } from '../../core/data/ptbxl';
import { parseScpCodes } from '../../core/data/scp-codes';
import type { TrainConfigInput } from '../../core/train/config';
import { evaluateJob } from '../../core/train/jobs/evaluate-job';
import { finetuneJob, type FinetuneMode } from '../../core/train/jobs/finetune-job';
import type { TrainProgress } from '../../core/train/progress';
import { sharedDataPath } from '../../core/test/shared-data';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { task: { type: 'string', default: 'MI' }, modes: { type: 'string', default: 'head,full,scratch' }, data: { type: 'string' } } });
const [base = 'resources/models/starter', out = path.join('.tmp', 'train', 'runs', 'transfer')] = positionals;
const root = values.data ?? sharedDataPath('ptbxl-pool');
const task = values.task === 'SR' ? 'SR' : 'MI';

/** Settings per mode: the head trains on cached features (cheap); full and scratch train every weight for the same budget. */
const settings: Record<FinetuneMode, TrainConfigInput> = {
  head: { epochs: 60, batchSize: 32, learningRate: 3e-3, loss: 'bce', schedule: 'constant', patience: 20, selection: 'aucMacro', evaluation: { mode: 'windows', stride: 125, aggregate: 'mean' } },
  full: { epochs: 30, batchSize: 32, learningRate: 3e-3, trunkLrFactor: 0.1, loss: 'bce', schedule: 'onecycle', patience: 0, selection: 'aucMacro', evaluation: { mode: 'windows', stride: 125, aggregate: 'mean' } },
  scratch: { epochs: 30, batchSize: 32, learningRate: 3e-3, loss: 'bce', schedule: 'onecycle', patience: 0, selection: 'aucMacro', evaluation: { mode: 'windows', stride: 125, aggregate: 'mean' } },
};

async function writeLabels(file: string): Promise<number[]> {
  const ds = await loadPtbxl(root, { fs: 100 });
  const rows = await readTable(path.join(root, 'ptbxl_database.csv'));
  const codes = new Map(rows.map((r) => [r.ecg_id as string, parseScpCodes(r.scp_codes as string)]));
  const mi = ds.classes.indexOf('MI');
  const counts = [0, 0];
  const lines = ds.items.map((item) => {
    const label = task === 'MI' ? (item.labels[mi] as number) : codes.get(item.id)?.has('SR') ? 1 : 0;
    counts[label] = (counts[label] as number) + 1;
    return `${path.relative(root, item.files[0] as string)},${label},${item.patientId ?? ''},${item.split}`;
  });
  await writeFile(file, `file,label,patient_id,split\n${lines.join('\n')}\n`);
  return counts;
}

function log(e: TrainProgress): void {
  const t = new Date().toISOString().slice(11, 19);
  if (e.kind === 'epoch') console.error(`${t} epoch ${e.epoch}/${e.epochs} train ${e.trainLoss.toFixed(4)} val ${e.valLoss.toFixed(4)} auc ${e.val.aucMacro.toFixed(3)} f1 ${e.val.f1Macro.toFixed(3)} ${e.seconds.toFixed(1)} s${e.improved ? ' *' : ''}`);
  else if (e.kind === 'phase') console.error(`${t} [${e.phase}] ${e.message}`);
}

await mkdir(out, { recursive: true });
const labels = path.join(out, `${task}-labels.csv`);
const counts = await writeLabels(labels);
console.error(`${task}: ${counts[1]} positive, ${counts[0]} negative records`);
const dataset = { kind: 'csv' as const, root, labels, positiveClass: task };
for (const mode of (values.modes ?? '').split(',') as FinetuneMode[]) {
  const dir = path.join(out, `${task}-${mode}`);
  const packageDir = path.join(dir, 'package');
  const started = Date.now();
  const result = await finetuneJob({ base, dataset, mode, out: packageDir, train: settings[mode], featureCrops: 8, checkpointDir: path.join(dir, 'checkpoint'), cacheDir: path.join('.tmp', 'train', 'cache'), backend: 'wasm', name: `${task}-${mode}` }, { onProgress: log });
  const seconds = (Date.now() - started) / 1000;
  // Fold 10 read once, after selection, temperature and threshold are fixed on fold 9.
  const test = await evaluateJob({ model: packageDir, dataset, split: 'test', backend: 'wasm' });
  const summary = { task, mode, settings: settings[mode], seconds, featureSeconds: result.featureSeconds, bestEpoch: result.bestEpoch, epochs: result.epochs, validation: result.manifest.provenance.validation, test, counts };
  await writeFile(path.join(dir, 'run.json'), `${JSON.stringify(summary, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`);
  console.log(JSON.stringify({ task, mode, seconds, testAuc: test.metrics.aucMacro, testF1: test.metrics.f1Macro, valAuc: (result.manifest.provenance.validation.metrics as { aucMacro?: number }).aucMacro }));
}
