/**
 * The CPSC-class demonstration model (issue 13 item 7): the nine CPSC 2018 rhythm and
 * conduction classes, learned from what is at hand — the PTB-XL pool's SCP statements mapped to
 * the CPSC classes, plus the CPSC 2018 and CinC 2021 records in ../shared/data/ecg — through the
 * same labels-CSV route a hospital uses. Trains xresnet1d50 with the starter's preset, then —
 * only after selection and calibration are final — evaluates it once on the locked test split
 * and writes OUT/run.json, OUT/labels.csv and the package.
 *
 *   nice -n 10 npx tsx scripts/train/cpsc-demo.ts [OUT] [--epochs N] [--backend wasm]
 *   npx tsx scripts/train/cpsc-demo.ts [OUT] --labels-only
 *
 * --labels-only writes OUT/labels.csv and stops, training nothing: the CSV is all `ecg evaluate`
 * needs to re-run the shipped package's locked-test evaluation (docs/results.md).
 *
 * Mapping (documented in docs/results.md, "CPSC-class demonstration model"):
 * - PTB-XL statement → CPSC class: NORM → SNR, AFIB → AF, 1AVB → IAVB, CLBBB → LBBB,
 *   CRBBB → RBBB, PAC → PAC, PVC → PVC, STD_ → STD, STE_ → STE. Every listed code counts (as the
 *   starter). A record with none of them stays in, labelled '-' (negative for every class).
 * - CinC SNOMED → CPSC class: the CinC 2020 codes of the nine classes (core/data/cinc.ts), with
 *   the 2021 scoring equivalents 427172004 (PVC) → PVC and 713427006 (CRBBB) → RBBB; 426783006
 *   (sinus rhythm) counts as SNR ("Normal") only when it is the record's only code.
 * - CPSC 2018 REFERENCE.csv codes 1..9 → the nine classes in order.
 * - A class with no example anywhere is not a class of the model (STE here).
 * Split: PTB-XL strat_fold 1–8 / 9 / 10 (patient-disjoint); the CPSC/CinC records, sorted by
 * their first class, cycle through train, val, train, test, train (so each class with several
 * records reaches validation and test); byte-identical duplicates share a patient id.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { cpscClassOfStatement, loadCpsc } from '../../core/data/cpsc';
import { parseDxLine } from '../../core/data/cinc';
import { readTable } from '../../core/data/csv';
import { ptbxlSplit } from '../../core/data/ptbxl';
import { parseScpCodes } from '../../core/data/scp-codes';
import { backendNameSchema } from '../../core/ml/backend/init';
import type { TrainConfigInput } from '../../core/train/config';
import { evaluateJob } from '../../core/train/jobs/evaluate-job';
import { trainJob } from '../../core/train/jobs/train-job';
import { attachTestReport } from '../../core/train/package/io';
import { defaultPipeline } from '../../core/train/pipelines';
import type { TrainProgress } from '../../core/train/progress';
import { sharedDataPath } from '../../core/test/shared-data';

const snomedToCpsc: Readonly<Record<string, string>> = {
  '164889003': 'AF',
  '270492004': 'IAVB',
  '164909002': 'LBBB',
  '59118001': 'RBBB',
  '713427006': 'RBBB',
  '284470004': 'PAC',
  '164884008': 'PVC',
  '427172004': 'PVC',
  '429622005': 'STD',
  '164931005': 'STE',
};
const sinusRhythm = '426783006';
/** Byte-identical signals in the source database (shared/data/ecg/labels.csv): one patient. */
const duplicateOf: Readonly<Record<string, string>> = { E07510: 'E07509' };

interface Row {
  file: string;
  labels: string[];
  patient: string;
  split?: 'train' | 'val' | 'test';
}

async function ptbxlRows(root: string): Promise<Row[]> {
  const table = await readTable(path.join(root, 'ptbxl_database.csv'));
  return table.map((r) => {
    const codes = parseScpCodes(r.scp_codes ?? '{}');
    const labels = [...new Set([...codes.keys()].flatMap((c) => cpscClassOfStatement[c] ?? []))];
    return { file: `ptbxl-pool/${r.filename_lr}.hea`, labels, patient: `ptbxl:${r.patient_id}`, split: ptbxlSplit(Number(r.strat_fold)) };
  });
}

async function cincRows(dir: string): Promise<Row[]> {
  const headers = (await readTable(path.join(dir, '..', 'labels.csv'))).map((r) => r.record ?? '').filter((r) => r.startsWith('cinc2021/'));
  return Promise.all(
    headers.map(async (record) => {
      const id = path.basename(record);
      const dx = parseDxLine(await readFile(path.join(dir, `${id}.hea`), 'utf8'));
      const labels = new Set(dx.flatMap((c) => snomedToCpsc[c] ?? []));
      if (dx.length === 1 && dx[0] === sinusRhythm) labels.add('SNR');
      return { file: `ecg/cinc2021/${id}.hea`, labels: [...labels], patient: `cinc:${duplicateOf[id] ?? id}` };
    }),
  );
}

async function cpscRows(dir: string): Promise<Row[]> {
  const dataset = await loadCpsc(dir);
  return dataset.items.map((item) => ({ file: `ecg/cpsc2018/${item.id}.mat`, labels: dataset.classes.filter((_, j) => item.labels[j] === 1), patient: `cpsc:${item.id}` }));
}

/** The extra records, sorted by first class, cycle through train/val/train/test/train; one split per patient. */
function assignSplits(rows: Row[]): void {
  const cycle = ['train', 'val', 'train', 'test', 'train'] as const;
  const byPatient = new Map<string, Row['split']>();
  const order = [...rows].sort((a, b) => (a.labels[0] ?? '~').localeCompare(b.labels[0] ?? '~') || a.file.localeCompare(b.file));
  let k = 0;
  for (const row of order) {
    const seen = byPatient.get(row.patient);
    row.split = seen ?? cycle[k++ % cycle.length];
    byPatient.set(row.patient, row.split);
  }
}

const csvField = (v: string) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);

const { values, positionals } = parseArgs({ allowPositionals: true, options: { epochs: { type: 'string' }, backend: { type: 'string', default: 'wasm' }, 'labels-only': { type: 'boolean', default: false } } });
const out = path.resolve(positionals[0] ?? path.join('.tmp', 'train', 'runs', 'cpsc-demo'));
const backend = backendNameSchema.parse(values.backend);
const root = sharedDataPath();
const extra = [...(await cpscRows(path.join(root, 'ecg', 'cpsc2018'))), ...(await cincRows(path.join(root, 'ecg', 'cinc2021')))];
assignSplits(extra);
const rows = [...(await ptbxlRows(path.join(root, 'ptbxl-pool'))), ...extra];
await mkdir(out, { recursive: true });
const labelsCsv = path.join(out, 'labels.csv');
await writeFile(labelsCsv, `file,label,patient_id,split\n${rows.map((r) => [r.file, r.labels.length > 0 ? r.labels.join('|') : '-', r.patient, r.split ?? ''].map(csvField).join(',')).join('\n')}\n`);
if (values['labels-only']) {
  // A reader re-running the evaluation needs the split and labels, not a second training run.
  console.log(labelsCsv);
  process.exit(0);
}

const train: TrainConfigInput = {
  epochs: values.epochs ? Number(values.epochs) : 40,
  batchSize: 32,
  learningRate: 3e-3,
  loss: 'bce',
  schedule: 'onecycle',
  evaluation: { mode: 'windows', stride: 125, aggregate: 'mean' },
  patience: 0,
  selection: 'aucMacro',
  thresholds: 'f1',
  seed: 20,
};

function log(e: TrainProgress): void {
  const t = new Date().toISOString().slice(11, 19);
  if (e.kind === 'epoch') console.error(`${t} epoch ${e.epoch}/${e.epochs} train ${e.trainLoss.toFixed(4)} val ${e.valLoss.toFixed(4)} auc ${e.val.aucMacro.toFixed(3)} f1 ${e.val.f1Macro.toFixed(3)} ${e.seconds.toFixed(0)} s${e.improved ? ' *' : ''}`);
  else if (e.kind === 'phase') console.error(`${t} [${e.phase}] ${e.message}`);
}

const dataset = { kind: 'csv', root, labels: labelsCsv } as const;
const packageDir = path.join(out, 'package');
const started = Date.now();
const result = await trainJob(
  {
    dataset,
    architecture: 'xresnet1d50',
    out: packageDir,
    train,
    pipeline: defaultPipeline('xresnet1d50', { augment: false }),
    backend,
    cacheDir: path.join('.tmp', 'train', 'cache'),
    checkpointDir: path.join(out, 'checkpoint'),
    name: 'xresnet1d50-cpsc-classes-demo',
    demonstration: true,
    description:
      'Demonstration model for the CPSC 2018 rhythm and conduction classes (SNR = normal, AF, IAVB, LBBB, RBBB, PAC, PVC, STD; STE has no example and is not a class). ' +
      'Trained on the PTB-XL pool (SCP statements mapped to the CPSC classes) plus 31 CPSC 2018 / CinC 2021 records: a handful of positives per class, far too little for clinical use. Research use only.',
  },
  { onProgress: log },
);
const trainSeconds = (Date.now() - started) / 1000;
// The test split is read here for the first time, after the model, its temperature and thresholds are fixed.
const test = await evaluateJob({ model: packageDir, dataset, split: 'test', backend }, { onProgress: log });
await attachTestReport(packageDir, test);
const summary = { architecture: 'xresnet1d50', task: 'cpsc-classes', backend: result.backend, train, trainSeconds, wallSeconds: (Date.now() - started) / 1000, secondsPerEpoch: result.secondsPerEpoch, bestEpoch: result.bestEpoch, counts: result.counts, history: result.history, validation: { metrics: result.validation, ci: result.validationCi }, test, manifest: result.manifest };
await writeFile(path.join(out, 'run.json'), `${JSON.stringify(summary, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`);
console.log(JSON.stringify({ secondsPerEpoch: result.secondsPerEpoch, bestEpoch: result.bestEpoch, valAuc: result.validation.aucMacro, testAuc: test.metrics.aucMacro, testF1: test.metrics.f1Macro, trainSeconds }));
