import { EinthovenError } from '../../errors';
import { compareJob } from '../../train/jobs/compare-job';
import { evaluateJob, evaluateSplits, type EvaluateSplit } from '../../train/jobs/evaluate-job';
import type { EvalOptions } from '../../train/predict';
import { parseCommandArgs } from '../args';
import type { CliCommand } from '../command';
import { comparisonLines, evaluationLines } from './evaluate-print';
import { resolveModel } from './model-path';
import { backendFrom, datasetFlags, datasetSpecFrom, datasetUsage, jsonLine, numberFlag, progressPrinter } from './train-flags';

function metric(report: { metrics: Record<string, unknown>; ci: Record<string, { low: number; high: number }> }, key: string): string {
  const v = report.metrics[key] as number;
  const ci = report.ci[key];
  return `${key} ${v.toFixed(3)}${ci ? ` [${ci.low.toFixed(3)}, ${ci.high.toFixed(3)}]` : ''}`;
}

export const evaluateCommand: CliCommand = {
  name: 'evaluate',
  summary: 'Evaluate a model package on a dataset split, with bootstrap 95 % CIs',
  usage: `Usage: ecg evaluate --model M --data DIR [--dataset ptbxl|cpsc|cinc|csv [--labels CSV]] [--split all|train|val|test] [--json]
       ecg evaluate --model A --compare B --data DIR [...]   (paired comparison of two models)

Runs the package's own preprocessing, inference mode and operating point (temperature and
per-class thresholds) on one split (default: test) and prints the metrics with bootstrap 95 %
confidence intervals (1000 resamples, seeded; stratified so every class keeps positives and
negatives in every resample; by patient where the dataset has patient ids). Every macro figure
says how many classes it averages over and which it leaves out; every class gets an AUC interval.

  --model M            model package (folder, .ecgmodel file or bundled model name)
  --split S            all | train | val | test (default test)
  --eval centre|windows  override the package's inference mode
  --stride N           windows: stride in samples
  --aggregate mean|max windows: how window outputs combine
  --threshold X        decide at X for every class instead of the package's tuned thresholds
                       (0.5 reproduces the paper's rule, for comparison with its tables)
  --compare B          compare with model B on the same records: per class and macro, the
                       differences A − B (AUC, F1 at each model's own thresholds, MAP) with
                       paired-bootstrap 95 % CIs and p-values, and DeLong's test per class AUC
  --resamples N        bootstrap resamples of --compare (default 1000)
  --subgroups          also report metrics per sex and age band (< 40, 40–64, ≥ 65) where the
                       dataset lists them (PTB-XL), at the same operating point
  --backend B          tensorflow | wasm | cpu
  --json               one JSON object on stdout

${datasetUsage}

Output (--json): {"n","classes","metrics":{"accuracy","subsetAccuracy","f1Macro","mapMacro","gmean",
"gmeanPaper","aucMacro","perClass":{class:{…}}},"ci":{metric:{"low","high"}},"split","dataset","model",
"evaluation","failed"[,"subgroups":[{"name","n","metrics","ci"}]]}. accuracy is per-label (Hamming); gmean is Eq. 2 per class, macro;
gmeanPaper is the paper code's √(macro recall × micro specificity). Undefined values are null.
metrics.averaging.{aucMacro,…} = {"over","leftOut"}; ci["auc:CLASS"] is each class's AUC interval.
--compare --json: {"n","classes","perClass":[{"name","positives","aucA","aucB","delong":{"diff","se","z","p","ci95"},
"auc":{"diff","ci95","p"},"f1A","f1B","f1":{…}}],"macro":[{"metric","a","b","diff","ci95","p","over","leftOut"}],
"bootstrap","split","dataset","modelA","modelB","leftOut"}.`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { ...datasetFlags, model: { type: 'string' }, split: { type: 'string' }, eval: { type: 'string' }, stride: { type: 'string' }, aggregate: { type: 'string' }, threshold: { type: 'string' }, subgroups: { type: 'boolean' }, compare: { type: 'string' }, resamples: { type: 'string' }, backend: { type: 'string' }, json: { type: 'boolean' }, quiet: { type: 'boolean' } });
    if (positionals.length > 0) throw new EinthovenError('E_VALIDATION', `unexpected argument '${positionals[0]}'`);
    if (!values.model) throw new EinthovenError('E_VALIDATION', '--model M is required');
    const split = values.split ?? 'test';
    if (!(evaluateSplits as readonly string[]).includes(split)) throw new EinthovenError('E_VALIDATION', `--split must be one of ${evaluateSplits.join(', ')}, got '${split}'`);
    if (values.eval && values.eval !== 'centre' && values.eval !== 'windows') throw new EinthovenError('E_VALIDATION', `--eval must be centre or windows, got '${values.eval}'`);
    if (values.aggregate && values.aggregate !== 'mean' && values.aggregate !== 'max') throw new EinthovenError('E_VALIDATION', `--aggregate must be mean or max, got '${values.aggregate}'`);
    const stride = numberFlag(values.stride, '--stride', { integer: true, min: 1 });
    const evaluation: Partial<EvalOptions> = {
      ...(values.eval ? { mode: values.eval as EvalOptions['mode'] } : {}),
      ...(stride ? { stride } : {}),
      ...(values.aggregate ? { aggregate: values.aggregate as 'mean' | 'max' } : {}),
    };
    const backend = backendFrom(values.backend);
    const threshold = numberFlag(values.threshold, '--threshold', { min: 0, max: 1 });
    if (values.compare) {
      if (threshold !== undefined || values.subgroups) throw new EinthovenError('E_VALIDATION', '--compare uses each model\'s own operating point and the whole split: no --threshold or --subgroups');
      const resamples = numberFlag(values.resamples, '--resamples', { integer: true, min: 100, max: 100_000 });
      const comparison = await compareJob(
        { model: resolveModel(values.model), other: resolveModel(values.compare), dataset: datasetSpecFrom(values), split: split as EvaluateSplit, evaluation, ...(backend ? { backend } : {}), ...(resamples ? { resamples } : {}) },
        { onProgress: progressPrinter(io, values.quiet || values.json) },
      );
      if (values.json) io.stdout(jsonLine(comparison));
      else comparisonLines(comparison).forEach((line) => io.stdout(line));
      return 0;
    }
    if (values.resamples) throw new EinthovenError('E_VALIDATION', '--resamples applies to --compare');
    const report = await evaluateJob(
      { model: resolveModel(values.model), dataset: datasetSpecFrom(values), split: split as EvaluateSplit, evaluation, ...(backend ? { backend } : {}), ...(threshold === undefined ? {} : { threshold }), subgroups: values.subgroups === true },
      { onProgress: progressPrinter(io, values.quiet || values.json) },
    );
    if (values.json) {
      io.stdout(jsonLine(report));
      return 0;
    }
    evaluationLines(report).forEach((line) => io.stdout(line));
    for (const group of report.subgroups ?? []) {
      const g = group as unknown as { metrics: Record<string, unknown>; ci: Record<string, { low: number; high: number }> };
      io.stdout(`  ${group.name} (n = ${group.n}): ${metric(g, 'aucMacro')}; ${metric(g, 'f1Macro')}`);
    }
    if (report.failed.length > 0) io.stdout(`  ${report.failed.length} records could not be read (first: ${report.failed[0]?.id}: ${report.failed[0]?.message})`);
    return 0;
  },
};
