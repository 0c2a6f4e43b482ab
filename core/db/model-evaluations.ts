import type { BaseComparison, CalibrationByClass, SiteEvaluation } from '../contract/evaluation-schemas';
import { EinthovenError } from '../errors';
import type { Db } from './database';
import { withWidenedIntervals } from '../ml/metrics/stored-rates';

/** An evaluation to record: a model's locked-test figures on this site's data. */
export interface NewEvaluation {
  readonly modelId: string;
  readonly weightsSha256: string;
  readonly source: SiteEvaluation['source'];
  readonly dataset: SiteEvaluation['dataset'];
  readonly n: number;
  readonly metrics: Record<string, unknown>;
  readonly ci: SiteEvaluation['ci'];
  readonly comparison: BaseComparison | null;
  /** Per class, the probabilities' calibration on the same records; null when the evaluation did not measure it. */
  readonly calibration: CalibrationByClass | null;
  /** Records of the split that could not be read, so in no figure; null when the evaluation did not count them. */
  readonly unreadable: number | null;
  readonly actor: string;
}

interface EvaluationRow {
  id: number;
  model_id: string;
  source: SiteEvaluation['source'];
  dataset_name: string;
  dataset_root: string;
  labels: string | null;
  n: number;
  metrics: string;
  ci: string;
  comparison: string | null;
  calibration: string | null;
  unreadable: number | null;
  actor: string;
  created_at: string;
}

const columns = 'id, model_id, source, dataset_name, dataset_root, labels, n, metrics, ci, comparison, calibration, unreadable, actor, created_at';

function fromRow(row: EvaluationRow): SiteEvaluation {
  const metrics = JSON.parse(row.metrics) as Record<string, unknown>;
  const comparison = row.comparison === null ? null : (JSON.parse(row.comparison) as BaseComparison);
  // Rows written before rate and AUC intervals were widened (Wilson's, Newcombe's) are shown widened (withWidenedIntervals).
  const baseMetrics = comparison?.baseMetrics ? withWidenedIntervals({ n: comparison.n, ...comparison.baseMetrics }) : null;
  return {
    id: row.id,
    modelId: row.model_id,
    source: row.source,
    dataset: { name: row.dataset_name, root: row.dataset_root, labels: row.labels },
    n: row.n,
    metrics,
    ci: withWidenedIntervals({ n: row.n, metrics, ci: JSON.parse(row.ci) as SiteEvaluation['ci'] }).ci,
    comparison: comparison && baseMetrics ? { ...comparison, baseMetrics: { metrics: baseMetrics.metrics, ci: baseMetrics.ci } } : comparison,
    calibration: row.calibration === null ? null : (JSON.parse(row.calibration) as CalibrationByClass),
    unreadable: row.unreadable,
    actor: row.actor,
    createdAt: row.created_at,
  };
}

/** JSON with NaN/∞ as null (a metric can be undefined). */
function json(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v));
}

/**
 * Locked-test evaluations of models on this site's data (migrations 0005, 0013, 0015, 0016), append-only: the
 * evidence a promotion to the default model must show. The model must be registered first.
 */
export class ModelEvaluations {
  readonly #insert;
  readonly #byId;
  readonly #latest;

  constructor(db: Db) {
    this.#insert = db.prepare(`INSERT INTO model_evaluations (model_id, weights_sha256, split, source, dataset_name, dataset_root, labels, n, metrics, ci, comparison, calibration, unreadable, actor, created_at)
      VALUES (@modelId, @weightsSha256, 'test', @source, @datasetName, @datasetRoot, @labels, @n, @metrics, @ci, @comparison, @calibration, @unreadable, @actor, @createdAt)`);
    this.#byId = db.prepare(`SELECT ${columns} FROM model_evaluations WHERE id = ?`);
    this.#latest = db.prepare(`SELECT ${columns} FROM model_evaluations WHERE model_id = ? ORDER BY id DESC LIMIT 1`);
  }

  record(evaluation: NewEvaluation): SiteEvaluation {
    const info = this.#insert.run({
      modelId: evaluation.modelId,
      weightsSha256: evaluation.weightsSha256,
      source: evaluation.source,
      datasetName: evaluation.dataset.name,
      datasetRoot: evaluation.dataset.root,
      labels: evaluation.dataset.labels,
      n: evaluation.n,
      metrics: json(evaluation.metrics),
      ci: json(evaluation.ci),
      comparison: evaluation.comparison === null ? null : json(evaluation.comparison),
      calibration: evaluation.calibration === null ? null : json(evaluation.calibration),
      unreadable: evaluation.unreadable,
      actor: evaluation.actor,
      createdAt: new Date().toISOString(),
    });
    const row = this.#byId.get(Number(info.lastInsertRowid)) as EvaluationRow | undefined;
    if (!row) throw new EinthovenError('E_INTERNAL', 'a recorded evaluation could not be read back');
    return fromRow(row);
  }

  /** The newest locked-test evaluation of a model on this site's data, if any. */
  latest(modelId: string): SiteEvaluation | null {
    const row = this.#latest.get(modelId) as EvaluationRow | undefined;
    return row ? fromRow(row) : null;
  }
}
