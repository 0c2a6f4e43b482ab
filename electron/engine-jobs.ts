import type { z } from 'zod';
import type { ChannelName, EventName } from '../core/contract/channels';
import type { Result } from '../core/contract/result';
import type { JobKind } from '../core/contract/schemas';
import type { TrainJobKind } from '../core/contract/training-schemas';

/**
 * The jobs running in the engine, as the shell sees them pass: a job-starting call's answer
 * (its jobId) adds one, its `finished` event removes it. When the engine process stops, each job
 * still here is reported failed to the windows, so no progress bar waits for an event that a
 * dead process will never send.
 */
type JobFamily = 'jobs' | 'train';

/** The channels whose answer is `{ jobId }`, with the event family and kind their job reports under. */
const jobStarters: Partial<Record<ChannelName, { family: 'jobs'; kind: z.infer<typeof JobKind> } | { family: 'train'; kind: z.infer<typeof TrainJobKind> }>> = {
  'records:import': { family: 'jobs', kind: 'import' },
  'datasets:from-readings': { family: 'jobs', kind: 'readings-dataset' },
  'train:start': { family: 'train', kind: 'train' },
  'train:finetune': { family: 'train', kind: 'finetune' },
  'train:hpo': { family: 'train', kind: 'hpo' },
  'train:operating-point': { family: 'train', kind: 'operating-point' },
  'models:evaluate': { family: 'train', kind: 'evaluate' },
  'models:compare': { family: 'train', kind: 'compare' },
};

interface RunningJob {
  readonly family: JobFamily;
  readonly kind: string;
}

/** A `finished` event the shell sends in the engine's place. */
export interface FinishedEvent {
  readonly event: Extract<EventName, 'jobs:finished' | 'train:finished'>;
  readonly payload: { jobId: string; kind: string; status: 'failed'; error: { code: 'E_INTERNAL'; message: string } };
}

function jobIdOf(value: unknown): string | undefined {
  const id: unknown = typeof value === 'object' && value !== null ? Reflect.get(value, 'jobId') : undefined;
  return typeof id === 'string' ? id : undefined;
}

/** How many finished job ids are remembered: a job can finish before its start's answer arrives. */
const finishedMemory = 256;

export class RunningJobs {
  readonly #jobs = new Map<string, RunningJob>();
  readonly #finished = new Set<string>();

  /** A call's answer: a job-starting channel's jobId is a running job from now on, unless it has already finished. */
  started(channel: string, result: Result<unknown>): void {
    const starter = Object.hasOwn(jobStarters, channel) ? jobStarters[channel as ChannelName] : undefined;
    const jobId = result.ok ? jobIdOf(result.value) : undefined;
    if (starter && jobId !== undefined && !this.#finished.has(jobId)) this.#jobs.set(jobId, starter);
  }

  /** An engine event: a job's `finished` ends it. */
  observed(event: string, payload: unknown): void {
    if (event !== 'jobs:finished' && event !== 'train:finished') return;
    const jobId = jobIdOf(payload);
    if (jobId === undefined) return;
    this.#jobs.delete(jobId);
    this.#finished.add(jobId);
    if (this.#finished.size > finishedMemory) this.#finished.delete(this.#finished.values().next().value ?? jobId);
  }

  /** Every running job, reported failed with `message`; forgets them. */
  failAll(message: string): FinishedEvent[] {
    const events = [...this.#jobs].map(([jobId, job]): FinishedEvent => ({
      event: job.family === 'jobs' ? 'jobs:finished' : 'train:finished',
      payload: { jobId, kind: job.kind, status: 'failed', error: { code: 'E_INTERNAL', message } },
    }));
    this.#jobs.clear();
    return events;
  }
}
