import path from 'node:path';
import { EinthovenError } from '../../errors';
import { requireNewOutput } from '../../storage/new-output';
import { finetuneCvJob, type FinetuneCvOptions } from '../../train/jobs/finetune-cv-job';
import { finetuneJob, finetuneModes, paperExactNoTest, type FinetuneJobOptions, type FinetuneMode } from '../../train/jobs/finetune-job';
import { selectedOnTest, type ModelManifest } from '../../train/package/manifest';
import { unreadableText, validationWords } from '../../contract/model-card-text';
import type { JobContext } from '../../train/progress';
import { parseCommandArgs } from '../args';
import type { CliCommand, CliIO } from '../command';
import { cvLines } from './cv-print';
import { resolveModel } from './model-path';
import { workersFrom, backendFrom, datasetFlags, datasetSpecFrom, datasetUsage, memoryFlags, memoryUsage, interruptSignal, numberFlag, progressPrinter, trainConfigFrom, trainFlags, trainUsage } from './train-flags';
import { jsonLine, textColumn } from '../text-column';
import { overlapSaidByNotLockedTest } from '../../contract/closing-overlap';

const fixed = (v: unknown, digits = 3) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : '—');

/** The locked-test figures and the base comparison of a fine-tuned package, as text. */
export function closingLines(manifest: ModelManifest): string[] {
  const { test, comparison, validation } = manifest.provenance;
  const v = validation.metrics as { aucMacro?: number };
  // --paper-exact chose on the test rows: their figures are named so, and no locked test is claimed (there is none).
  if (selectedOnTest(manifest.provenance)) return [`  ${validationWords(true)}: macro AUC ${fixed(v.aucMacro)}`, `  ${paperExactNoTest}`];
  const lines = [`  ${validationWords(false)}: macro AUC ${fixed(v.aucMacro)}`];
  // The epoch and operating point were chosen on the validation records within the intended input: said as the test's note is.
  if (validation.outOfScope && validation.outOfScope.count > 0) lines.push(`  note: ${textColumn(validation.outOfScope.note)}`);
  if (!test) return [...lines, '  no locked-test evaluation (the run was stopped before its end)'];
  const t = test.metrics as { aucMacro?: number; f1Macro?: number };
  lines.push(`  ${test.notLockedTest ? 'test, not a locked test' : 'locked test'} (${test.n} records): macro AUC ${fixed(t.aucMacro)} [${fixed(test.ci.aucMacro?.low)}, ${fixed(test.ci.aucMacro?.high)}], macro F1 ${fixed(t.f1Macro)}`);
  if (test.notLockedTest) lines.push(`  warning: ${textColumn(test.notLockedTest)}`);
  // As `ecg evaluate` says it: the figures cover only the records the model is for, those the base never saw, and those read.
  if (test.outOfScope && test.outOfScope.count > 0) lines.push(`  note: ${textColumn(test.outOfScope.note)}`);
  if (test.seenByBase) lines.push(`  note: ${textColumn(test.seenByBase.note)}`);
  const unreadable = unreadableText(test.unreadable, 'test');
  if (unreadable) lines.push(`  note: ${unreadable}`);
  if (!comparison) return lines;
  lines.push(`  base ${textColumn(comparison.base.name)} on the same records: ${textColumn(comparison.note)}`);
  for (const c of comparison.classes) {
    lines.push(`    ${textColumn(c.name).padEnd(8)} AUC fine-tuned ${fixed(c.aucFinetuned)}  base ${fixed(c.aucBase)}  difference ${fixed(c.diff)} [${fixed(c.ci95[0])}, ${fixed(c.ci95[1])}] ${c.method === 'DeLong' ? `DeLong p ${fixed(c.p)}` : `(${c.method})`}`);
  }
  // Where the base saw every record the figures are on, the not-a-locked-test warning above said so.
  if (!overlapSaidByNotLockedTest(test.notLockedTest, test.n, comparison.overlap.inBaseTraining)) lines.push(`  ${comparison.overlap.inBaseTraining ? 'WARNING: ' : ''}overlap: ${textColumn(comparison.overlap.note)}`);
  const val = comparison.overlap.validation;
  if (val) lines.push(`  ${val.inBaseTraining ? 'WARNING: ' : ''}validation overlap: ${textColumn(val.note)}`);
  return lines;
}

export const finetuneCommand: CliCommand = {
  name: 'finetune',
  summary: 'Fine-tune a model package on your own labelled ECGs (transfer learning)',
  usage: `Usage: ecg finetune --base M --data DIR --labels CSV [--mode head|full] --out DIR [options]
       ecg finetune --cv K --base M --data DIR --labels CSV --out DIR [options]   (K-fold cross-validation)

Starts from the model M (a package folder or .ecgmodel file, a bundled model name such as
starter, or an installed model's id or name), replaces its output layer for the classes of
the labels CSV (one output for 0/1 labels, e.g. PE) and trains:
  head   the new output layer only; the trunk and its batch-norm statistics stay frozen and its
         features are computed once and cached, so training takes seconds to minutes
  full   every weight; the trunk at --trunk-lr-factor × the learning rate
  scratch  the same architecture from random weights (a baseline for comparison)
Default: head for ResNet18, CRNN and the other CNNs, full for the attention models (the paper's
finding). The base model's preprocessing is kept. Selection, calibration and thresholds use the
validation split only (the CSV's split column, else a seeded patient-level split), and of it only
the records within the model's intended input, as ecg train does (the others noted, and kept in
provenance.validation.outOfScope; with none of them the fine-tuning is refused before training).

Labels CSV (files relative to DIR): file,label[,patient_id][,split][,sex][,age] (several labels with |),
or the PE-HSM layout filename;label with 0/1.

  --base M              model package to start from
  --mode MODE           head | full | scratch
  --out DIR             model package folder to write (a single file when it ends in .ecgmodel)
  --feature-crops N     head: random crops per training record whose features are cached (default 8)
  --trunk-lr-factor X   full: trunk learning rate factor (default 0.1)
  --name TEXT           model name in the manifest
  --cv K                K-fold cross-validation (3..20) of this fine-tuning instead of one
  --fold-seed N         --cv: seed of the patient-grouped folds (default 2018)
  --allow-test-seen-by-base
                        fine-tune even when every locked test record is among the base's training
                        and validation records (refused before training otherwise); its closing
                        figures are then no locked test (refused with --cv, whose folds never
                        read the locked test split: give it to the fine-tuning without --cv)

${datasetUsage}

${trainUsage}

${memoryUsage}

Every fine-tuning that runs to its end is evaluated once on the locked test rows (the CSV's
split 'test', or --test-labels; a labels CSV without them, or with none within the base model's
intended input, is refused before training) within the model's intended input, as ecg evaluate
scores them (the others counted by reason and said in a note; the manifest keeps the count in
provenance.test.outOfScope), with the base model on the same records beside it: per class both
AUCs and DeLong's 95 % interval of the
difference (clustered by patient, Obuchowski 1997, where the labels CSV names each record's
patient; otherwise records taken as independent, and the note says which). Test records the base model (or a base of it) had trained or validated on (its
package's training-record filter, a copy at another sampling rate in the data folder included) are
left out, counted and named in a note, so the figures are a locked test on records the model never
saw; where it had seen every one, or whether it had cannot be checked (a base that keeps no
filter), the figures are printed as "test, not a locked test" with why, and the app does not record
them as the site's evaluation. Both are kept in the new package's manifest. Before training, the
test rows are checked against the base's filter by content (copies at other rates are looked for
only at the end): where the base saw every one, the fine-tuning is refused (unless
--allow-test-seen-by-base); where it saw some, a note says they will be left out; where its
filter is missing, a warning says the figures will be no locked test. With
--paper-exact the test rows choose the epoch (the paper code's protocol), so there is no locked
test: their figures are reported as the validation's, and no test evaluation is made.

Cross-validation (--cv K), the app's "Cross-validate first (folds)": the rows outside the locked
test split are dealt into K patient-grouped folds stratified by label (the locked test split is
never read). Fold i is the test fold once; fold i + 1 is its inner validation, on which its
fine-tuning is selected, calibrated and its thresholds tuned; the other K − 2 folds train it. A
recording under rows of two patients is dealt to one fold with both patients' records (else a
fold would be tested on a copy of its training), found before the first fold and said so. Each
fold's package is written to OUT/fold-NN and the whole report to OUT/cv.json (OUT a new or empty
folder). Prints every fold's figures, their mean ± SD, and the pooled
out-of-fold figures with bootstrap 95 % CIs: cross-validation figures, not locked-test figures,
on the held-out records within each fold model's intended input (the others noted per fold; a
fold with none of them is refused before any fold is fine-tuned). Held-out records the base model
(or a base of it) had trained or validated on are left out of each fold's figures and the pooled
ones, as from the closing evaluation, counted per fold and overall in a note (--json's seenByBase
and folds[].seenByBase, kept in cv.json and in each fold package's provenance.cvFold.heldOut);
a fold whose every held-out record the base saw is scored all the same, with a warning that the
estimate is optimistic; where the base keeps no filter, a warning says the estimate may include
records it saw.
The app then fine-tunes the final model on all the data; here that is the same command without
--cv. Ctrl-C stops after the current step and reports the folds that finished.

Output (--json): {"out","mode","manifest":{…,"provenance":{…,"test","comparison"}},"bestEpoch","epochs","cancelled","secondsTotal","featureSeconds"}
  with --cv: {"k","source","excluded","copiesKept","dataset","classes","perFold":[…],"meanSd":{…},"pooled":{…},
  "folds":[{"fold","out","modelId","bestEpoch","epochs","seenByBase":{"count","ids","leftOut","note"}}],
  "seenByBase":{"count","leftOut","optimistic","note"}|null,"cancelled","out"}`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { ...datasetFlags, ...trainFlags, ...memoryFlags, base: { type: 'string' }, mode: { type: 'string' }, out: { type: 'string' }, 'feature-crops': { type: 'string' }, 'trunk-lr-factor': { type: 'string' }, name: { type: 'string' }, cv: { type: 'string' }, 'fold-seed': { type: 'string' }, 'allow-test-seen-by-base': { type: 'boolean' } });
    if (positionals.length > 0) throw new EinthovenError('E_VALIDATION', `unexpected argument '${positionals[0]}'`);
    if (!values.base) throw new EinthovenError('E_VALIDATION', '--base M is required');
    if (!values.out) throw new EinthovenError('E_VALIDATION', '--out DIR is required');
    if (values.mode && !(finetuneModes as readonly string[]).includes(values.mode)) throw new EinthovenError('E_VALIDATION', `--mode must be head, full or scratch, got '${values.mode}'`);
    const trunkLrFactor = numberFlag(values['trunk-lr-factor'], '--trunk-lr-factor', { min: 1e-6, max: 1 });
    const featureCrops = numberFlag(values['feature-crops'], '--feature-crops', { integer: true, min: 1, max: 256 });
    const backend = backendFrom(values.backend);
    const workers = workersFrom(values.workers);
    const cv = crossValidationFrom(values);
    const common: Omit<FinetuneJobOptions, 'out' | 'checkpointDir'> = {
      base: await resolveModel(values.base),
      dataset: datasetSpecFrom({ ...values, dataset: values.dataset ?? (values.labels ? 'csv' : undefined) }),
      train: { ...trainConfigFrom(values), ...(trunkLrFactor ? { trunkLrFactor } : {}) },
      ...(values.mode ? { mode: values.mode as FinetuneMode } : {}),
      ...(featureCrops ? { featureCrops } : {}),
      ...(backend ? { backend } : {}),
      ...workers,
      ...(values.cache ? { cacheDir: path.resolve(values.cache) } : {}),
      ...(values.name ? { name: values.name } : {}),
      ...(values['force-memory'] ? { forceMemory: true } : {}),
      ...(values['allow-test-seen-by-base'] ? { allowTestSeenByBase: true } : {}),
      allowTestSeenControl: 'ecg finetune --allow-test-seen-by-base',
    };
    const context = { signal: interruptSignal(io), onProgress: progressPrinter(io, values.quiet) };
    if (cv) return crossValidate({ ...common, ...cv, workDir: path.resolve(values.out) }, Boolean(values.json), io, context);
    const result = await finetuneJob({ ...common, out: path.resolve(values.out), ...(values.checkpoint ? { checkpointDir: path.resolve(values.checkpoint) } : {}) }, context);
    if (values.json) io.stdout(jsonLine(result));
    else {
      io.stdout(`${result.mode} fine-tuning ${result.cancelled ? 'cancelled; best model so far' : 'done'}: ${textColumn(result.out)} (${textColumn(result.manifest.id)}), best epoch ${result.bestEpoch}/${result.epochs}, ${result.secondsTotal.toFixed(1)} s`);
      for (const line of closingLines(result.manifest)) io.stdout(line);
    }
    return 0;
  },
};

/** --cv K and --fold-seed N, checked: K folds of 3..20 (as the app's form), a seed only with --cv, no --checkpoint, --allow-test-seen-by-base or single-file --out. */
function crossValidationFrom(values: { cv?: string; 'fold-seed'?: string; checkpoint?: string; out?: string; 'allow-test-seen-by-base'?: boolean }): { folds: number; foldSeed?: number } | undefined {
  const folds = numberFlag(values.cv, '--cv', { integer: true, min: 3, max: 20 });
  const foldSeed = numberFlag(values['fold-seed'], '--fold-seed', { integer: true, min: 0 });
  if (folds === undefined) {
    if (foldSeed !== undefined) throw new EinthovenError('E_VALIDATION', '--fold-seed applies to --cv');
    return undefined;
  }
  // The job starts every fold afresh and clears its own fold folders: there is nothing to resume.
  if (values.checkpoint) throw new EinthovenError('E_VALIDATION', '--checkpoint does not apply to --cv: every fold is fine-tuned afresh');
  // It lifts the refusal of a locked test split the base saw whole, which only a fine-tuning on all the data makes: the
  // folds never read that split, and from the command line none follows them (the app's does, and is asked before the first fold).
  if (values['allow-test-seen-by-base']) throw new EinthovenError('E_VALIDATION', "--allow-test-seen-by-base does not apply to --cv: the folds never read the locked test split (each fold's held-out records the base saw are left out of its figures, or scored and said to be optimistic where it saw every one), and no fine-tuning on all the data follows them here: give the flag to that fine-tuning, the same command without --cv");
  if (values.out?.endsWith('.ecgmodel')) throw new EinthovenError('E_VALIDATION', `--cv writes a folder (a package per fold and cv.json), not the single file ${values.out}: give --out a folder`);
  return { folds, ...(foldSeed === undefined ? {} : { foldSeed }) };
}

/** `ecg finetune --cv K`: the app's cross-validation job, printed as `ecg train --cv` prints its own. */
async function crossValidate(options: FinetuneCvOptions, json: boolean, io: CliIO, context: JobContext): Promise<number> {
  // The job clears the fold-NN folders it writes into (its scratch in the app): a folder given here must hold nothing of the user's.
  requireNewOutput(options.workDir, 'a cross-validation (a package per fold and cv.json)');
  const cv = await finetuneCvJob(options, context);
  if (json) io.stdout(jsonLine(cv));
  else cvLines(cv).forEach((line) => io.stdout(line));
  return 0;
}
