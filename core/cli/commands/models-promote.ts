import path from 'node:path';
import { siteEvaluationSourceWords, type SiteEvaluation } from '../../contract/evaluation-schemas';
import { recordedOutOfScope, recordedSeenByBase } from '../../contract/training-schemas';
import { Engine } from '../../engine/engine';
import { EinthovenError } from '../../errors';
import { parseCommandArgs } from '../args';
import type { CliIO } from '../command';
import { readManifest } from '../../train/service/models';
import { bundledModelsDir, resolveModel } from './model-path';
import { openCliDataDir } from '../data-folder';
import { jsonLine, textColumn } from '../text-column';

export const promoteUsage = `Usage: ecg models promote MODEL --by NAME --yes [--data-dir DIR] [--json]

Makes MODEL the workstation's default for predictions: a bundled model's folder name (starter),
an installed model's id or name, or its package folder; installed means bundled or in the data
folder's models/. Refused unless MODEL has a locked-test evaluation recorded on this site's data
— run \`ecg evaluate --model MODEL --data DIR --labels CSV --split test --record\` first (a
fine-tuning or site operating point in the app, and \`ecg operating-point\` into the data
folder, record one by themselves). Promoting the previous default again is the rollback.
Prints the model's evaluation beside the current default's; audited under --by.

  --by NAME        who promotes it (kept in the audit log)
  --yes            confirm (without it, nothing changes: the evaluations are shown)
  --data-dir DIR   database folder (default: $EINTHOVEN_DATA_DIR or the OS data folder)`;

/** An engine on the CLI's data folder that also sees the bundled models; `stderr` hears what opening the folder tightened (openCliDataDir). */
export function cliEngine(dataDir: string | undefined, stderr?: (line: string) => void): Engine {
  return new Engine({ dataDir: openCliDataDir(dataDir, stderr), resourcesDir: path.dirname(bundledModelsDir()), shell: 'cli' });
}

function summary(label: string, evaluation: Pick<SiteEvaluation, 'source' | 'n' | 'dataset' | 'metrics' | 'createdAt' | 'unreadable'> | null): string {
  if (!evaluation) return `${label}: no locked-test evaluation on this site's data`;
  const auc = evaluation.metrics.aucMacro;
  // Which job recorded it, as the app's card says it: a promotion's evidence names its origin.
  return `${label}: macro AUC ${typeof auc === 'number' ? auc.toFixed(3) : '—'} on ${evaluation.n} locked test records of ${textColumn(evaluation.dataset.name)} (${textColumn(evaluation.dataset.root)})${unreadableText(evaluation.unreadable)}${outOfScopeText(evaluation.metrics)}${seenByBaseText(evaluation.metrics)}, ${siteEvaluationSourceWords[evaluation.source]}, ${evaluation.createdAt}`;
}

export async function runPromote(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { by: { type: 'string' }, yes: { type: 'boolean' }, 'data-dir': { type: 'string' }, json: { type: 'boolean' } });
  const [model, ...rest] = positionals;
  if (!model) throw new EinthovenError('E_VALIDATION', 'ecg models promote needs the MODEL to promote (see --help)');
  if (rest.length > 0) throw new EinthovenError('E_VALIDATION', `unexpected argument '${rest[0]}'`);
  const engine = cliEngine(values['data-dir'], io.stderr);
  try {
    const listed = await engine.handle('models:list', {});
    if (!listed.ok) throw new EinthovenError(listed.error.code, listed.error.message);
    const { models, defaultModelId } = listed.value as { models: { id: string; name: string; siteEvaluation: Parameters<typeof summary>[1] }[]; defaultModelId: string | null };
    // Named as every command names a model (model-path.ts); promoted only if the app lists it.
    const { id } = await readManifest(await resolveModel(model, values['data-dir']));
    const candidate = models.find((m) => m.id === id);
    if (!candidate) throw new EinthovenError('E_NOT_FOUND', `${model} (${id}) is not installed: only a bundled model or one in the data folder's models/ can be the default`);
    const current = models.find((m) => m.id === defaultModelId);
    if (!values.json) {
      io.stdout(summary(textColumn(candidate.id), candidate.siteEvaluation));
      io.stdout(current ? summary(`current default ${textColumn(current.id)}`, current.siteEvaluation) : 'current default: none');
    }
    if (!values.yes) {
      io.stdout('not promoted: add --yes (and --by NAME) to confirm');
      return 1;
    }
    if (!values.by?.trim()) throw new EinthovenError('E_VALIDATION', '--by NAME is required: who promotes the model is kept in the audit log');
    const promoted = await engine.handle('models:promote', { modelId: candidate.id, promotedBy: values.by, confirmed: true });
    if (!promoted.ok) throw new EinthovenError(promoted.error.code, promoted.error.message);
    io.stdout(values.json ? jsonLine(promoted.value) : `promoted: ${textColumn(candidate.id)} is the default for predictions (previous: ${textColumn((promoted.value as { previousDefaultId: string | null }).previousDefaultId ?? 'none')})`);
    return 0;
  } finally {
    await engine.close();
  }
}

/** The records the recorded figures leave out as outside the model's intended input (kept with its metrics), in words. */
function outOfScopeText(metrics: Record<string, unknown>): string {
  const outOfScope = recordedOutOfScope(metrics);
  return outOfScope ? ` (${outOfScope.count} more outside its intended input, in no figure)` : '';
}

/** A fine-tuning's test records its base saw, left out of its figures (kept with its metrics), in words; nothing where none were. */
function seenByBaseText(metrics: Record<string, unknown>): string {
  const seen = recordedSeenByBase(metrics);
  return seen ? ` (${seen.note})` : '';
}

/** Records of the split left out of the figures because they could not be read; nothing when none were, or none were counted. */
function unreadableText(unreadable: number | null): string {
  return unreadable ? ` (${unreadable} more could not be read and are in no figure)` : '';
}
