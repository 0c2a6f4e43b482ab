import type { ChannelName } from '../../contract/channels';
import { databaseError, EinthovenError } from '../../errors';
import { compareJob } from '../../train/jobs/compare-job';
import { evaluateJob, evaluateSplits, type EvaluateSplit, type EvaluationReport } from '../../train/jobs/evaluate-job';
import type { EvalOptions } from '../../train/predict';
import { attachTestReport } from '../../train/package/io';
import { attachedJson, attachedLines, attachOptions, planAttach, type AttachPlan } from './evaluate-attach';
import type { PeComparison, RateWithCi } from '../../train/pe/comparison';
import { delongMethodText } from '../../ml/metrics/paired';
import { parseCommandArgs } from '../args';
import type { CliCommand, CliIO } from '../command';
import { comparisonLines, evaluationLines, subgroupLines } from './evaluate-print';
import { withOutOfScope } from '../../contract/training-schemas';
import { outOfScopeSummary } from '../../train/evaluation-scope';
import { cliEngine } from './models-promote';
import { resolveModel } from './model-path';
import { workersFrom, backendChoices, backendFrom, datasetFlags, datasetSpecFrom, datasetUsage, numberFlag, progressPrinter } from './train-flags';
import { jsonLine, textColumn } from '../text-column';
import { listed } from '../../contract/counted';

/** Refuses (E_FORBIDDEN, audited) what the site policy does not give this account (core/engine/site-policy.ts). */
async function authorizeOnSite(dataDir: string | undefined, channel: ChannelName, stderr: CliIO['stderr']): Promise<void> {
  const engine = cliEngine(dataDir, stderr);
  try {
    engine.authorize(channel);
  } catch (error) {
    throw databaseError(engine.databaseFile, error);
  } finally {
    await engine.close();
  }
}

/**
 * Keeps a locked-test evaluation in the workstation's database (model_evaluations), audited, under
 * `modelId`: the package's id as it is now (after --attach, its new one).
 */
async function recordOnSite(dataDir: string | undefined, modelId: string, report: EvaluationReport, dataset: { root: string; labels?: string }): Promise<void> {
  const engine = cliEngine(dataDir);
  try {
    await engine.ledger.recordEvaluation({
      modelId,
      source: 'evaluate',
      dataset: { name: report.dataset, root: dataset.root, labels: dataset.labels ?? null },
      n: report.n,
      metrics: withOutOfScope(report.metrics, outOfScopeSummary(report.outOfScope)),
      ci: report.ci,
      comparison: null,
      calibration: report.calibration,
      unreadable: report.failed.length,
      actor: 'cli',
    });
  } catch (error) {
    // Outside the engine's dispatch: a SQLite error names the database file, not "the Einthoven database".
    throw databaseError(engine.databaseFile, error);
  } finally {
    await engine.close();
  }
}

const fixed = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '–');
const rate = (r: RateWithCi) => `${fixed(r.value)} [${fixed(r.low)}, ${fixed(r.high)}] (${r.k}/${r.n})`;

/**
 * The Fig. 3 comparison as text: each curve's AUC with its CI and DeLong test against the model
 * (saying whether it was clustered by patient or took records as independent), each operating
 * point's rates.
 */
export function printPeComparison(c: PeComparison, out: (line: string) => void): void {
  out(`  PE: ECG model vs clinical scores on the ${c.split} split (n = ${c.n}, ${c.positives} PE); 95 % CIs: AUC bootstrap (the headline's resamples, restricted to each curve's records) widened to cover Newcombe's, rates Wilson (on patients where records name them)`);
  for (const s of c.scoreSources) out(`  score items' source (pe_scores_source): ${textColumn(s.source)}, ${s.records} of ${c.n} records`);
  for (const curve of c.curves) {
    const versus = curve.vsModel ? `; vs ECG model ΔAUC ${fixed(curve.vsModel.diff)} [${fixed(curve.vsModel.ci95[0])}, ${fixed(curve.vsModel.ci95[1])}], p ${curve.vsModel.p.toPrecision(2)} (n = ${curve.vsModel.n}; ${delongMethodText(curve.vsModel.unit)})` : curve.vsModelUntested ? `; vs ECG model not tested: ${textColumn(curve.vsModelUntested)}` : '';
    const provenance = curve.provenance ? `, ${curve.provenance.items} from items, ${curve.provenance.total} from totals` : '';
    out(`  ${textColumn(curve.name)} (${curve.kind}, n = ${curve.n}${provenance}): AUC ${fixed(curve.auc)} [${fixed(curve.aucCi.low)}, ${fixed(curve.aucCi.high)}]${versus}`);
    for (const op of curve.operatingPoints) out(`    ${textColumn(op.label)}: sens ${rate(op.sensitivity)}  spec ${rate(op.specificity)}  PPV ${rate(op.ppv)}  NPV ${rate(op.npv)}`);
  }
  if (c.absent.length > 0) out(`  no values for: ${c.absent.map(textColumn).join(', ')}`);
}

/** The flags that keep one model's locked-test evaluation (in its package, or on this site's data) and what goes with keeping it. */
const keepingFlags = ['attach', 'record', 'sign', 'replace-test'] as const;

/**
 * Why --compare refuses the flags that keep an evaluation: it keeps none, so they would be ignored,
 * and a run that ends without a word would read as a package attached, signed or recorded.
 */
function compareRefusal(values: Partial<Record<(typeof keepingFlags)[number], boolean>>): EinthovenError | undefined {
  const given = keepingFlags.filter((flag) => values[flag] === true).map((flag) => `--${flag}`);
  if (given.length === 0) return undefined;
  return new EinthovenError(
    'E_VALIDATION',
    `--compare compares two models on the same records and keeps neither's evaluation: ${listed(given)} (which keep one model's locked-test evaluation, in its package or on this site's data) would do nothing with it. Run them without --compare: ecg evaluate --model M --split test ${given.join(' ')}`,
  );
}

export const evaluateCommand: CliCommand = {
  name: 'evaluate',
  summary: 'Evaluate a model package on a dataset split, with bootstrap 95 % CIs',
  usage: `Usage: ecg evaluate --model M --data DIR [--dataset ptbxl|cpsc|cinc|csv [--labels CSV]] [--split all|train|val|test] [--json]
       ecg evaluate --model A --compare B --data DIR [...]   (paired comparison of two models)

Runs the package's own preprocessing, inference mode and operating point (temperature and
per-class thresholds) on one split (default: test) and prints the metrics with bootstrap 95 %
confidence intervals (1000 resamples, seeded; stratified so every class keeps positives and
negatives in every resample; by patient where the dataset has patient ids, and then both
analytic intervals below count patients, not records); a class's
sensitivity, specificity, PPV and NPV (PPV and NPV in --json) get the wider of that and Wilson's
score interval on its counts, as a bootstrap has no width at 0 or 100 %; a class's AUC gets the
wider of that and Newcombe's score-type interval on its positives and negatives (Stat Med 2006,
method 5), as a bootstrap has no width at AUC 1 or 0 (a one-class macro AUC alike; a macro over
several classes keeps the bootstrap's, widened by the variance its classes' bootstraps lacked).
Every macro figure says how many classes it averages over and which it leaves out; every class
gets an AUC interval.

  --model M            a package folder or .ecgmodel file, a bundled model name (starter), or
                       an installed model's id or name (bundled, or in the data folder's models/)
  --split S            all | train | val | test (default test)
  --eval centre|windows  override the package's inference mode (refused for an ensemble, whose
                       members read with their own; so are --stride and --aggregate)
  --stride N           windows: stride in samples
  --aggregate mean|max windows: how window outputs combine
  --threshold X        decide at X for every class instead of the package's tuned thresholds
                       (0.5 reproduces the paper's rule, for comparison with its tables)
  --compare B          compare with model B on the same records: per class and macro, the
                       differences A − B (AUC, F1 at each model's own thresholds, MAP) with
                       paired-bootstrap 95 % CIs and p-values, and DeLong's test per class AUC
                       (clustered by patient, Obuchowski 1997, where records name patients);
                       it keeps nothing, so --attach, --record, --sign and --replace-test are
                       refused with it
  --resamples N        bootstrap resamples of --compare (default 1000)
  --subgroups          also report metrics per sex and age band (< 40, 40–64, ≥ 65) where the
                       dataset lists them (PTB-XL), at the same operating point; each macro
                       figure over the classes defined in the subgroup (F1: those with
                       positives there), saying which
  --paper-exact        one-output tasks: headline F1 is the paper's mean over both classes
                       (default: the package's own protocol); both F1s are always reported
  --record             record this locked-test evaluation in the workstation's database as
                       an evaluation on this site's data (what \`ecg models promote\` needs);
                       --split test only, an installed model (bundled or in --data-dir's models/)
  --data-dir DIR       with --record: the database folder; with --attach: the data folder whose
                       installed models and database are checked (default: the default folder)
  --attach             write this evaluation into the package's manifest as its locked-test
                       figures (provenance.test; --split test only, a package folder only), only
                       on the package's own locked test: the test split of the data it was trained
                       on (a site operating point's: of the site data it was chosen on), as its
                       index digest shows; one made before it kept that digest is refused. The
                       manifest is resealed, so the package gets a new id (printed; --json
                       "attached": {"id","previousId"}); with --record the evaluation is recorded
                       under that new id, and the package must be the installed one. An installed
                       package whose present id this site's database keeps an evaluation or the
                       default (or previous default) under is refused before anything runs: they
                       would name no installed model; attach to a copy outside models/ instead.
                       A signed package is refused without --sign: its signature covers the
                       manifest, and would otherwise be dropped
  --sign               with --attach: sign the resealed package with this installation's key
                       (the data folder's keys/, as \`ecg package seal --sign\`); the output says who
                       signed it, or that it is not signed (--json "attached": "signedBy",
                       "previousSignedBy")
  --replace-test       with --attach: replace the test figures the package already has (an earlier
                       attach, a fine-tuning's closing evaluation), which is refused without it, as
                       a locked test is read once; the output says what was replaced (n, macro AUC;
                       --json "attached": "replaced"), and the package keeps it (with a fine-tuning's
                       comparison with its base, made on it) in provenance.replacedTests, which its
                       card and \`ecg model inspect\` show as a warning
  --backend B          ${backendChoices}
  --workers N          worker threads for decoding and inference on wasm/cpu (default: cores − 1)
  --json               one JSON object on stdout

Only records within the model's intended input are scored, as predict abstains on the others (a
rate below the model's, a missing lead, too short, a patient outside its age range — the dataset's
age where it lists one — pacing, non-ECG channels): the output counts them by reason and says the
figures cover only the rest (--json "outOfScope"; --record keeps it); none left: refused.

Figures on --split val, train or all are not locked-test figures (the epoch, temperature and
thresholds were chosen on validation; the model was fitted on training): the output says so in a
warning line, and --json in "notLockedTest" (null on the test split, unless it holds records the
model trained or validated on: counted and named there; or whether it does cannot be checked, as
the model, or a base it was fine-tuned from, keeps no record of its training records and the data
is not the test split of its own training data; --attach and --record refuse it, after printing the
figures, marked as not kept, so they need not be evaluated again without the flags).

A PE fusion package (ecg pe-fuse) is evaluated by its own output: the headline figures, and what
--record and --attach keep, are the fused probability's at the fusion's operating point, on the
records whose labels CSV has every score item it needs; its ECG network's figures are printed
(and in --json "fusion".ecgOnly) under its base model's name. Without the score items it is refused.

A one-output (PE) model on a labels CSV that carries clinical score items or totals (README,
"Hospital labels CSV") is also compared with each score on the same records — the paper's
Fig. 3: AUC with CI for the model, each score (and the fusion model of a pe-fuse package), each
score's sensitivity, specificity, PPV and NPV at its standard cut-offs, and DeLong's paired test
of each AUC against the model's: clustered by patient (Obuchowski 1997) where every record names
its patient, several ECGs of one patient not being independent; otherwise records are taken as
independent, and the line says which. Run it on the locked test split once, after all choices are made.

${datasetUsage}

Output (--json): {"n","classes","metrics":{"accuracy","subsetAccuracy","f1Macro","mapMacro","gmean",
"gmeanPaper","aucMacro","perClass":{class:{…}}},"ci":{metric:{"low","high"}},"split","dataset","datasetSha256","model",
"evaluation","failed","outOfScope":{"count","byReason","example","note"},"notLockedTest",
"calibration":{class:{"n","positives","brier","ece","eceIfCalibrated":{"mean","p95"},"bins":[{"lo","hi","n","meanPredicted","observed"}]}},
"trainingOverlap":{"checked","inTraining","note"[,"members":[{"name","checked","inTraining","note"}]]}[,"fusion":{"baseModel","unscored":{"count","firstReason"},"ecgOnly":{"n","operatingPoint","metrics","ci"}}][,"subgroups":[{"name","n","metrics":{…,"perClass","averaging"},"ci"}]][,"peComparison":{"n","positives","split",
"curves":[{"id","name","kind","n","auc","aucCi","roc","operatingPoints","vsModel":{…,"unit":"patient"|"record"},"provenance"}],"absent",
"scoreSources":[{"source","records"}]}]}.
accuracy is per-label (Hamming); gmean is Eq. 2 per class, macro;
gmeanPaper is the paper code's √(macro recall × micro specificity). One-output tasks add "f1Positive"
(the positive class's F1) and "f1TwoClassMean" (the paper's mean over both classes); f1Macro is the
former, or the latter with --paper-exact. ci also holds "<class>.<sensitivity|specificity|ppv|npv|f1|auc>".
Undefined values are null.
metrics.averaging.{aucMacro,…} = {"over","leftOut"}; ci["auc:CLASS"] is each class's AUC interval.
--compare --json: {"n","classes","perClass":[{"name","positives","aucA","aucB","delong":{"diff","se","z","p","ci95"},
"auc":{"diff","ci95","p"},"f1A","f1B","f1":{…}}],"macro":[{"metric","a","b","diff","ci95","p","over","leftOut"}],
"bootstrap","split","dataset","modelA","modelB","leftOut"}.`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { ...datasetFlags, model: { type: 'string' }, split: { type: 'string' }, eval: { type: 'string' }, stride: { type: 'string' }, aggregate: { type: 'string' }, threshold: { type: 'string' }, subgroups: { type: 'boolean' }, compare: { type: 'string' }, resamples: { type: 'string' }, attach: { type: 'boolean' }, sign: { type: 'boolean' }, 'replace-test': { type: 'boolean' }, record: { type: 'boolean' }, 'data-dir': { type: 'string' }, 'paper-exact': { type: 'boolean' }, backend: { type: 'string' }, workers: { type: 'string' }, json: { type: 'boolean' }, quiet: { type: 'boolean' } });
    if (positionals.length > 0) throw new EinthovenError('E_VALIDATION', `unexpected argument '${positionals[0]}'`);
    if (!values.model) throw new EinthovenError('E_VALIDATION', '--model M is required');
    const split = values.split ?? 'test';
    if (!(evaluateSplits as readonly string[]).includes(split)) throw new EinthovenError('E_VALIDATION', `--split must be one of ${evaluateSplits.join(', ')}, got '${split}'`);
    if (values.eval && values.eval !== 'centre' && values.eval !== 'windows') throw new EinthovenError('E_VALIDATION', `--eval must be centre or windows, got '${values.eval}'`);
    if (values.aggregate && values.aggregate !== 'mean' && values.aggregate !== 'max') throw new EinthovenError('E_VALIDATION', `--aggregate must be mean or max, got '${values.aggregate}'`);
    const refused = values.compare ? compareRefusal(values) : undefined;
    if (refused) throw refused;
    const stride = numberFlag(values.stride, '--stride', { integer: true, min: 1 });
    const evaluation: Partial<EvalOptions> = {
      ...(values.eval ? { mode: values.eval as EvalOptions['mode'] } : {}),
      ...(stride ? { stride } : {}),
      ...(values.aggregate ? { aggregate: values.aggregate as 'mean' | 'max' } : {}),
    };
    if ((values.attach || values.record) && (split !== 'test' || values.threshold !== undefined || values.eval || values.stride || values.aggregate)) {
      throw new EinthovenError('E_VALIDATION', '--attach and --record keep a locked-test evaluation at the package\'s own operating point and inference: use it with --split test and without --threshold, --eval, --stride or --aggregate');
    }
    if (values.sign && !values.attach) throw new EinthovenError('E_VALIDATION', '--sign signs the package --attach reseals: use it with --attach');
    if (values['replace-test'] && !values.attach) throw new EinthovenError('E_VALIDATION', '--replace-test lets --attach replace the test figures a package has: use it with --attach');
    // A locked-test figure kept on site is what the app shows as the model's quality: a trainer's to
    // record. Checked before the evaluation runs, not after, so a refused account learns it at once.
    if (values.record) await authorizeOnSite(values['data-dir'], 'models:evaluate', io.stderr);
    const backend = backendFrom(values.backend);
    const workers = workersFrom(values.workers);
    const threshold = numberFlag(values.threshold, '--threshold', { min: 0, max: 1 });
    if (values.compare) {
      if (threshold !== undefined || values.subgroups) throw new EinthovenError('E_VALIDATION', '--compare uses each model\'s own operating point and the whole split: no --threshold or --subgroups');
      const resamples = numberFlag(values.resamples, '--resamples', { integer: true, min: 100, max: 100_000 });
      const comparison = await compareJob(
        { model: await resolveModel(values.model, values['data-dir']), other: await resolveModel(values.compare, values['data-dir']), dataset: datasetSpecFrom(values), split: split as EvaluateSplit, evaluation, ...(backend ? { backend } : {}), ...(resamples ? { resamples } : {}) },
        { onProgress: progressPrinter(io, values.quiet || values.json) },
      );
      if (values.json) io.stdout(jsonLine(comparison));
      else comparisonLines(comparison).forEach((line) => io.stdout(line));
      return 0;
    }
    if (values.resamples) throw new EinthovenError('E_VALIDATION', '--resamples applies to --compare');
    const model = await resolveModel(values.model, values['data-dir']);
    const attachFlags = { record: values.record === true, sign: values.sign === true, replaceTest: values['replace-test'] === true, dataDir: values['data-dir'] };
    // Refused before the evaluation runs, so nothing is written and no time is spent on a refusal.
    const plan: AttachPlan | undefined = values.attach ? await planAttach(model, attachFlags, io.stderr) : undefined;
    // Attaching to an installed package changes the figures its card shows on this site, and its id: a trainer's, as --record is.
    if (plan?.installedIn !== undefined && !values.record) await authorizeOnSite(values['data-dir'], 'models:evaluate', io.stderr);
    const report = await evaluateJob(
      { model, dataset: datasetSpecFrom(values), split: split as EvaluateSplit, evaluation, ...(backend ? { backend } : {}), ...workers, ...(threshold === undefined ? {} : { threshold }), subgroups: values.subgroups === true, ...(values['paper-exact'] ? { paperExact: true } : {}) },
      { onProgress: progressPrinter(io, values.quiet || values.json) },
    );
    // A --paper-exact package's test split chose its epoch: kept as its locked test, it would pass the promotion gate.
    if ((values.attach || values.record) && report.notLockedTest) {
      // The figures are shown before the refusal, marked as not kept: the evaluation need not be run again without the flags to read them.
      printReport(report, io, values.json === true);
      if (!values.json) io.stdout(`  not kept: ${[values.attach ? 'not attached to the package' : '', values.record ? "not recorded as this site's evaluation" : ''].filter(Boolean).join(', ')}`);
      throw new EinthovenError('E_VALIDATION', `--attach and --record keep a locked-test evaluation; this is none (${report.notLockedTest})`);
    }
    // Checked again just before the write: the site's database may have come to keep something under the present id while the evaluation ran.
    if (plan) await planAttach(model, attachFlags, io.stderr);
    const attached = plan ? await attachTestReport(model, report, attachOptions(plan)) : undefined;
    // Recorded under the id the package has now: the one the engine finds it by once attached.
    if (values.record) await recordOnSite(values['data-dir'], attached?.id ?? report.model.id, report, datasetSpecFrom(values));
    if (values.json) {
      io.stdout(jsonLine(plan && attached ? { ...report, attached: attachedJson(plan, attached) } : report));
      return 0;
    }
    printReport(report, io, false);
    if (plan && attached) attachedLines(plan, attached, values.record === true).forEach((line) => io.stdout(line));
    return 0;
  },
};

/** The evaluation's figures as printed: one --json line, or the text lines. */
function printReport(report: EvaluationReport, io: CliIO, json: boolean): void {
  if (json) {
    io.stdout(jsonLine(report));
    return;
  }
  evaluationLines(report).forEach((line) => io.stdout(line));
  if (report.metrics.f1Positive !== undefined) {
    const f1 = (key: 'f1Positive' | 'f1TwoClassMean') => `${(report.metrics[key] ?? Number.NaN).toFixed(3)} [${(report.ci[key]?.low ?? Number.NaN).toFixed(3)}, ${(report.ci[key]?.high ?? Number.NaN).toFixed(3)}]`;
    io.stdout(`  one output: F1 ${f1('f1Positive')} (positive class); F1 ${f1('f1TwoClassMean')} (mean of both classes, the paper's Table 3)`);
  }
  subgroupLines(report.subgroups ?? []).forEach((line) => io.stdout(line));
  if (report.peComparison) printPeComparison(report.peComparison, io.stdout);
  if (report.failed.length > 0) io.stdout(`  ${report.failed.length} records could not be read (first: ${textColumn(report.failed[0]?.id ?? '')}: ${textColumn(report.failed[0]?.message ?? '')})`);
}
