import type { ChannelName } from '../../contract/channels';
import type { TrainingResult } from '../../contract/training-schemas';
import type { Engine } from '../../engine/engine';
import type { JobKind, StartedRequest } from '../../engine/training-audit';
import { databaseError, toErrorInfo } from '../../errors';
import { textColumn } from '../text-column';
import { cliEngine } from './models-promote';

/** A training-side job the CLI runs into the site's data folder: which folder, which channel's role, what was asked. */
export interface SiteJob {
  readonly dataDir: string;
  readonly channel: ChannelName;
  readonly kind: JobKind;
  readonly request: StartedRequest;
  /** Where the CLI tells the user that an interrupted job's end was recorded (stderr). */
  readonly say: (line: string) => void;
}

/** The shell's exit codes for a process ended by these signals (128 + the signal's number). */
const interruptExitCodes = { SIGINT: 130, SIGTERM: 143 } as const;
type InterruptSignal = keyof typeof interruptExitCodes;

/**
 * Writes the job's end as interrupted by `signal`, from a fresh open of the data folder; never throws.
 * Exported for its test, which cannot send a signal to the test process itself.
 */
export function recordInterrupted(site: SiteJob, jobId: string, signal: InterruptSignal): void {
  try {
    const engine = cliEngine(site.dataDir);
    try {
      engine.interruptCliJob(jobId, site.kind, { signal });
    } finally {
      // Only the database to close: this engine ran nothing, and the process ends now.
      engine.db.close();
    }
    site.say(`interrupted (${signal}): the ${site.kind} job's end is recorded as interrupted in the audit trail (job:${jobId})`);
  } catch (error) {
    // Left noted as running: the next open of the data folder writes the end instead. The message names
    // the data folder's path, whoever named it, so it is escaped as every command's error line is.
    site.say(`interrupted (${signal}): its end could not be recorded now (${textColumn(toErrorInfo(error).message)}); the next open of the data folder records it`);
  }
}

/**
 * While the job runs, Ctrl-C (SIGINT) or a stop request (SIGTERM) writes its end as interrupted and exits
 * with the shell's code, where node's default ended the process with the start audited and no end. Written
 * synchronously, so the job cannot reach its own end in between; once the job is writing its own end
 * (`ending`), the signal waits for that and then exits, so no job gets two ends.
 */
class InterruptGuard {
  readonly #site: SiteJob;
  readonly #jobId: string;
  readonly #removers: (() => void)[];
  #ending = false;
  #deferred: InterruptSignal | null = null;

  constructor(site: SiteJob, jobId: string) {
    this.#site = site;
    this.#jobId = jobId;
    this.#removers = (Object.keys(interruptExitCodes) as InterruptSignal[]).map((signal) => {
      const handler = () => this.#interrupted(signal);
      process.on(signal, handler);
      return () => process.off(signal, handler);
    });
  }

  /** The job's own end is being written: a signal from now on waits for it. */
  ending(): void {
    this.#ending = true;
  }

  /** The end is written: stops listening, and exits if a signal came meanwhile. */
  done(): void {
    this.#removers.forEach((remove) => remove());
    if (this.#deferred) process.exit(interruptExitCodes[this.#deferred]);
  }

  #interrupted(signal: InterruptSignal): void {
    if (this.#ending) {
      this.#deferred ??= signal;
      return;
    }
    recordInterrupted(this.#site, this.#jobId, signal);
    process.exit(interruptExitCodes[signal]);
  }
}

/** One short use of the data folder's engine (the job runs between two, not holding the database). */
async function withEngine<T>(dataDir: string, use: (engine: Engine) => T | Promise<T>): Promise<T> {
  const engine = cliEngine(dataDir);
  try {
    return await use(engine);
  } catch (error) {
    // Outside the engine's dispatch: a SQLite error names the database file, not "the Einthoven database".
    throw databaseError(engine.databaseFile, error);
  } finally {
    await engine.close();
  }
}

/**
 * Runs `run` as the app runs the same job (core/engine/training-audit.ts): refused without the role (the
 * refusal audited) before any work, its start audited, and its end too: on success with what `result`
 * makes of it, so its model is registered and its locked-test figures recorded as the app's are.
 */
export async function runOnSite<T>(site: SiteJob, run: () => Promise<T>, result: (value: T) => TrainingResult | Promise<TrainingResult>): Promise<T> {
  const jobId = await withEngine(site.dataDir, (engine) => engine.startCliJob(site.channel, site.kind, site.request));
  const guard = new InterruptGuard(site, jobId);
  try {
    let value: T;
    try {
      value = await run();
    } catch (error) {
      guard.ending();
      // The job's own error is what the user must see; a failure to audit it is not allowed to replace it.
      await withEngine(site.dataDir, (engine) => engine.finishCliJob({ jobId, kind: site.kind, status: 'failed', error: toErrorInfo(error) })).catch(() => undefined);
      throw error;
    }
    const made = await result(value);
    guard.ending();
    await withEngine(site.dataDir, (engine) => engine.finishCliJob({ jobId, kind: site.kind, status: 'succeeded', result: made }));
    return value;
  } finally {
    guard.done();
  }
}
