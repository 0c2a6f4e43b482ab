import { EinthovenError } from '../../errors';
import { evaluateJob, evaluateSplits, type EvaluateSplit } from '../../train/jobs/evaluate-job';
import type { EvalOptions } from '../../train/predict';
import { parseCommandArgs } from '../args';
import type { CliCommand } from '../command';
import { resolveModel } from './model-path';
import { workersFrom, backendFrom, datasetFlags, datasetSpecFrom, datasetUsage, jsonLine, numberFlag, progressPrinter } from './train-flags';

function metric(report: { metrics: Record<string, unknown>; ci: Record<string, { low: number; high: number }> }, key: string): string {
  const v = report.metrics[key] as number;
  const ci = report.ci[key];
  return `${key} ${v.toFixed(3)}${ci ? ` [${ci.low.toFixed(3)}, ${ci.high.toFixed(3)}]` : ''}`;
}

export const evaluateCommand: CliCommand = {
  name: 'evaluate',
  summary: 'Evaluate a model package on a dataset split, with bootstrap 95 % CIs',
  usage: `Usage: ecg evaluate --model M --data DIR [--dataset ptbxl|cpsc|cinc|csv [--labels CSV]] [--split all|train|val|test] [--json]

Runs the package's own preprocessing, inference mode and operating point (temperature and
per-class thresholds) on one split (default: test) and prints the metrics with bootstrap 95 %
confidence intervals (1000 resamples, seeded).

  --model M            model package (folder, .ecgmodel file or bundled model name)
  --split S            all | train | val | test (default test)
  --eval centre|windows  override the package's inference mode
  --stride N           windows: stride in samples
  --aggregate mean|max windows: how window outputs combine
  --threshold X        decide at X for every class instead of the package's tuned thresholds
                       (0.5 reproduces the paper's rule, for comparison with its tables)
  --subgroups          also report metrics per sex and age band (< 40, 40–64, ≥ 65) where the
                       dataset lists them (PTB-XL), at the same operating point
  --backend B          tensorflow | wasm | cpu
  --workers N          worker threads for decoding and inference on wasm/cpu (default: cores − 1)
  --json               one JSON object on stdout

${datasetUsage}

Output (--json): {"n","classes","metrics":{"accuracy","subsetAccuracy","f1Macro","mapMacro","gmean",
"gmeanPaper","aucMacro","perClass":{class:{…}}},"ci":{metric:{"low","high"}},"split","dataset","model",
"evaluation","failed"[,"subgroups":[{"name","n","metrics","ci"}]]}. accuracy is per-label (Hamming); gmean is Eq. 2 per class, macro;
gmeanPaper is the paper code's √(macro recall × micro specificity). Undefined values are null.`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { ...datasetFlags, model: { type: 'string' }, split: { type: 'string' }, eval: { type: 'string' }, stride: { type: 'string' }, aggregate: { type: 'string' }, threshold: { type: 'string' }, subgroups: { type: 'boolean' }, backend: { type: 'string' }, workers: { type: 'string' }, json: { type: 'boolean' }, quiet: { type: 'boolean' } });
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
    const workers = workersFrom(values.workers);
    const threshold = numberFlag(values.threshold, '--threshold', { min: 0, max: 1 });
    const report = await evaluateJob(
      { model: resolveModel(values.model), dataset: datasetSpecFrom(values), split: split as EvaluateSplit, evaluation, ...(backend ? { backend } : {}), ...workers, ...(threshold === undefined ? {} : { threshold }), subgroups: values.subgroups === true },
      { onProgress: progressPrinter(io, values.quiet || values.json) },
    );
    if (values.json) {
      io.stdout(jsonLine(report));
      return 0;
    }
    const r = report as unknown as { metrics: Record<string, unknown>; ci: Record<string, { low: number; high: number }> };
    io.stdout(`${report.model.name} on ${report.dataset} (${report.split}, n = ${report.n}, ${report.evaluation.mode}):`);
    io.stdout(`  ${['aucMacro', 'f1Macro', 'mapMacro', 'gmean', 'accuracy', 'subsetAccuracy'].map((k) => metric(r, k)).join('\n  ')}`);
    for (const [name, c] of Object.entries(report.metrics.perClass)) {
      io.stdout(`  ${name.padEnd(8)} AUC ${c.auc.toFixed(3)}  sens ${c.sensitivity.toFixed(3)}  spec ${c.specificity.toFixed(3)}  threshold ${c.threshold.toFixed(3)}`);
    }
    for (const group of report.subgroups ?? []) {
      const g = group as unknown as { metrics: Record<string, unknown>; ci: Record<string, { low: number; high: number }> };
      io.stdout(`  ${group.name} (n = ${group.n}): ${metric(g, 'aucMacro')}; ${metric(g, 'f1Macro')}`);
    }
    if (report.failed.length > 0) io.stdout(`  ${report.failed.length} records could not be read (first: ${report.failed[0]?.id}: ${report.failed[0]?.message})`);
    return 0;
  },
};
