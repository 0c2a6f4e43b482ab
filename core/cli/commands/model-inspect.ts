import type { ModelDetail } from '../../contract/clinic-schemas';
import { baseTrainingText, cardDataset, cvFoldText, duplicatesText, fusionFitText, leftOutNotes, lockedTestReadings, modelRecordsText, replacedTestsText, validationWords, weightsTrainedOnText } from '../../contract/model-card-text';
import { counted } from '../../contract/counted';
import { operatingPointMethodText, temperatureText } from '../../contract/training-schemas';
import { modelDetail } from '../../engine/model-detail';
import { EinthovenError } from '../../errors';
import { readManifest } from '../../train/service/models';
import type { CliIO } from '../command';
import { resolveModel } from './model-path';
import { jsonLine, textColumn } from '../text-column';

type Evaluated = ModelDetail['validationDetail'];

const fixed = (v: number | null | undefined, digits = 3) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : '—');

/** Macro AUC and F1 with their bootstrap intervals. */
function headline(e: Evaluated): string {
  const withCi = (key: 'aucMacro' | 'f1Macro') => `${fixed(e.metrics[key])} [${fixed(e.ci[key]?.low)}, ${fixed(e.ci[key]?.high)}]`;
  return `macro AUC ${withCi('aucMacro')}, macro F1 ${withCi('f1Macro')}`;
}

/**
 * What figures leave out, under them as the card and `ecg finetune` say it: the records outside
 * the model's intended input (`ecg evaluate`'s note; the validation's, training's), then those that
 * could not be read; nothing of a count the package did not keep.
 */
function leftOutLines(e: Evaluated, rows: 'test' | 'held-out' | 'validation'): string[] {
  return leftOutNotes(e, rows).map((note) => `  note: ${textColumn(note)}`);
}

/** Where it came from: fine-tuned, a site operating point or a fusion of another package. */
function baseLine(base: NonNullable<ModelDetail['provenance']['base']>): string {
  const named = `${textColumn(base.name)} (${textColumn(base.id)})`;
  if (base.mode === 'operating-point') return `  derived from ${named}: the same weights, only the operating point refit`;
  if (base.mode === 'fusion') return `  fusion of ${named}: its ECG network, with that model's training; the operating point below is the fusion's own`;
  return `  fine-tuned from ${named}, ${base.mode} mode`;
}

/**
 * The package's card as text, from the description the app's Models card shows: its data (a
 * cross-validation fold's held-out rows called so, its duplicates), its operating point and
 * its figures, each named for the rows it was measured on.
 */
export function modelCardLines(d: ModelDetail): string[] {
  const p = d.provenance;
  const point = d.operatingPoint;
  const weights = weightsTrainedOnText(d);
  const lines = [
    `${textColumn(d.name)} (${textColumn(d.id)})${d.demonstration ? ', a demonstration model' : ''}: ${d.architecture}, ${d.params} parameters; classes ${d.classes.map(textColumn).join(', ')}`,
    `  dataset ${textColumn(cardDataset(d).name)}: ${textColumn(modelRecordsText(d))}`,
    ...(weights ? [`  weights trained on ${textColumn(weights)}`] : []),
    `  split: ${textColumn(p.split)}`,
    ...(d.fusion?.rows ? [`  ${textColumn(fusionFitText(d.fusion.rows))}`] : []),
    `  duplicates: ${textColumn(duplicatesText(p.duplicates, p.duplicatesUnchecked))}`,
    ...(p.base ? [baseLine(p.base)] : []),
    ...(p.base && p.baseTraining ? [`  base's training: ${textColumn(baseTrainingText(p.base, p.baseTraining))}`] : []),
    `  operating point: ${operatingPointMethodText(point)}, ${textColumn(temperatureText(point))}, thresholds ${Object.entries(point.thresholds).map(([c, t]) => `${textColumn(c)} ${fixed(t)}`).join(', ')}`,
  ];
  if (d.cvFold) {
    lines.push(`  ${textColumn(cvFoldText(d.cvFold, d.test !== null))}`);
    const { heldOut } = d.cvFold;
    if (heldOut) lines.push(`  held-out rows of cross-validation fold ${d.cvFold.fold} (${counted(heldOut.n, 'record')}; not a locked test): ${headline(heldOut)}`, ...leftOutLines(heldOut, 'held-out'));
  }
  lines.push(...(d.test ? [`  locked test (${counted(d.test.n, 'record')}): ${headline(d.test)}`, ...leftOutLines(d.test, 'test')] : ['  no locked-test evaluation of its own']));
  // A fine-tuning's closing figures that are none: shown, for the record, under their warning.
  if (d.testNotLocked) lines.push(`  test, not a locked test (${counted(d.testNotLocked.n, 'record')}): ${headline(d.testNotLocked)}`, ...leftOutLines(d.testNotLocked, 'test'), `  warning: ${textColumn(d.testNotLocked.note)}`);
  // A locked test read more than once: said under its figures, as the card says it.
  // Earlier figures that were no locked test are said for the record, not warned of as a reading.
  if (d.replacedTests) lines.push(`  ${lockedTestReadings(d.replacedTests) > 1 ? 'WARNING' : 'note'}: ${textColumn(replacedTestsText(d.replacedTests))}`);
  // Under them, as ecg train and ecg finetune print it: the validation records the epoch and operating point were not chosen on.
  lines.push(`  ${validationWords(p.selectedOnTest === true, d.validationDetail.n)}: ${headline(d.validationDetail)}`, ...leftOutLines(d.validationDetail, 'validation'));
  return lines;
}

/** `ecg model inspect MODEL [--json]`: reads the manifest (seal checked, weights not loaded). */
export async function runInspect(positionals: readonly string[], json: boolean | undefined, io: CliIO): Promise<number> {
  const [model, ...rest] = positionals;
  if (!model || rest.length > 0) throw new EinthovenError('E_VALIDATION', 'inspect needs one MODEL (see ecg model --help)');
  const location = await resolveModel(model);
  const detail = modelDetail({ manifest: await readManifest(location), location, bundled: false });
  if (json) io.stdout(jsonLine(detail));
  else for (const line of modelCardLines(detail)) io.stdout(line);
  return 0;
}
