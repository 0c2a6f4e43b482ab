import path from 'node:path';
import { EinthovenError } from '../../errors';
import type { Interval } from '../../ml/metrics/index';
import { ensembleJob } from '../../train/ensemble/ensemble-job';
import { parseCommandArgs } from '../args';
import type { CliCommand } from '../command';
import { resolveModel } from './model-path';
import { backendChoices, backendFrom, datasetFlags, datasetSpecFrom, datasetUsage, numberFlag, progressPrinter } from './train-flags';
import { jsonLine, textColumn } from '../text-column';

const f3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '—');
const withCi = (v: number, ci: Interval | undefined) => `${f3(v)}${ci && Number.isFinite(ci.low) ? ` [${f3(ci.low)}, ${f3(ci.high)}]` : ''}`;

export const ensembleCommand: CliCommand = {
  name: 'ensemble',
  summary: 'Build an ensemble package: the mean of several models\' calibrated outputs, its operating point fitted on validation',
  usage: `Usage: ecg ensemble --member A --member B [--member …] --data DIR --out DIR [options]

Writes an ensemble package to --out: the members (copied, each verified by its SHA-256 on every
load), the mean of their calibrated probabilities as the output — every member reads a record with
its own pipeline, input rate and inference, so members may differ in architecture and rate — and
per-class thresholds fitted on the dataset's validation split. The test split is never read.
Prints the ensemble's and every member's validation figures on the same records, and the paired
comparison of the ensemble with its best member (differences with 95 % CIs and p-values). These
are not locked-test figures: the thresholds were tuned on the same records (the output says so,
and --json's "notLockedTest"); the package's result is \`ecg evaluate --split test\`.
The package predicts and evaluates like any other (ecg predict, ecg evaluate [--compare], the app).

  --member M          a member: a package folder or .ecgmodel file, a bundled model name
                      (starter), or an installed model's id or name; two or more
  --out DIR           ensemble package folder to write
  --thresholds T      f1 (default) | youden | fixed (0.5)
  --name TEXT         name in the manifest (default: the folder name)
  --description TEXT  free text stored in the manifest (default: names the members)
  --seed N            bootstrap seed (default 20)
  --backend B         ${backendChoices}
  --json              the result as JSON on stdout

${datasetUsage}`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { ...datasetFlags, member: { type: 'string', multiple: true }, out: { type: 'string' }, thresholds: { type: 'string' }, name: { type: 'string' }, description: { type: 'string' }, seed: { type: 'string' }, backend: { type: 'string' }, json: { type: 'boolean' }, quiet: { type: 'boolean' } });
    if (positionals.length > 0) throw new EinthovenError('E_VALIDATION', `unexpected argument '${positionals[0]}'`);
    const members = values.member ?? [];
    if (members.length < 2) throw new EinthovenError('E_VALIDATION', 'an ensemble needs at least two --member packages');
    if (!values.out) throw new EinthovenError('E_VALIDATION', '--out DIR is required');
    const thresholds = values.thresholds ?? 'f1';
    if (thresholds !== 'f1' && thresholds !== 'youden' && thresholds !== 'fixed') throw new EinthovenError('E_VALIDATION', `--thresholds must be f1, youden or fixed, got '${thresholds}'`);
    const seed = numberFlag(values.seed, '--seed', { integer: true, min: 0 });
    const backend = backendFrom(values.backend);
    const r = await ensembleJob(
      {
        members: await Promise.all(members.map((member) => resolveModel(member))),
        dataset: datasetSpecFrom(values),
        out: path.resolve(values.out),
        thresholds,
        ...(values.name ? { name: values.name } : {}),
        ...(values.description ? { description: values.description } : {}),
        ...(seed === undefined ? {} : { seed }),
        ...(backend ? { backend } : {}),
      },
      { onProgress: progressPrinter(io, values.quiet || values.json) },
    );
    if (values.json) {
      io.stdout(jsonLine(r));
      return 0;
    }
    io.stdout(`ensemble: ${textColumn(r.out)} (${textColumn(r.manifest.id)}), ${r.members.length} members; validation n = ${r.n}:`);
    io.stdout(`  warning: ${textColumn(r.notLockedTest)}`);
    io.stdout(`  ${'ensemble'.padEnd(28)} AUC ${withCi(r.validation.aucMacro, r.validationCi.aucMacro)}  F1 ${withCi(r.validation.f1Macro, r.validationCi.f1Macro)}  MAP ${withCi(r.validation.mapMacro, r.validationCi.mapMacro)}`);
    for (const m of r.members) io.stdout(`  ${textColumn(m.name).slice(0, 28).padEnd(28)} AUC ${withCi(m.metrics.aucMacro, m.ci.aucMacro)}  F1 ${withCi(m.metrics.f1Macro, m.ci.f1Macro)}  MAP ${withCi(m.metrics.mapMacro, m.ci.mapMacro)}`);
    for (const d of r.versusBest.macro) io.stdout(`  ensemble − ${textColumn(r.bestMember)}: ${d.metric} ${d.diff >= 0 ? '+' : ''}${f3(d.diff)} [${f3(d.ci95[0])}, ${f3(d.ci95[1])}], p ${d.p < 0.001 ? '< 0.001' : `= ${d.p.toFixed(3)}`}`);
    return 0;
  },
};
