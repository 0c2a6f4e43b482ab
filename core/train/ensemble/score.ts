import type { DatasetItem } from '../../data/types';
import { EinthovenError } from '../../errors';
import type { EvalOptions } from '../predict';
import { scoreItems, type ScoreOptions, type ScoredItems } from '../jobs/score-items';
import type { JobContext } from '../progress';
import { predictRecord, type Prediction, type PredictionInput } from '../predictor';
import { operatingPointByClass } from '../package/manifest';
import { isEnsemble, type LoadedEnsemble, type LoadedModel } from './package';

/** Mean of the members' calibrated probabilities, per class. */
function meanRows(rows: readonly (readonly number[])[]): number[] {
  const c = rows[0]?.length ?? 0;
  return Array.from({ length: c }, (_, j) => rows.reduce((s, r) => s + (r[j] as number), 0) / rows.length);
}

/**
 * One record's prediction by a single model or an ensemble. An ensemble asks every member (each
 * through its own quality gate, pipeline, inference and temperature), abstains when any member
 * abstains (saying which and why), and otherwise decides the mean of their calibrated
 * probabilities at its own operating point.
 */
export async function predictModel(loaded: LoadedModel, input: PredictionInput): Promise<Prediction> {
  if (!isEnsemble(loaded)) return predictRecord(loaded, input);
  return predictEnsemble(loaded, input);
}

async function predictEnsemble(loaded: LoadedEnsemble, input: PredictionInput): Promise<Prediction> {
  const { manifest } = loaded;
  const members: Prediction[] = [];
  for (const m of loaded.members) members.push(await predictRecord(m, input));
  const base = {
    model: { id: manifest.id, name: manifest.name, demonstration: manifest.demonstration },
    operatingPoint: operatingPointByClass(manifest.operatingPoint, manifest.classes),
    researchUseOnly: true as const,
  };
  const abstaining = members.findIndex((p) => p.abstained);
  if (abstaining >= 0) {
    const p = members[abstaining] as Prediction;
    return { ...base, quality: p.quality, scope: p.scope, probabilities: null, decisions: null, abstained: true, reason: `ensemble member ${p.model.name}: ${p.reason ?? 'abstained'}` };
  }
  const probs = meanRows(members.map((p) => manifest.classes.map((c) => (p.probabilities as Record<string, number>)[c] as number)));
  const worst = members.find((p) => p.quality.verdict !== 'good') ?? (members[0] as Prediction);
  return {
    ...base,
    quality: worst.quality,
    // In scope for every member (none abstained); what none could check is said once.
    scope: { reasons: [], notes: [...new Set(members.flatMap((p) => p.scope.notes))] },
    probabilities: Object.fromEntries(manifest.classes.map((c, j) => [c, probs[j] as number])),
    decisions: Object.fromEntries(manifest.classes.map((c, j) => [c, (probs[j] as number) > (manifest.operatingPoint.thresholds[j] as number)])),
    abstained: false,
    reason: null,
  };
}

/**
 * Calibrated probabilities of a single model or an ensemble on dataset items. An ensemble scores
 * the records every member could read (each with its own preprocessing and inference), averaging
 * the members' calibrated probabilities.
 */
export async function scoreModelItems(loaded: LoadedModel, items: readonly DatasetItem[], options: ScoreOptions, context: JobContext = {}): Promise<ScoredItems> {
  if (!isEnsemble(loaded)) return scoreItems(loaded, items, options, context);
  // Each member reads with its own inference: an override of the mode would not mean the same for
  // all, so none is applied, and one asked for is refused rather than dropped (the figures would
  // otherwise be reported as if made with it).
  refuseEnsembleOverride(loaded.manifest.name, options.evaluation);
  const scored = [];
  for (const member of loaded.members) scored.push(await scoreItems(member, items, { ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}), ...(options.pool ? { pool: options.pool } : {}) }, context));
  const rows = scored.map((s) => new Map(s.kept.map((item, k) => [item.id, s.probs[k] as number[]])));
  const kept = (scored[0] as ScoredItems).kept.filter((item) => rows.every((r) => r.has(item.id)));
  const probs = kept.map((item) => meanRows(rows.map((r) => r.get(item.id) as number[])));
  const failed = [...new Map(scored.flatMap((s) => s.failed).map((f) => [f.id, f])).values()];
  return { kept, probs, evaluation: (scored[0] as ScoredItems).evaluation, failed, contentHashes: (scored[0] as ScoredItems).contentHashes, profiles: (scored[0] as ScoredItems).profiles };
}

/** An ensemble's members read records with their own inference: an override (--eval, --stride, --aggregate) is refused, naming what was given. */
function refuseEnsembleOverride(name: string, evaluation: Partial<EvalOptions> | undefined): void {
  const given = (['mode', 'stride', 'aggregate'] as const).filter((key) => evaluation?.[key] !== undefined);
  if (given.length === 0) return;
  const flags = given.map((key) => (key === 'mode' ? '--eval' : `--${key}`)).join(', ');
  throw new EinthovenError('E_VALIDATION', `${name} is an ensemble: each member reads a record with its own inference (its package's), which ${flags} cannot override for all of them; evaluate without ${flags}, or evaluate a member (members/NN in its folder) with it`);
}
