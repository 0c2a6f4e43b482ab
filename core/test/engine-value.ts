import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { JobFinished } from '../contract/channels';
import { Engine } from '../engine/engine';
import { fixturePath } from './shared-data';

/**
 * A channel's answer from the real engine, as the renderer would get it; a refusal fails the test
 * with the channel, the code and the engine's message, rather than as an undefined value later.
 */
export async function engineValue<T>(engine: Engine, channel: string, request: unknown): Promise<T> {
  const r = await engine.handle(channel, request);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
  return r.value as T;
}

/** Files as records:import takes them. */
export type ImportFiles = { name: string; bytes: Uint8Array }[];

/** The .hea and .dat of a PTB-XL fixture record (core/test/fixtures/train/ptbxl/records100/00000), as records:import takes them. */
export function fixtureRecordFiles(name: string): ImportFiles {
  const dir = fixturePath('train', 'ptbxl', 'records100', '00000');
  return ['hea', 'dat'].map((ext) => ({ name: `${name}.${ext}`, bytes: new Uint8Array(readFileSync(path.join(dir, `${name}.${ext}`))) }));
}

/**
 * Imports through the engine's records:import job, waits for it to finish and gives the first
 * record's id; an import that did not succeed fails the test with the job's outcome.
 */
export async function importedRecordId(engine: Engine, request: { files: ImportFiles; csv?: object }): Promise<number> {
  const { jobId } = await engineValue<{ jobId: string }>(engine, 'records:import', request);
  const done = await new Promise<JobFinished>((resolve) => engine.onEvent((e, p) => e === 'jobs:finished' && (p as JobFinished).jobId === jobId && resolve(p as JobFinished)));
  if (done.status !== 'succeeded' || done.kind !== 'import' || done.result.reports[0]?.recordId === undefined) throw new Error(JSON.stringify(done));
  return done.result.reports[0].recordId;
}

/** A data folder's audit trail, oldest first (its last 50 entries), read by an engine opened on it under no site policy. */
export async function auditTrail(dataDir: string) {
  const engine = new Engine({ dataDir, shell: 'test', policyFile: path.join(dataDir, 'no-policy.json') });
  try {
    return engine.audit.recent(50).reverse();
  } finally {
    await engine.close();
  }
}
