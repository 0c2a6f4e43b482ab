import { withOutOfScope, type OperatingPointResult, type TrainFinished, type TrainProgressEvent } from '../contract/training-schemas';
import type { AuditLog } from '../db/audit';
import type { PredictionLedger } from './prediction-ledger';

export type JobKind = TrainProgressEvent['kind'];

/** The parts of a training request worth keeping: what data, from which model, with which settings. */
export interface StartedRequest {
  readonly dataset: { readonly kind: string; readonly root: string; readonly labels?: string | undefined };
  readonly name?: string;
  readonly baseModelId?: string;
  readonly architecture?: string;
  readonly modelId?: string;
  readonly otherModelId?: string;
  readonly mode?: string | undefined;
  readonly settings?: object;
  readonly split?: string;
}

/**
 * Audit entries for training-side jobs (an on-site fine-tuning changes the device: who started
 * it, on which data, from which model, and what came out must be traceable), and registration
 * of every model a job produced, so the registry lists it even before its first prediction.
 */
export class TrainingAudit {
  readonly #audit: AuditLog;
  readonly #ledger: PredictionLedger;
  readonly #pending = new Set<Promise<void>>();

  constructor(audit: AuditLog, ledger: PredictionLedger) {
    this.#audit = audit;
    this.#ledger = ledger;
  }

  started(kind: JobKind, jobId: string, request: StartedRequest): { jobId: string } {
    const { dataset, ...rest } = request;
    this.#audit.append('user', `${kind}.started`, `job:${jobId}`, { ...rest, dataset: { kind: dataset.kind, root: dataset.root, labels: dataset.labels ?? null } });
    return { jobId };
  }

  /** Audits a job's end (registering its model); never rejects, so the finish event always follows. */
  finished(event: TrainFinished): Promise<void> {
    const pending = this.record(event)
      .catch((error: unknown) => {
        this.#audit.append('system', `${event.kind}.audit-failed`, `job:${event.jobId}`, { error: error instanceof Error ? error.message : String(error) });
      })
      // The last resort when even that entry cannot be written (a closed database at shutdown).
      .catch(() => undefined);
    this.#pending.add(pending);
    return pending.finally(() => this.#pending.delete(pending));
  }

  /** Resolves when every finish is audited (before the database closes). */
  async idle(): Promise<void> {
    await Promise.all([...this.#pending]);
  }

  /**
   * Audits a job's end, registers its model and keeps its locked-test figures; rejects when that
   * cannot be written. The CLI, which runs the job itself, must hear of that (`finished` cannot).
   */
  async record(event: TrainFinished): Promise<void> {
    const action = `${event.kind}.finished`;
    const subject = `job:${event.jobId}`;
    if (event.status === 'failed') return this.#audit.append('system', action, subject, { status: event.status, error: event.error });
    const result = event.result;
    if (!result) return this.#audit.append('system', action, subject, { status: event.status });
    if (result.kind === 'compare') {
      const auc = result.macro.find((m) => m.metric === 'aucMacro');
      return this.#audit.append('system', action, subject, { status: event.status, modelA: result.modelA.id, modelB: result.modelB.id, split: result.split, n: result.n, aucMacroDiff: auc?.diff ?? null, p: auc?.p ?? null });
    }
    if (result.kind === 'evaluate') {
      const { f1Macro, aucMacro } = result.metrics;
      this.#audit.append('system', action, subject, { status: event.status, model: result.modelId, split: result.split, n: result.n, unreadable: result.unreadable.count, f1Macro, aucMacro });
      // A locked-test evaluation on this site's data is what a promotion needs: kept. A --paper-exact
      // model's test split chose its epoch (notLockedTest says so): not kept, so it cannot pass the gate.
      if (result.split === 'test' && !result.notLockedTest && result.evaluatedOn) {
        await this.#ledger.recordEvaluation({ modelId: result.modelId, source: 'evaluate', dataset: result.evaluatedOn, n: result.n, metrics: withOutOfScope(result.metrics, result.outOfScope), ci: result.ci, comparison: null, calibration: result.calibration ?? null, unreadable: result.unreadable.count, actor: 'user' });
      }
      return;
    }
    if (result.kind === 'operating-point') return this.#operatingPoint(action, subject, event.status, result);
    const registered = result.modelId ? await this.#ledger.registerModel(result.modelId) : null;
    this.#audit.append('system', action, subject, {
      status: event.status,
      model: result.modelId,
      weightsSha256: registered?.weightsSha256 ?? null,
      bestEpoch: result.bestEpoch,
      epochs: result.epochs,
      cancelled: result.cancelled,
      validation: { f1Macro: result.validation.f1Macro ?? null, aucMacro: result.validation.aucMacro ?? null },
    });
    // Closing figures that say why they are not a locked test (the base's overlap unknown, or it saw every test record) are not kept: a promotion would rest on them.
    if (result.modelId && result.test && result.evaluatedOn && !result.notLockedTest) {
      // As an evaluation's: the test records its figures leave out as outside the model's intended input go with them, and those its base saw.
      const metrics = withOutOfScope(result.test.metrics, result.test.outOfScope, result.test.seenByBase);
      await this.#ledger.recordEvaluation({ modelId: result.modelId, source: 'finetune', dataset: result.evaluatedOn, n: result.test.n, metrics, ci: result.test.ci, comparison: result.comparison ?? null, calibration: result.test.calibration ?? null, unreadable: result.test.unreadable ?? null, actor: 'user' });
    }
  }

  /**
   * A site operating point: the new model registered and audited with what was refit from which
   * base, and its locked-test figures kept as its site evaluation. The records were read once,
   * after every choice, exactly as an evaluation reads them; the source 'operating-point' (not
   * 'evaluate') tells an auditor reading the model's history which job recorded them. Test
   * records the base trained or validated on make them no locked test (notLockedTest): then they
   * are not kept, as an evaluation's are not, since a promotion would rest on them.
   */
  async #operatingPoint(action: string, subject: string, status: TrainFinished['status'], result: OperatingPointResult): Promise<void> {
    const registered = await this.#ledger.registerModel(result.modelId);
    const { method, target, temperature } = result.operatingPoint;
    this.#audit.append('system', action, subject, {
      status,
      model: result.modelId,
      weightsSha256: registered.weightsSha256,
      base: result.base.id,
      goal: result.goal,
      operatingPoint: { method, target: target ?? null, temperature },
      validation: { n: result.validation.n },
      test: { n: result.test.n, aucMacro: result.test.metrics.aucMacro ?? null, f1Macro: result.test.metrics.f1Macro ?? null },
      override: result.override,
      trainingOverlap: { validation: result.trainingOverlap.validation.inTraining, test: result.trainingOverlap.test.inTraining },
      notLockedTest: result.notLockedTest,
    });
    if (result.notLockedTest) return;
    await this.#ledger.recordEvaluation({ modelId: result.modelId, source: 'operating-point', dataset: result.evaluatedOn, n: result.test.n, metrics: withOutOfScope(result.test.metrics, result.outOfScope?.test), ci: result.test.ci, comparison: null, calibration: result.test.calibration ?? null, unreadable: result.unreadable.count, actor: 'user' });
  }
}
