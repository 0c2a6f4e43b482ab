import path from 'node:path';
import { operatingPointMethodText, rateIntervalWords } from '../../contract/training-schemas';
import { EinthovenError } from '../../errors';
import { operatingPointGoals, operatingPointJob, type OperatingPointGoal, type OperatingPointJobOptions, type OperatingPointJobResult, type RateWithInterval } from '../../train/jobs/operating-point-job';
import type { JobContext } from '../../train/progress';
import { readManifest } from '../../train/service/models';
import { operatingPointResult, signIfKeyed } from '../../train/service/operating-point-result';
import { parseCommandArgs } from '../args';
import type { CliCommand } from '../command';
import { resolveModel } from './model-path';
import { runOnSite } from './site-job';
import { backendChoices, backendFrom, datasetFlags, datasetSpecFrom, datasetUsage, numberFlag, progressPrinter, workersFrom } from './train-flags';
import { openCliDataDir } from '../data-folder';
import { jsonLine, textColumn } from '../text-column';

const f3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '—');
const withCi = (r: RateWithInterval) => `${f3(r.value)} [${f3(r.low)}, ${f3(r.high)}]`;
const threshold = (t: number) => (t >= 1 ? 'never' : f3(t));

/** The warnings on the figures: validation records the model learned (the choice is optimistic), test records it saw (no locked test). */
function overlapWarnings(r: Pick<OperatingPointJobResult, 'trainingOverlap' | 'notLockedTest'>): string[] {
  const validation = r.trainingOverlap.validation.inTraining ? [r.trainingOverlap.validation.note] : [];
  return [...validation, ...(r.notLockedTest ? [r.notLockedTest] : [])].map((w) => `  warning: ${textColumn(w)}`);
}

/** The result as text: what was chosen where, then the locked test beside the base's operating point. */
export function operatingPointLines(r: OperatingPointJobResult): string[] {
  const lines = [
    `new package: ${textColumn(r.manifest.name)} (${textColumn(r.manifest.id)}) in ${textColumn(r.out)}`,
    `  operating point: ${operatingPointMethodText(r.operatingPoint)}, temperature ${f3(r.operatingPoint.temperature)}${r.operatingPoint.calibrationNote ? ` (${textColumn(r.operatingPoint.calibrationNote)})` : ''}`,
    `  base: ${textColumn(r.base.name)} (${textColumn(r.base.id)}): ${operatingPointMethodText(r.base.operatingPoint)}, temperature ${f3(r.base.operatingPoint.temperature)}${r.base.operatingPoint.calibrationNote ? ` (${textColumn(r.base.operatingPoint.calibrationNote)})` : ''}; weights unchanged`,
  ];
  if (r.override) lines.push(`  ${r.override}`);
  // Before any figure, as ecg evaluate says it: records the model learned make the choice optimistic and the test no locked test.
  lines.push(...overlapWarnings(r));
  const test = r.notLockedTest ? 'test' : 'locked test';
  // The figures below cover only the records the model is for.
  for (const [split, o] of [['validation', r.outOfScope.validation], [test, r.outOfScope.test]] as const) if (o.count > 0) lines.push(`  ${split}: ${textColumn(o.note)}`);
  lines.push(`  validation of ${textColumn(r.dataset)} (${r.validation.n} records; ${r.validation.note}):`);
  for (const c of r.perClass) lines.push(`    ${textColumn(c.name).padEnd(8)} threshold ${threshold(c.threshold).padEnd(6)} sensitivity ${f3(c.validation.sensitivity)}  specificity ${f3(c.validation.specificity)}  (${c.validation.positives} positive, ${c.validation.negatives} negative)${c.note ? `  ${textColumn(c.note)}` : ''}`);
  lines.push(`  ${test} (${r.notLockedTest ? 'not a locked test: see the warning above; ' : ''}${r.test.n} records, read once after every choice; 95 % CIs, ${rateIntervalWords}): new vs base's own operating point`);
  for (const c of r.perClass) {
    lines.push(`    ${textColumn(c.name).padEnd(8)} sensitivity ${withCi(c.test.sensitivity)} vs ${withCi(c.baseTest.sensitivity)}   specificity ${withCi(c.test.specificity)} vs ${withCi(c.baseTest.specificity)}   (thresholds ${threshold(c.threshold)} vs ${threshold(c.baseThreshold)})`);
  }
  if (r.failed.length > 0) lines.push(`  ${r.failed.length} records could not be read (first: ${textColumn(r.failed[0]?.id ?? '')}: ${textColumn(r.failed[0]?.message ?? '')})`);
  return lines;
}

/**
 * By default the package goes into the data folder's models/, where the app lists it to every reader: so it
 * is made as the app's own job makes it (train:operating-point): the trainer role, the start and end
 * audited, the new model registered, its locked-test figures recorded as its evaluation on this site's data
 * (what `ecg models promote` asks for) unless the base model saw some of those records, and signed when
 * the site has a key.
 */
async function intoDataFolder(dataDir: string, options: Omit<OperatingPointJobOptions, 'out' | 'modelsDir'>, context: JobContext, say: (line: string) => void): Promise<OperatingPointJobResult> {
  const base = await readManifest(options.model);
  const { dataset, goal, target, name, minValExamples } = options;
  const request = { modelId: base.id, dataset, goal, ...(target === undefined ? {} : { target }), ...(name ? { name } : {}), ...(minValExamples === undefined ? {} : { minValExamples }) };
  return runOnSite(
    { dataDir, channel: 'train:operating-point', kind: 'operating-point', request, say },
    () => operatingPointJob({ ...options, modelsDir: path.join(dataDir, 'models') }, context),
    async (r) => {
      await signIfKeyed(dataDir, r.out);
      return operatingPointResult(r, dataset);
    },
  ).then((r) => {
    // The package is written and listed (its operating point may still be the site's choice), but its test figures are no evidence for a promotion.
    if (r.notLockedTest) say(`not recorded as this site's evaluation of ${textColumn(r.manifest.name)} (ecg models promote needs a locked test): ${textColumn(r.notLockedTest)}`);
    return r;
  });
}

export const operatingPointCommand: CliCommand = {
  name: 'operating-point',
  summary: 'Refit a model\'s operating point on this site\'s validation rows (rule-out, rule-in, F1 or Youden) as a new package',
  usage: `Usage: ecg operating-point --model M --data DIR [--labels CSV] --goal rule-out|rule-in|f1|youden [--target 0.95] [--out DIR] [--json]

Chooses a site operating point for a model package on YOUR population: its temperature and then
its per-class thresholds are refit on the dataset's validation rows only (the labels CSV's split
column, else a seeded patient-level split; PTB-XL: fold 9), by the goal:
  rule-out  the highest threshold whose validation sensitivity ≥ the target (a negative rules out)
  rule-in   the lowest threshold whose validation specificity ≥ the target (a positive rules in)
  f1|youden the F1-optimal or Youden threshold
Decisions are p > threshold. A class whose validation scores show no discrimination is never
flagged; a class with fewer validation positives or negatives than the minimum is refused.
Then the locked test rows are read once, to report: per class sensitivity and specificity with
95 % CIs (each the wider of the bootstrap interval and Wilson's score interval on its counts, of
patients where records name them, as a bootstrap has no width at 0 or 100 %) at the new operating point and at the base package's own,
on the same records. Validation and test records the base model trained or validated on (its
training-record filter, by exact content or by a copy at another sampling rate in the dataset's
folder, as ecg evaluate counts them) are counted: thresholds
chosen on them are optimistic, and test figures on them are no locked test — a warning line names
how many and which, --json says it in "notLockedTest" (null otherwise), and they are not recorded
as this site's evaluation. The package is still written.
Writes a NEW sealed package (the base's weights and topology byte for byte, the new operating
point, provenance naming the base) named "<base name> — rule-out 0.95 (site)" unless --name.

By default the package goes into the data folder's models/, where the app lists it to every
reader, so it is made as the app's "Site operating point" makes it: the trainer role is needed
under a site policy (a refusal is audited), the start and end are audited (operating-point.started,
.finished), the new model is registered and its locked-test figures recorded as its evaluation on
this site's data (what ecg models promote needs; not when the test rows hold records the model
saw: then stderr says so), and it is signed when the site has a key. Ctrl-C
(or SIGTERM) records its end as interrupted and exits 130 (143); a run killed outright gets that
end at the next open of the data folder. With --out it goes where you say, unrestricted and unrecorded, as ecg train's output does.

  --model M             base model: a package folder or .ecgmodel file, a bundled model name
                        (starter), or an installed model's id or name
  --goal G              rule-out | rule-in | f1 | youden
  --target X            rule-out / rule-in: sensitivity / specificity to reach on validation,
                        0.5 to 0.999 (default 0.95)
  --out DIR             package to write (a single file when it ends in .ecgmodel; default:
                        models/<name> in the data folder, where the app lists it); never replaced
  --name TEXT           model name in the manifest
  --min-val-examples N  fewest validation positives and negatives per class (default 3; lower
                        is an override, said in the output and the manifest)
  --data-dir DIR        the data folder of the default --out (its models/ and database)
  --seed N              bootstrap seed (default 20)
  --backend B           ${backendChoices}
  --workers N           worker threads for decoding and inference on wasm/cpu
  --json                one JSON object on stdout

${datasetUsage}

Output (--json): {"out","manifest":{…},"goal","operatingPoint":{"method","target","thresholds","temperature"[,"calibrationNote"]},
"base":{"id","name","operatingPoint"},"dataset","classes","validation":{"n","metrics","ci","note"},
"test":{"n","metrics","ci","calibration"},"baseTest":{"n","metrics","ci"},"perClass":[{"name","threshold","baseThreshold",
"validation":{"positives","negatives","sensitivity","specificity"},"note","test":{"sensitivity":{"value","low","high"},
"specificity":{…}},"baseTest":{…}}],"override","failed","testFailed","outOfScope":{"validation","test"},
"trainingOverlap":{"validation":{"checked","inTraining","note"},"test":{…}},"notLockedTest"}. A threshold of 1 is never flagged. Validation figures
are optimistic (the operating point was chosen on them); test figures are the ones to report, unless "notLockedTest"
says why they are not a locked test. Undefined values are null.`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { ...datasetFlags, model: { type: 'string' }, goal: { type: 'string' }, target: { type: 'string' }, out: { type: 'string' }, name: { type: 'string' }, 'min-val-examples': { type: 'string' }, 'data-dir': { type: 'string' }, seed: { type: 'string' }, backend: { type: 'string' }, workers: { type: 'string' }, json: { type: 'boolean' }, quiet: { type: 'boolean' } });
    if (positionals.length > 0) throw new EinthovenError('E_VALIDATION', `unexpected argument '${positionals[0]}'`);
    if (!values.model) throw new EinthovenError('E_VALIDATION', '--model M is required');
    if (!values.goal) throw new EinthovenError('E_VALIDATION', `--goal is required: one of ${operatingPointGoals.join(', ')}`);
    if (!(operatingPointGoals as readonly string[]).includes(values.goal)) throw new EinthovenError('E_VALIDATION', `--goal must be one of ${operatingPointGoals.join(', ')}, got '${values.goal}'`);
    const goal = values.goal as OperatingPointGoal;
    const target = numberFlag(values.target, '--target', { min: 0.5, max: 0.999 });
    const minValExamples = numberFlag(values['min-val-examples'], '--min-val-examples', { integer: true, min: 1, max: 1_000_000 });
    const seed = numberFlag(values.seed, '--seed', { integer: true, min: 0 });
    const backend = backendFrom(values.backend);
    const model = await resolveModel(values.model, values['data-dir']);
    const dataset = datasetSpecFrom({ ...values, dataset: values.dataset ?? (values.labels ? 'csv' : undefined) });
    const options = {
      model,
      dataset,
      goal,
      ...(target === undefined ? {} : { target }),
      ...(values.name ? { name: values.name } : {}),
      ...(minValExamples === undefined ? {} : { minValExamples }),
      ...(seed === undefined ? {} : { seed }),
      ...(backend ? { backend } : {}),
      ...workersFrom(values.workers),
    };
    const context = { onProgress: progressPrinter(io, values.quiet || values.json) };
    const r = values.out ? await operatingPointJob({ ...options, out: path.resolve(values.out) }, context) : await intoDataFolder(openCliDataDir(values['data-dir'], io.stderr), options, context, (line) => io.stderr(line));
    if (values.json) io.stdout(jsonLine(r));
    else operatingPointLines(r).forEach((line) => io.stdout(line));
    return 0;
  },
};
