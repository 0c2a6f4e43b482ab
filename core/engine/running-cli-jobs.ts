import os from 'node:os';
import { z } from 'zod';
import { TrainJobKind } from '../contract/training-schemas';
import type { AppState } from '../db/app-state';
import type { AuditLog } from '../db/audit';
import type { Db } from '../db/database';
import { EinthovenError } from '../errors';
import type { JobKind } from './training-audit';

/**
 * app_state key of the CLI's site jobs (`ecg operating-point` into the data folder) started and not yet
 * ended. The CLI runs such a job in its own process, between two short opens of the database: a process
 * killed in between (Ctrl-C at a terminal, a crash, a closed laptop lid's shutdown) left the trail with
 * a start and no end, forever. Kept in the database, beside the start it answers for.
 */
const runningKey = 'cli-jobs.running';

const RunningJobSchema = z.object({
  jobId: z.string().min(1),
  kind: TrainJobKind,
  /** The process that runs it, on `host`: a job is ended only once that process is gone. */
  pid: z.number().int().positive(),
  host: z.string(),
  startedAt: z.string(),
});
type RunningJob = z.infer<typeof RunningJobSchema>;

/** Whether a process of this machine is still running (EPERM: it is, under another account). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** What an interrupted job's end entry says beyond its status. */
export type InterruptedBy =
  /** The process was told to stop (Ctrl-C, a service manager) and wrote this itself. */
  | { readonly signal: NodeJS.Signals }
  /** Found at a later open: the process that ran it is gone and never wrote its end. */
  | { readonly foundAt: 'next open' };

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The CLI's site jobs under way, so that one whose process ended without writing its end gets an end
 * entry saying so (status 'interrupted'): by the process itself on SIGINT/SIGTERM, else at the next open
 * of the data folder by the app or any CLI command. A job whose process still runs is left alone, and so
 * is one run on another machine sharing the folder (its process cannot be looked up from here).
 */
export class RunningCliJobs {
  readonly #db: Db;
  readonly #state: AppState;
  readonly #audit: AuditLog;
  readonly #isAlive: (pid: number) => boolean;

  constructor(deps: { db: Db; state: AppState; audit: AuditLog; isAlive?: (pid: number) => boolean }) {
    this.#db = deps.db;
    this.#state = deps.state;
    this.#audit = deps.audit;
    this.#isAlive = deps.isAlive ?? processAlive;
  }

  /** Notes a job this process has just started (its start entry already written, in the same transaction as the caller's). */
  add(jobId: string, kind: JobKind): void {
    const job: RunningJob = { jobId, kind, pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString() };
    this.#change((jobs) => [...jobs, job]);
  }

  /** The job's end is written: nothing is left to answer for. */
  remove(jobId: string): void {
    this.#change((jobs) => jobs.filter((j) => j.jobId !== jobId));
  }

  /** Writes the end of a job this process was told to stop before it finished. */
  interrupted(jobId: string, kind: JobKind, by: InterruptedBy): void {
    this.#db.transaction(() => {
      this.#audit.append('system', `${kind}.finished`, `job:${jobId}`, { status: 'interrupted', ...by });
      this.remove(jobId);
    }).immediate();
  }

  /** Ends, as interrupted, every job of this machine whose process is gone; returns their ids. */
  endAbandoned(): string[] {
    // Looked for first without the write lock: with nothing to end (nearly every open) none is taken, so an
    // ecg list or record does not wait for another process's write (an import, a restore) and fail as in use.
    if (this.#gone().length === 0) return [];
    return this.#db.transaction(() => {
      // Again under the lock: another process may have ended them meanwhile.
      const gone = this.#gone();
      for (const job of gone) {
        this.#audit.append('system', `${job.kind}.finished`, `job:${job.jobId}`, { status: 'interrupted', foundAt: 'next open', pid: job.pid, startedAt: job.startedAt });
      }
      const ended = new Set(gone.map((j) => j.jobId));
      if (ended.size > 0) this.#change((jobs) => jobs.filter((j) => !ended.has(j.jobId)));
      return [...ended];
    }).immediate();
  }

  /** Jobs of this machine whose process is gone. */
  #gone(): RunningJob[] {
    const host = os.hostname();
    return this.#jobs().filter((j) => j.host === host && !this.#isAlive(j.pid));
  }

  #jobs(): RunningJob[] {
    const stored = this.#state.get(runningKey);
    if (stored === undefined) return [];
    // A value that does not parse is not silently taken for "none": the open says which key is damaged.
    const parsed = z.array(RunningJobSchema).safeParse(parseJson(stored));
    if (!parsed.success) throw new EinthovenError('E_INTERNAL', `the database's app_state '${runningKey}' is not a list of running CLI jobs (${parsed.error.issues[0]?.message ?? 'invalid'}): it was changed outside Einthoven`);
    return parsed.data;
  }

  #change(update: (jobs: RunningJob[]) => RunningJob[]): void {
    // Read and written in one immediate transaction: two CLI processes starting jobs at once each keep theirs.
    this.#db.transaction(() => this.#state.set(runningKey, JSON.stringify(update(this.#jobs())))).immediate();
  }
}
