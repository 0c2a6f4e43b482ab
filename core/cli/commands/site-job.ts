import type { ChannelName } from '../../contract/channels';
import type { TrainingResult } from '../../contract/training-schemas';
import type { Engine } from '../../engine/engine';
import type { JobKind, StartedRequest } from '../../engine/training-audit';
import { databaseError, toErrorInfo } from '../../errors';
import { cliEngine } from './models-promote';

/** A training-side job the CLI runs into the site's data folder: which folder, which channel's role, what was asked. */
export interface SiteJob {
  readonly dataDir: string;
  readonly channel: ChannelName;
  readonly kind: JobKind;
  readonly request: StartedRequest;
}

/** One short use of the data folder's engine (the job runs between two, not holding the database). */
async function withEngine<T>(dataDir: string, use: (engine: Engine) => T | Promise<T>): Promise<T> {
  const engine = cliEngine(dataDir);
  try {
    return await use(engine);
  } catch (error) {
    // Outside the engine's dispatch: a SQLite error names the database file, not "the Einthoven database".
    throw databaseError(engine.db.name, error);
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
  let value: T;
  try {
    value = await run();
  } catch (error) {
    // The job's own error is what the user must see; a failure to audit it is not allowed to replace it.
    await withEngine(site.dataDir, (engine) => engine.finishCliJob({ jobId, kind: site.kind, status: 'failed', error: toErrorInfo(error) })).catch(() => undefined);
    throw error;
  }
  const made = await result(value);
  await withEngine(site.dataDir, (engine) => engine.finishCliJob({ jobId, kind: site.kind, status: 'succeeded', result: made }));
  return value;
}
