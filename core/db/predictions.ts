import type { StoredPrediction } from '../contract/clinic-schemas';
import { EinthovenError } from '../errors';
import type { Db } from './database';

/** A prediction to store: what the engine answered, with the exact model and operating point. */
export type NewPrediction = Omit<StoredPrediction, 'id' | 'createdAt' | 'researchUseOnly'> & { readonly actor: string };

interface PredictionRow {
  id: number;
  record_id: number;
  model_id: string;
  model_name: string;
  model_weights_sha256: string;
  demonstration: number;
  classes: string;
  op_method: string;
  op_temperature: number;
  op_thresholds: string;
  op_calibration_note: string | null;
  op_target: number | null;
  probabilities: string | null;
  decisions: string | null;
  abstained: number;
  abstain_reason: string | null;
  quality_verdict: StoredPrediction['quality']['verdict'];
  quality_reasons: string;
  engine_version: string;
  out_of_scope: string | null;
  created_at: string;
}

const columns = `id, record_id, model_id, model_name, model_weights_sha256, demonstration, classes, op_method,
  op_temperature, op_thresholds, op_calibration_note, op_target, probabilities, decisions, abstained, abstain_reason, quality_verdict,
  quality_reasons, engine_version, out_of_scope, created_at`;

function parseJson<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

function fromRow(row: PredictionRow): StoredPrediction {
  return {
    id: row.id,
    recordId: row.record_id,
    model: { id: row.model_id, name: row.model_name, demonstration: row.demonstration === 1, weightsSha256: row.model_weights_sha256 },
    classes: JSON.parse(row.classes) as string[],
    operatingPoint: {
      method: row.op_method,
      ...(row.op_target === null ? {} : { target: row.op_target }),
      temperature: row.op_temperature,
      thresholds: JSON.parse(row.op_thresholds) as Record<string, number>,
      ...(row.op_calibration_note === null ? {} : { calibrationNote: row.op_calibration_note }),
    },
    probabilities: parseJson<Record<string, number>>(row.probabilities),
    decisions: parseJson<Record<string, boolean>>(row.decisions),
    abstained: row.abstained === 1,
    reason: row.abstain_reason,
    quality: { verdict: row.quality_verdict, reasons: JSON.parse(row.quality_reasons) as string[] },
    scope: parseJson<StoredPrediction['scope']>(row.out_of_scope) ?? { reasons: [], notes: [] },
    engineVersion: row.engine_version,
    createdAt: row.created_at,
    researchUseOnly: true,
  };
}

/**
 * Every prediction shown to a user, immutable (the table refuses UPDATE). The model must be in
 * the registry first (foreign key), so each row names weights the workstation really used.
 */
export class PredictionStore {
  readonly #insert;
  readonly #byId;
  readonly #forRecord;
  readonly #newestOfModel;

  constructor(db: Db) {
    this.#insert = db.prepare(`INSERT INTO predictions (record_id, model_id, model_name, model_weights_sha256, demonstration,
        classes, op_method, op_target, op_temperature, op_thresholds, op_calibration_note, probabilities, decisions, abstained, abstain_reason,
        quality_verdict, quality_reasons, engine_version, actor, out_of_scope, created_at)
      VALUES (@recordId, @modelId, @modelName, @weightsSha256, @demonstration, @classes, @method, @target, @temperature, @thresholds,
        @calibrationNote, @probabilities, @decisions, @abstained, @reason, @verdict, @qualityReasons, @engineVersion, @actor, @outOfScope, @createdAt)`);
    this.#byId = db.prepare(`SELECT ${columns} FROM predictions WHERE id = ?`);
    this.#forRecord = db.prepare(`SELECT ${columns} FROM predictions WHERE record_id = ? ORDER BY id DESC LIMIT ?`);
    this.#newestOfModel = db.prepare(`SELECT ${columns} FROM predictions WHERE model_id = ? ORDER BY id DESC LIMIT 1`);
  }

  insert(p: NewPrediction): StoredPrediction {
    const info = this.#insert.run({
      recordId: p.recordId,
      modelId: p.model.id,
      modelName: p.model.name,
      weightsSha256: p.model.weightsSha256,
      demonstration: p.model.demonstration ? 1 : 0,
      classes: JSON.stringify(p.classes),
      method: p.operatingPoint.method,
      target: p.operatingPoint.target ?? null,
      temperature: p.operatingPoint.temperature,
      thresholds: JSON.stringify(p.operatingPoint.thresholds),
      calibrationNote: p.operatingPoint.calibrationNote ?? null,
      probabilities: p.probabilities === null ? null : JSON.stringify(p.probabilities),
      decisions: p.decisions === null ? null : JSON.stringify(p.decisions),
      abstained: p.abstained ? 1 : 0,
      reason: p.reason,
      verdict: p.quality.verdict,
      qualityReasons: JSON.stringify(p.quality.reasons),
      engineVersion: p.engineVersion,
      actor: p.actor,
      outOfScope: p.scope.reasons.length + p.scope.notes.length > 0 ? JSON.stringify(p.scope) : null,
      createdAt: new Date().toISOString(),
    });
    const stored = this.get(Number(info.lastInsertRowid));
    if (!stored) throw new EinthovenError('E_INTERNAL', 'a stored prediction could not be read back');
    return stored;
  }

  get(id: number): StoredPrediction | undefined {
    const row = this.#byId.get(id) as PredictionRow | undefined;
    return row && fromRow(row);
  }

  /** The newest prediction of a model on any record (what the model was: its name, weights and outputs); undefined if it predicted none. */
  newestOfModel(modelId: string): StoredPrediction | undefined {
    const row = this.#newestOfModel.get(modelId) as PredictionRow | undefined;
    return row && fromRow(row);
  }

  /** A record's predictions, newest first. */
  listForRecord(recordId: number, limit: number): StoredPrediction[] {
    return (this.#forRecord.all(recordId, limit) as PredictionRow[]).map(fromRow);
  }
}
