import path from 'node:path';
import { EinthovenError } from '../../errors';
import { finetuneJob, finetuneModes, type FinetuneMode } from '../../train/jobs/finetune-job';
import type { ModelManifest } from '../../train/package/manifest';
import { parseCommandArgs } from '../args';
import type { CliCommand } from '../command';
import { resolveModel } from './model-path';
import { workersFrom, backendFrom, datasetFlags, datasetSpecFrom, datasetUsage, memoryFlags, memoryUsage, interruptSignal, jsonLine, numberFlag, progressPrinter, trainConfigFrom, trainFlags, trainUsage } from './train-flags';

const fixed = (v: unknown, digits = 3) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : '—');

/** The locked-test figures and the base comparison of a fine-tuned package, as text. */
export function closingLines(manifest: ModelManifest): string[] {
  const { test, comparison, validation } = manifest.provenance;
  const v = validation.metrics as { aucMacro?: number };
  const lines = [`  validation (chose the epoch and thresholds; optimistic): macro AUC ${fixed(v.aucMacro)}`];
  if (!test) return [...lines, '  no locked-test evaluation (the run was stopped before its end)'];
  const t = test.metrics as { aucMacro?: number; f1Macro?: number };
  lines.push(`  locked test (${test.n} records): macro AUC ${fixed(t.aucMacro)} [${fixed(test.ci.aucMacro?.low)}, ${fixed(test.ci.aucMacro?.high)}], macro F1 ${fixed(t.f1Macro)}`);
  if (!comparison) return lines;
  lines.push(`  base ${comparison.base.name} on the same records: ${comparison.note}`);
  for (const c of comparison.classes) {
    lines.push(`    ${c.name.padEnd(8)} AUC fine-tuned ${fixed(c.aucFinetuned)}  base ${fixed(c.aucBase)}  difference ${fixed(c.diff)} [${fixed(c.ci95[0])}, ${fixed(c.ci95[1])}] ${c.method === 'DeLong' ? `DeLong p ${fixed(c.p)}` : `(${c.method})`}`);
  }
  lines.push(`  ${comparison.overlap.inBaseTraining ? 'WARNING: ' : ''}overlap: ${comparison.overlap.note}`);
  return lines;
}

export const finetuneCommand: CliCommand = {
  name: 'finetune',
  summary: 'Fine-tune a model package on your own labelled ECGs (transfer learning)',
  usage: `Usage: ecg finetune --base M --data DIR --labels CSV [--mode head|full] --out DIR [options]

Starts from the model package M (folder, .ecgmodel file or bundled model name), replaces its
output layer for the classes of the labels CSV (one output for 0/1 labels, e.g. PE) and trains:
  head   the new output layer only; the trunk and its batch-norm statistics stay frozen and its
         features are computed once and cached, so training takes seconds to minutes
  full   every weight; the trunk at --trunk-lr-factor × the learning rate
  scratch  the same architecture from random weights (a baseline for comparison)
Default: head for ResNet18, CRNN and the other CNNs, full for the attention models (the paper's
finding). The base model's preprocessing is kept. Selection, calibration and thresholds use the
validation split only (the CSV's split column, else a seeded patient-level split).

Labels CSV (files relative to DIR): file,label[,patient_id][,split][,sex][,age] (several labels with |),
or the PE-HSM layout filename;label with 0/1.

  --base M              model package to start from
  --mode MODE           head | full | scratch
  --out DIR             model package folder to write (a single file when it ends in .ecgmodel)
  --feature-crops N     head: random crops per training record whose features are cached (default 8)
  --trunk-lr-factor X   full: trunk learning rate factor (default 0.1)
  --name TEXT           model name in the manifest

${datasetUsage}

${trainUsage}

${memoryUsage}

Every fine-tuning that runs to its end is evaluated once on the locked test rows (the CSV's
split 'test', or --test-labels; a labels CSV without them is refused before training), with the
base model on the same records beside it: per class both AUCs and DeLong's 95 % interval of the
difference, and how many test records the base model had already seen in training (its
package's training-record filter). Both are kept in the new package's manifest.

Output (--json): {"out","mode","manifest":{…,"provenance":{…,"test","comparison"}},"bestEpoch","epochs","cancelled","secondsTotal","featureSeconds"}`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { ...datasetFlags, ...trainFlags, ...memoryFlags, base: { type: 'string' }, mode: { type: 'string' }, out: { type: 'string' }, 'feature-crops': { type: 'string' }, 'trunk-lr-factor': { type: 'string' }, name: { type: 'string' } });
    if (positionals.length > 0) throw new EinthovenError('E_VALIDATION', `unexpected argument '${positionals[0]}'`);
    if (!values.base) throw new EinthovenError('E_VALIDATION', '--base M is required');
    if (!values.out) throw new EinthovenError('E_VALIDATION', '--out DIR is required');
    if (values.mode && !(finetuneModes as readonly string[]).includes(values.mode)) throw new EinthovenError('E_VALIDATION', `--mode must be head, full or scratch, got '${values.mode}'`);
    const trunkLrFactor = numberFlag(values['trunk-lr-factor'], '--trunk-lr-factor', { min: 1e-6, max: 1 });
    const featureCrops = numberFlag(values['feature-crops'], '--feature-crops', { integer: true, min: 1, max: 256 });
    const backend = backendFrom(values.backend);
    const workers = workersFrom(values.workers);
    const result = await finetuneJob(
      {
        base: resolveModel(values.base),
        dataset: datasetSpecFrom({ ...values, dataset: values.dataset ?? (values.labels ? 'csv' : undefined) }),
        out: path.resolve(values.out),
        train: { ...trainConfigFrom(values), ...(trunkLrFactor ? { trunkLrFactor } : {}) },
        ...(values.mode ? { mode: values.mode as FinetuneMode } : {}),
        ...(featureCrops ? { featureCrops } : {}),
        ...(backend ? { backend } : {}),
        ...workers,
        ...(values.checkpoint ? { checkpointDir: path.resolve(values.checkpoint) } : {}),
        ...(values.cache ? { cacheDir: path.resolve(values.cache) } : {}),
        ...(values.name ? { name: values.name } : {}),
        ...(values['force-memory'] ? { forceMemory: true } : {}),
      },
      { signal: interruptSignal(io), onProgress: progressPrinter(io, values.quiet) },
    );
    if (values.json) io.stdout(jsonLine(result));
    else {
      io.stdout(`${result.mode} fine-tuning ${result.cancelled ? 'cancelled; best model so far' : 'done'}: ${result.out} (${result.manifest.id}), best epoch ${result.bestEpoch}/${result.epochs}, ${result.secondsTotal.toFixed(1)} s`);
      for (const line of closingLines(result.manifest)) io.stdout(line);
    }
    return 0;
  },
};
