import path from 'node:path';
import { EinthovenError } from '../../errors';
import { architectureNames } from '../../ml/models/registry';
import { hpoJob } from '../../train/jobs/hpo-job';
import { resultsTable } from '../../train/hpo/study';
import { jsonLine, textColumn } from '../text-column';
import { parseCommandArgs } from '../args';
import type { CliCommand } from '../command';
import { workersFrom, backendFrom, datasetFlags, datasetSpecFrom, datasetUsage, memoryFlags, memoryUsage, interruptSignal, numberFlag, progressPrinter, trainConfigFrom, trainFlags, trainUsage } from './train-flags';

export const hpoCommand: CliCommand = {
  name: 'hpo',
  summary: 'Hyper-parameter search (TPE + median pruning) on validation macro-F1',
  usage: `Usage: ecg hpo --data DIR --arch NAME --study DIR [--trials N] [--timeout S] [--out DIR] [options]

Bayesian search (Tree-structured Parzen Estimator, Optuna's defaults: 10 random start-up trials,
24 candidates) with median pruning (after 5 completed trials) over the paper's space: learning
rate log-U[1e-6, 1e-2] and the per-lead normalisation; for CRNNs also RNN layers {1,2,4},
hidden {128,256,512}, dropout {0,0.1,0.3} and direction. The objective is the best validation
macro-F1 of each trial — the test split is never read (the paper searched on test; --paper-exact
is refused). The study
is saved in --study after every epoch: rerun the same command to resume an interrupted search.
Prints the results table (Markdown) at the end. Of the training options below, --lr (the search
samples the rate), --checkpoint (each trial checkpoints in --study) and --paper-exact are refused.

  --arch NAME     ${architectureNames.join(' | ')}
  --study DIR     study folder (study.json and per-trial checkpoints)
  --trials N      trials to finish in total (default 20; the paper ran 100)
  --timeout S     start no new trial after S seconds
  --prune-warmup N  no pruning before epoch N+1 (default 0, Optuna's; a one-cycle warm-up may want more)
  --out DIR       package the best trial's model here (calibrated on validation)

${datasetUsage}

${trainUsage}

${memoryUsage}
The search checks its largest trial (the widest, deepest recurrent layers it can sample) once, before the first.

Output (--json): {"study":{…,"trials":[{"number","params","state","value","intermediate","bestEpoch","seconds"}]},"best","table","cancelled","manifest"?}`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { ...datasetFlags, ...trainFlags, ...memoryFlags, arch: { type: 'string' }, study: { type: 'string' }, trials: { type: 'string' }, timeout: { type: 'string' }, out: { type: 'string' }, 'prune-warmup': { type: 'string' } });
    if (positionals.length > 0) throw new EinthovenError('E_VALIDATION', `unexpected argument '${positionals[0]}'`);
    if (!values.arch) throw new EinthovenError('E_VALIDATION', '--arch NAME is required');
    if (!values.study) throw new EinthovenError('E_VALIDATION', '--study DIR is required');
    // The shared training flags include it, but the search checkpoints each trial in the study: one given went unused.
    if (values.checkpoint !== undefined) throw new EinthovenError('E_VALIDATION', '--checkpoint does not apply to a search: every trial checkpoints in --study DIR (trials/N), and rerunning the same command resumes it');
    const trials = numberFlag(values.trials, '--trials', { integer: true, min: 1, max: 10_000 }) ?? 20;
    const timeoutSeconds = numberFlag(values.timeout, '--timeout', { min: 1 });
    const pruneWarmupEpochs = numberFlag(values['prune-warmup'], '--prune-warmup', { integer: true, min: 0 });
    const backend = backendFrom(values.backend);
    const workers = workersFrom(values.workers);
    const result = await hpoJob(
      {
        dataset: datasetSpecFrom(values),
        architecture: values.arch,
        studyDir: path.resolve(values.study),
        trials,
        train: trainConfigFrom(values),
        ...(timeoutSeconds ? { timeoutSeconds } : {}),
        ...(pruneWarmupEpochs === undefined ? {} : { pruneWarmupEpochs }),
        ...(values.out ? { out: path.resolve(values.out) } : {}),
        ...(backend ? { backend } : {}),
        ...workers,
        ...(values.cache ? { cacheDir: path.resolve(values.cache) } : {}),
        ...(values['force-memory'] ? { forceMemory: true } : {}),
      },
      { signal: interruptSignal(io), onProgress: progressPrinter(io, values.quiet) },
    );
    if (values.json) io.stdout(jsonLine(result));
    else {
      // Rebuilt with each cell escaped: result.table (--json) holds the study's names as they are. The
      // best trial's parameters as jsonLine writes them: JSON.stringify leaves DEL, C1 and the bidirectional overrides raw.
      for (const line of resultsTable(result.study, textColumn).split('\n')) io.stdout(line);
      io.stdout(result.best ? `best: trial ${result.best.number}, validation macro-F1 ${result.best.value?.toFixed(4)}, ${jsonLine(result.best.params)}` : 'no completed trial yet');
      if (result.cancelled) io.stdout('interrupted: rerun the same command to resume the study');
    }
    return 0;
  },
};
