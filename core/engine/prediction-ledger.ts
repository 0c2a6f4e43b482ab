import type { PredictionResult } from '../contract/training-schemas';
import type { StoredPrediction } from '../contract/clinic-schemas';
import { calibrationBeyondChance, type SiteEvaluation } from '../contract/evaluation-schemas';
import type { AuditLog } from '../db/audit';
import type { Db } from '../db/database';
import { ModelEvaluations, type NewEvaluation } from '../db/model-evaluations';
import { ModelRegistry, type RegisteredModel } from '../db/model-registry';
import { PredictionStore } from '../db/predictions';
import { storedRowDigest } from '../db/row-digests';
import type { RecordStore } from '../db/records';
import { EinthovenError } from '../errors';
import type { ModelManifest } from '../train/package/manifest';
import { engineVersion } from './version';

/** Where a model's manifest comes from: the engine's model folders (core/train/service/models.ts). */
export interface ModelLookup {
  find(modelId: string): Promise<{ readonly manifest: ModelManifest; readonly bundled: boolean }>;
}

/**
 * Keeps what the clinic must be able to show later: every prediction with the exact weights
 * and operating point behind it, and the registry of models used or trained here. Each stored
 * prediction is also an audit entry.
 */
export class PredictionLedger {
  readonly predictions: PredictionStore;
  readonly registry: ModelRegistry;
  /** Locked-test evaluations on this site's data (what promotion rests on). */
  readonly evaluations: ModelEvaluations;
  readonly #db: Db;
  readonly #audit: AuditLog;
  readonly #models: ModelLookup;
  readonly #records: Pick<RecordStore, 'exists'>;

  constructor(db: Db, audit: AuditLog, models: ModelLookup, records: Pick<RecordStore, 'exists'>) {
    this.predictions = new PredictionStore(db);
    this.registry = new ModelRegistry(db);
    this.evaluations = new ModelEvaluations(db);
    this.#db = db;
    this.#audit = audit;
    this.#models = models;
    this.#records = records;
  }

  /** The registry row of a model, registering it from its package's manifest the first time. */
  async registerModel(modelId: string): Promise<RegisteredModel> {
    const known = this.registry.get(modelId);
    if (known) return known;
    const { manifest, bundled } = await this.#models.find(modelId);
    if (manifest.id !== modelId) throw new EinthovenError('E_MODEL', `model ${modelId}: its package names itself ${manifest.id}`);
    const registered = this.registry.register({
      id: manifest.id,
      name: manifest.name,
      weightsSha256: manifest.weightsSha256,
      architecture: manifest.architecture.name,
      classes: manifest.classes,
      demonstration: manifest.demonstration,
      origin: bundled ? 'bundled' : 'user',
      baseModelId: manifest.provenance.base?.id ?? null,
      manifest,
    });
    this.#audit.append('system', 'model.registered', `model:${manifest.id}`, { name: manifest.name, weightsSha256: manifest.weightsSha256, origin: registered.origin });
    return registered;
  }

  /** Stores one prediction the user is about to see, and audits it. */
  async record(prediction: PredictionResult, actor: string): Promise<StoredPrediction> {
    const model = await this.registerModel(prediction.model.id);
    // The model ran without holding the record: an admin may have removed it meanwhile
    // (records:remove). Checked after the last await, so nothing can remove it before the insert.
    if (!this.#records.exists(prediction.recordId)) {
      throw new EinthovenError('E_NOT_FOUND', `record ${prediction.recordId} was removed while the model ran: the prediction was neither stored nor shown`);
    }
    // The row and its entry commit together: `ecg audit --verify` reports a prediction without an entry.
    return this.#db.transaction(() => {
      const stored = this.predictions.insert({
        ...prediction,
        model: { ...prediction.model, weightsSha256: model.weightsSha256 },
        classes: [...model.classes],
        engineVersion,
        actor,
      });
      this.#audit.append(actor, 'record.predicted', `record:${prediction.recordId}`, {
        prediction: stored.id,
        model: model.id,
        weightsSha256: model.weightsSha256,
        operatingPoint: prediction.operatingPoint.method,
        abstained: prediction.abstained,
        storedSha256: storedRowDigest(this.#db, 'predictions', stored.id),
      });
      return stored;
    })();
  }

  /** Records a locked-test evaluation of a model on this site's data (registering the model first), and audits it. */
  async recordEvaluation(evaluation: Omit<NewEvaluation, 'weightsSha256'>): Promise<SiteEvaluation> {
    const model = await this.registerModel(evaluation.modelId);
    const stored = this.evaluations.record({ ...evaluation, weightsSha256: model.weightsSha256 });
    this.#audit.append(evaluation.actor, 'model.evaluated', `model:${model.id}`, {
      evaluation: stored.id,
      source: stored.source,
      dataset: stored.dataset,
      n: stored.n,
      unreadable: stored.unreadable,
      aucMacro: stored.metrics.aucMacro ?? null,
      f1Macro: stored.metrics.f1Macro ?? null,
      // The classes whose probabilities these records show miscalibrated beyond binning noise; null when not measured.
      calibrationBeyondChance: stored.calibration ? Object.entries(stored.calibration).filter(([, c]) => calibrationBeyondChance(c)).map(([name]) => name) : null,
      testRecordsInBaseTraining: stored.comparison?.overlap.inBaseTraining ?? null,
    });
    return stored;
  }

  history(recordId: number, limit: number): StoredPrediction[] {
    return this.predictions.listForRecord(recordId, limit);
  }
}
