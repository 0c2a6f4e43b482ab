import path from 'node:path';
import { EinthovenError } from '../../errors';
import { fuseJob } from '../../train/pe/fuse-job';
import { parseCommandArgs } from '../args';
import type { CliCommand } from '../command';
import { resolveModel } from './model-path';
import { backendChoices, backendFrom, datasetFlags, datasetSpecFrom, datasetUsage, numberFlag, progressPrinter } from './train-flags';
import { jsonLine, textColumn } from '../text-column';

export const peFuseCommand: CliCommand = {
  name: 'pe-fuse',
  summary: 'Fit a PE fusion model: the ECG model’s logit plus clinical score items (logistic regression)',
  usage: `Usage: ecg pe-fuse --model M --data DIR --labels CSV --out DIR [--with-d-dimer] [--name TEXT] [--seed N] [--json]

Fits two logistic regressions on the training rows of a PE dataset whose labels CSV carries the
clinical score items (README, "Hospital labels CSV"): the fusion model (the ECG model's logit plus
Wells' items: signs of DVT, PE most likely, heart rate > 100, immobilisation/surgery, previous
VTE, haemoptysis, cancer) and the same items without the ECG (the site's score-based pre-test
probability). Both are temperature-scaled and thresholded (Youden) on the validation rows; rows
lacking an item are left out and counted. The test split is never read: evaluate the result once
with \`ecg evaluate --model OUT --split test\`, which reports it beside the ECG model and each score.

The output is an ordinary model package (the ECG network's own weights, a \`fusion\` block in its
manifest), versioned and registered like any other.

  --model M            the ECG-only PE package (one output)
  --out DIR            package folder to write
  --with-d-dimer       also use log10 D-dimer (every row then needs a D-dimer, in d_dimer_ng_ml_feu,
                       d_dimer_mg_l_feu or d_dimer_ug_ml_feu; one of 20–100 in d_dimer_ng_ml_feu
                       needs d_dimer_ng_ml_feu_confirmed yes, as it may be mg/L FEU given as ng/mL)
  --name TEXT          model name (default: the ECG model's name + '-fusion')
  --seed N             bootstrap seed of the validation AUC intervals (default 20), recorded in the
                       package's fusion block and printed with them
  --backend B          ${backendChoices}
  --json               the manifest as one JSON object on stdout

${datasetUsage}`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { ...datasetFlags, model: { type: 'string' }, out: { type: 'string' }, name: { type: 'string' }, 'with-d-dimer': { type: 'boolean' }, seed: { type: 'string' }, backend: { type: 'string' }, json: { type: 'boolean' }, quiet: { type: 'boolean' } });
    if (positionals.length > 0) throw new EinthovenError('E_VALIDATION', `unexpected argument '${positionals[0]}'`);
    if (!values.model) throw new EinthovenError('E_VALIDATION', '--model M is required');
    if (!values.out) throw new EinthovenError('E_VALIDATION', '--out DIR is required');
    if (!values.labels) throw new EinthovenError('E_VALIDATION', '--labels CSV is required (the score items are columns of it)');
    const backend = backendFrom(values.backend);
    const seed = numberFlag(values.seed, '--seed', { integer: true, min: 0 });
    const manifest = await fuseJob(
      { model: await resolveModel(values.model), dataset: datasetSpecFrom({ ...values, dataset: 'csv' }), out: path.resolve(values.out), withDDimer: values['with-d-dimer'] === true, ...(values.name ? { name: values.name } : {}), ...(seed === undefined ? {} : { seed }), ...(backend ? { backend } : {}) },
      { onProgress: progressPrinter(io, values.quiet || values.json) },
    );
    if (values.json) {
      io.stdout(jsonLine(manifest));
      return 0;
    }
    const f = manifest.fusion;
    const auc = (v: { auc: number | null; low: number | null; high: number | null }) => `${v.auc?.toFixed(3) ?? '–'} [${v.low?.toFixed(3) ?? '–'}, ${v.high?.toFixed(3) ?? '–'}]`;
    io.stdout(`${textColumn(manifest.id)} written to ${textColumn(values.out)}: fused on ${f?.rows.train} training rows (${f?.rows.trainSkipped} lacked an item), calibrated on ${f?.rows.val}`);
    if (f) io.stdout(`  validation AUC: fusion ${auc(f.fused.validation)}, score items only ${auc(f.pretest.validation)} (95 % intervals, bootstrap seed ${f.seed ?? 20}) — evaluate on the locked test split with ecg evaluate --split test`);
    return 0;
  },
};
