import type { EinthovenBridge } from '../../../../core/contract/bridge';
import type { Result } from '../../../../core/contract/result';
import type { TrainFinished, TrainingResult } from '../../../../core/contract/training-schemas';

export type JobRunStatus = 'idle' | 'running' | 'succeeded' | 'failed';

/**
 * One training-side job a form starts and follows (an evaluation, a comparison, a site operating
 * point): its status, its progress message, its error and, once it succeeded, its result of the
 * kind the subclass accepts. Progress and the end come through train:progress and train:finished,
 * so a job started here ends here even if the engine answers slowly.
 */
export abstract class TrainingJobRun<R> {
  status = $state<JobRunStatus>('idle');
  jobId = $state<string | null>(null);
  phase = $state<string | null>(null);
  error = $state<string | null>(null);
  result = $state.raw<R | null>(null);
  readonly #unsubscribe: (() => void)[];

  constructor(bridge: EinthovenBridge) {
    this.#unsubscribe = [
      bridge.on('train:progress', (e) => {
        if (e.jobId === this.jobId && e.message) this.phase = e.message;
      }),
      bridge.on('train:finished', (e) => this.#finished(e)),
    ];
  }

  /** The job's result when it is of the kind this form started, else null. */
  protected abstract accept(result: TrainingResult): R | null;
  /** What the form says when the job was cancelled; null to say nothing. */
  protected abstract readonly cancelledMessage: string | null;

  /** Stops listening (the form went away; a running job still ends, and the engine records it). */
  dispose(): void {
    this.#unsubscribe.forEach((off) => off());
  }

  /** Starts the job `start` asks the engine for; its refusal becomes the form's error. */
  protected async begin(start: () => Promise<Result<{ jobId: string }>>): Promise<void> {
    Object.assign(this, { status: 'running', jobId: null, phase: null, error: null, result: null });
    const started = await start();
    if (!started.ok) {
      Object.assign(this, { status: 'failed', error: started.error.message });
      return;
    }
    this.jobId = started.value.jobId;
  }

  #finished(e: TrainFinished): void {
    if (e.jobId !== this.jobId) return;
    const result = e.status === 'succeeded' ? this.accept(e.result) : null;
    if (result !== null) Object.assign(this, { status: 'succeeded', result });
    else if (e.status === 'failed') Object.assign(this, { status: 'failed', error: e.error.message });
    else Object.assign(this, { status: 'idle', error: this.cancelledMessage });
  }
}
