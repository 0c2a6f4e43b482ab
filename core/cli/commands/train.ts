import path from 'node:path';
import { EinthovenError } from '../../errors';
import type { Interval, MetricsReport } from '../../ml/metrics/index';
import { architectureNames } from '../../ml/models/registry';
import { cvJob } from '../../train/jobs/cv-job';
import { trainJob } from '../../train/jobs/train-job';
import { selectedOnTest } from '../../train/package/manifest';
import { cvLines } from './cv-print';
import { parseCommandArgs } from '../args';
import type { CliCommand } from '../command';
import { workersFrom, backendFrom, datasetFlags, datasetSpecFrom, datasetUsage, memoryFlags, memoryUsage, interruptSignal, normalisationFrom, numberFlag, progressPrinter, trainConfigFrom, trainFlags, trainUsage } from './train-flags';
import { jsonLine, textColumn } from '../text-column';

export const trainCommand: CliCommand = {
  name: 'train',
  summary: 'Train a model on a dataset (selection on validation; the test split is never read)',
  usage: `Usage: ecg train --data DIR --arch NAME --out DIR [options]
       ecg train --cv K --data DIR --arch NAME --out DIR [options]   (K-fold cross-validation)

Trains on the train split, validates every epoch, selects the epoch and stops early on the
validation split only, then fits temperature scaling and per-class thresholds on validation and
writes a model package to --out. Ctrl-C stops after the current step and still writes the best
model so far; with --checkpoint a rerun of the same command resumes where it stopped.
Only the validation records within the model's intended input, those ecg predict gives a
number on, choose the epoch and the operating point (the others are counted by reason, said in
a note and kept in the manifest's provenance.validation.outOfScope; a validation split with
none of them is refused before training). Evaluate the package on the test split afterwards
with \`ecg evaluate\`.

Cross-validation (--cv K): the dataset's own folds — PTB-XL strat_fold 1–9 (K ≤ 9; K < 9
merges them; its locked test fold 10 stays out), CPSC/CinC stratified folds, patient-grouped
stratified folds for a hospital CSV (its locked test split stays out). Fold i is the test fold once; fold i + 1 is its inner validation, on which its
model is selected, calibrated and its thresholds tuned; the other K − 2 folds train it. Each
fold's package is written to OUT/fold-NN and the whole report to OUT/cv.json. Prints every
fold's figures, their mean ± SD, and the pooled out-of-fold figures with bootstrap 95 % CIs, at
each fold model's thresholds and at the paper's 0.5 rule. A fold scores only its test records
within its model's intended input, as ecg evaluate does (the others noted per fold, by reason;
cv.json: each fold's "outOfScope"); a fold whose records are all outside it is refused before
any fold trains. The paper's CPSC protocol:
  ecg train --cv 10 --dataset cpsc --data DIR --arch crnn-gru --out cv/

Model:
  --cv K              K-fold cross-validation (3..20) instead of one split
  --fold-seed N       seed of folds the dataset does not fix (default 2018)
  --arch NAME         ${architectureNames.join(' | ')}
  --out DIR           model package folder to write (a single file when it ends in .ecgmodel)
  --norm N            per-lead normalisation instead of the architecture's default
                      (minmax | zscore | rscale | logscale | l2)
  --name TEXT         model name in the manifest (default: the folder name)
  --description TEXT  free text stored in the manifest
  --demonstration     mark the package a demonstration model (as the bundled starter)
  --on-disk           keep decoded records on disk in --cache (data larger than memory)

${datasetUsage}

${trainUsage}

${memoryUsage}

Output (--json): {"out","manifest":{…},"backend","counts":{"train","val","failed"},"history":[…],
"bestEpoch","cancelled","stoppedEarly","secondsPerEpoch","validation":{…},"validationCi":{…}}`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { ...datasetFlags, ...trainFlags, ...memoryFlags, arch: { type: 'string' }, out: { type: 'string' }, norm: { type: 'string' }, name: { type: 'string' }, description: { type: 'string' }, demonstration: { type: 'boolean' }, 'on-disk': { type: 'boolean' }, cv: { type: 'string' }, 'fold-seed': { type: 'string' } });
    if (positionals.length > 0) throw new EinthovenError('E_VALIDATION', `unexpected argument '${positionals[0]}'`);
    if (!values.arch) throw new EinthovenError('E_VALIDATION', '--arch NAME is required (see ecg train --help)');
    if (!values.out) throw new EinthovenError('E_VALIDATION', '--out DIR is required');
    if (values['on-disk'] && !values.cache) throw new EinthovenError('E_VALIDATION', '--on-disk needs --cache DIR');
    const normalisation = normalisationFrom(values.norm);
    const backend = backendFrom(values.backend);
    const folds = numberFlag(values.cv, '--cv', { integer: true, min: 3, max: 20 });
    const foldSeed = numberFlag(values['fold-seed'], '--fold-seed', { integer: true, min: 0 });
    if (foldSeed !== undefined && folds === undefined) throw new EinthovenError('E_VALIDATION', '--fold-seed applies to --cv');
    const workers = workersFrom(values.workers);
    const common = {
      dataset: datasetSpecFrom(values),
      architecture: values.arch,
      out: path.resolve(values.out),
      train: trainConfigFrom(values),
      ...(normalisation ? { normalisation } : {}),
      ...(backend ? { backend } : {}),
      ...workers,
      ...(values.checkpoint ? { checkpointDir: path.resolve(values.checkpoint) } : {}),
      ...(values.cache ? { cacheDir: path.resolve(values.cache) } : {}),
      ...(values['on-disk'] ? { inMemory: false } : {}),
      ...(values.name ? { name: values.name } : {}),
      ...(values.description ? { description: values.description } : {}),
      ...(values.demonstration ? { demonstration: true } : {}),
        ...(values['force-memory'] ? { forceMemory: true } : {}),
    };
    if (folds !== undefined) {
      const cv = await cvJob({ ...common, folds, ...(foldSeed === undefined ? {} : { foldSeed }) }, { signal: interruptSignal(io), onProgress: progressPrinter(io, values.quiet) });
      if (values.json) io.stdout(jsonLine(cv));
      else cvLines(cv).forEach((line) => io.stdout(line));
      return 0;
    }
    const result = await trainJob(common, { signal: interruptSignal(io), onProgress: progressPrinter(io, values.quiet) });
    if (values.json) io.stdout(jsonLine(result));
    else {
      const v = result.validation;
      // --paper-exact chose the epoch on the test split: its figures are that split's, not a locked test's.
      const on = selectedOnTest(result.manifest.provenance) ? 'test split as validation (--paper-exact; not a locked test)' : 'validation';
      io.stdout(`${result.cancelled ? 'cancelled; best model so far' : 'trained'}: ${textColumn(result.out)} (${textColumn(result.manifest.id)}), best epoch ${result.bestEpoch}/${result.history.length}, ${on} ${validationFigures(v, result.validationCi)}, ${result.secondsPerEpoch.toFixed(1)} s/epoch on ${result.backend}`);
      // As a fine-tuning's closing lines say it: the epoch and thresholds rest on the validation records the model is for.
      const outOfScope = result.manifest.provenance.validation.outOfScope;
      if (outOfScope && outOfScope.count > 0) io.stdout(`  note: ${textColumn(outOfScope.note)}`);
    }
    return 0;
  },
};

/**
 * "F1 0.612 [0.540, 0.688] AUC …": the run's validation figures, each with the bootstrap 95 %
 * interval the job computed (--json's validationCi), as every figure the engine reports has one.
 */
export function validationFigures(v: Pick<MetricsReport, 'f1Macro' | 'aucMacro' | 'mapMacro'>, ci: Readonly<Record<string, Interval>>): string {
  const figure = (label: string, key: 'f1Macro' | 'aucMacro' | 'mapMacro') => {
    const i = ci[key];
    const interval = i && Number.isFinite(i.low) && Number.isFinite(i.high) ? ` [${i.low.toFixed(3)}, ${i.high.toFixed(3)}]` : '';
    return `${label} ${v[key].toFixed(3)}${interval}`;
  };
  return `${figure('F1', 'f1Macro')} ${figure('AUC', 'aucMacro')} ${figure('MAP', 'mapMacro')} (95 % CIs)`;
}
