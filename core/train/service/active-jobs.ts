import { withNotice } from '../../contract/training-notices';
import { activeJobEpochLimit, type ActiveTrainingJob, type TrainProgressEvent } from '../../contract/training-schemas';

type Kind = TrainProgressEvent['kind'];

/** What a job was started as: shown again to a window that attaches while it runs. */
export interface JobLabel {
  readonly name: string;
  readonly baseModelId?: string | undefined;
}

/**
 * The progress so far of every running training-side job. Events reach only the windows open
 * when they are sent, so a window reloaded mid-training asks for this to show the job again.
 * Bounded: the latest phase and step, at most the last `activeJobEpochLimit` epochs, and the
 * first `jobNoticeLimit` notes and warnings.
 */
export class ActiveJobs {
  readonly #jobs = new Map<string, ActiveTrainingJob>();

  begin(jobId: string, kind: Kind, label: JobLabel): void {
    this.#jobs.set(jobId, { jobId, kind, name: label.name, baseModelId: label.baseModelId ?? null, startedAt: new Date().toISOString(), phase: null, step: null, epochs: [], notices: [] });
  }

  record(event: TrainProgressEvent): void {
    const job = this.#jobs.get(event.jobId);
    if (!job) return;
    if (event.phase !== undefined) this.#jobs.set(job.jobId, { ...job, phase: event, notices: [...withNotice(job.notices, event.message)] });
    else if (event.valLoss !== undefined) this.#jobs.set(job.jobId, { ...job, epochs: [...job.epochs, event].slice(-activeJobEpochLimit) });
    else if (event.step !== undefined) this.#jobs.set(job.jobId, { ...job, step: event });
  }

  end(jobId: string): void {
    this.#jobs.delete(jobId);
  }

  list(): ActiveTrainingJob[] {
    return [...this.#jobs.values()];
  }
}
