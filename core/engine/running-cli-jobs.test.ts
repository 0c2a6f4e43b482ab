import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db/database';
import { databasePath } from './data-dir';
import { Engine } from './engine';
import { auditTrail } from '../test/engine-value';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const request = { modelId: 'starter@1', dataset: { kind: 'csv', root: '/data/site' } };

function openEngine(dataDir: string): Engine {
  return new Engine({ dataDir, shell: 'test', policyFile: path.join(dataDir, 'no-policy.json') });
}


/** A real CLI-like process that starts a site job in `dataDir` and is then killed (SIGKILL: nothing of it runs after). */
function startAndDie(dataDir: string): { jobId: string; pid: number } {
  const script = [
    "import { Engine } from './core/engine/engine.ts';",
    `const engine = new Engine({ dataDir: ${JSON.stringify(dataDir)}, shell: 'cli', policyFile: ${JSON.stringify(path.join(dataDir, 'no-policy.json'))} });`,
    `const jobId = engine.startCliJob('train:operating-point', 'operating-point', ${JSON.stringify(request)});`,
    'engine.db.close();',
    'process.stdout.write(JSON.stringify({ jobId, pid: process.pid }));',
    "process.kill(process.pid, 'SIGKILL');",
  ].join('\n');
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: repoRoot, encoding: 'utf8' });
  expect(child.signal).toBe('SIGKILL');
  return JSON.parse(child.stdout) as { jobId: string; pid: number };
}

describe('a CLI site job whose process ended before writing its end', () => {
  it('gets an end entry saying interrupted at the next open (by the app or any CLI command), once; before, its start stayed without an end', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-cli-job-killed-'));
    const { jobId, pid } = startAndDie(dataDir);

    const entries = await auditTrail(dataDir);
    expect(entries.map((e) => [e.action, e.subject])).toEqual([
      ['operating-point.started', `job:${jobId}`],
      ['operating-point.finished', `job:${jobId}`],
    ]);
    expect(entries[1]).toMatchObject({ actor: 'system', details: { status: 'interrupted', foundAt: 'next open', pid } });
    // Ended once: a later open finds nothing left to end.
    expect(await auditTrail(dataDir)).toHaveLength(2);
  });

  it('is left alone while its process still runs, and its own end takes it off the list', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-cli-job-running-'));
    const running = openEngine(dataDir);
    const jobId = running.startCliJob('train:operating-point', 'operating-point', request);
    // Another open meanwhile (the app, another CLI command): this process still runs the job.
    expect((await auditTrail(dataDir)).map((e) => e.action)).toEqual(['operating-point.started']);
    await running.finishCliJob({ jobId, kind: 'operating-point', status: 'failed', error: { code: 'E_IO', message: 'disk full' } });
    await running.close();
    expect((await auditTrail(dataDir)).map((e) => [e.action, e.details.status])).toEqual([
      ['operating-point.started', undefined],
      ['operating-point.finished', 'failed'],
    ]);
  });

  it('a damaged list of running jobs stops the open with a typed error naming it, not taken for none', () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-cli-job-damaged-'));
    const { db } = openDatabase(databasePath(dataDir));
    db.prepare("INSERT INTO app_state (key, value) VALUES ('cli-jobs.running', '{oops')").run();
    db.close();
    expect(() => openEngine(dataDir)).toThrow(expect.objectContaining({ code: 'E_INTERNAL', message: expect.stringMatching(/app_state 'cli-jobs\.running' is not a list of running CLI jobs/) }));
  });
});
