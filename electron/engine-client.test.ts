import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { EventName } from '../core/contract/channels';
import type { Result } from '../core/contract/result';
import { fixturePath } from '../core/test/shared-data';
import { EngineClient, type EnginePort } from './engine-client';
import { forkEngine } from './engine-process';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const data = fixturePath('train', 'ptbxl');

/** A real engine process (the TypeScript source through tsx) on a fresh data folder; every port it started, newest last. */
function engineOnFreshFolder(restart: { maxRestarts: number; windowMs: number }) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-client-'));
  const ports: EnginePort[] = [];
  const log: string[] = [];
  const events: { event: EventName; payload: unknown }[] = [];
  const client = new EngineClient(
    () => {
      const port = forkEngine({ entry: path.join(repoRoot, 'core/engine/main.ts'), dataDir });
      ports.push(port);
      return port;
    },
    { restart, log: (line) => log.push(line) },
  );
  client.onEvent((event, payload) => events.push({ event, payload }));
  const next = (name: EventName) =>
    new Promise<unknown>((resolve) => {
      const off = client.onEvent((event, payload) => event === name && (off(), resolve(payload)));
    });
  return { client, ports, log, events, next, dataDir };
}

const value = (r: Result<unknown>) => (r.ok ? r.value : r.error);

describe('EngineClient: an engine process that stops under the window', () => {
  const started: EngineClient[] = [];
  afterAll(async () => {
    await Promise.all(started.map((c) => c.shutdown()));
  });

  it('starts it again: the running training is reported failed, the call in flight answers, and the new engine answers the next; one it shut down is not started again', async () => {
    const e = engineOnFreshFolder({ maxRestarts: 3, windowMs: 60_000 });
    started.push(e.client);
    await e.client.ready;
    expect(value(await e.client.request('folders:allow', { path: data }))).toMatchObject({ folder: { path: data } });
    const training = await e.client.request('train:start', { architecture: 'xresnet1d50', dataset: { kind: 'ptbxl', root: data }, name: 'killed', settings: { epochs: 50, batchSize: 6, minExamples: { train: 1, val: 1 } } });
    const jobId = String((value(training) as { jobId: string }).jobId);
    await e.next('train:progress');
    const finished = e.next('train:finished');
    const restarted = e.next('engine:restarted');
    // Killed first, asked right after, before its exit is seen: a call no process will ever answer.
    e.ports[0]?.kill();
    const inFlight = e.client.request('records:list', {});
    expect(await inFlight).toMatchObject({ ok: false, error: { code: 'E_INTERNAL', message: expect.stringMatching(/the engine process stopped/) } });
    expect(await finished).toMatchObject({ jobId, kind: 'train', status: 'failed', error: { code: 'E_INTERNAL', message: expect.stringMatching(/stopped .* while this job was running/) } });
    expect(await restarted).toMatchObject({ restarts: 1, interruptedJobs: 1, exitCode: null });
    // Same data folder, new process: it answers, and the job is no longer running there.
    expect(e.ports).toHaveLength(2);
    expect(value(await e.client.request('app:info', {}))).toMatchObject({ name: 'Einthoven', dataDir: e.dataDir });
    expect(value(await e.client.request('train:active', {}))).toEqual({ jobs: [] });
    expect(e.log).toEqual(['engine started', expect.stringMatching(/stopped .*1 running job\(s\) reported failed; restarting/), 'engine restarted (1 of 3 allowed in 1 min)']);

    // An engine it shut down is not started again, though the policy has restarts left (2 of 3). Checked on
    // this client's engine, where a test of its own started a third real engine process (seconds of CPU) to ask.
    await e.client.shutdown();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(e.ports).toHaveLength(2);
    expect(e.events.filter((x) => x.event === 'engine:restarted')).toHaveLength(1);
    expect(e.log.slice(3)).toEqual(['engine stopped']);
    // Asked again (the app's quit after its window's close), it is already done: it waited for an exit already seen.
    await e.client.shutdown();
    expect(value(await e.client.request('app:info', {}))).toMatchObject({ code: 'E_INTERNAL', message: expect.stringMatching(/not running/) });
    expect(e.log.slice(3)).toEqual(['engine stopped']);
  });

  it('gives up after the policy\'s restarts: the windows are told, and calls answer at once instead of waiting', async () => {
    const e = engineOnFreshFolder({ maxRestarts: 1, windowMs: 60_000 });
    started.push(e.client);
    await e.client.ready;
    const restarted = e.next('engine:restarted');
    e.ports[0]?.kill();
    await restarted;
    const stopped = e.next('engine:stopped');
    e.ports[1]?.kill();
    expect(await stopped).toMatchObject({ restarts: 1, interruptedJobs: 0 });
    expect(e.ports).toHaveLength(2);
    expect(await e.client.request('app:info', {})).toMatchObject({ ok: false, error: { code: 'E_INTERNAL', message: expect.stringMatching(/not running \(restart Einthoven\)/) } });
    expect(e.log.at(-1)).toMatch(/not restarted: 1 restarts within 1 min/);
  });

  it("writes what a dying engine said last to the log, bounded and without quoted text", async () => {
    // A real process that floods stderr, then says what V8 says when the heap runs out, and aborts.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-loud-'));
    const script = path.join(dir, 'dies-loudly.mjs');
    writeFileSync(
      script,
      [
        "for (let i = 0; i < 500; i++) process.stderr.write(`noise ${i}\\n`);",
        "process.stderr.write('Error: cannot read \"/data/patients/Doe, John 1961.xml\"\\n');",
        "process.stderr.write('FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\\n', () => process.exit(134));",
      ].join('\n'),
    );
    const log: string[] = [];
    const client = new EngineClient(() => forkEngine({ entry: script, dataDir: dir }), { restart: { maxRestarts: 0, windowMs: 60_000 }, log: (line) => log.push(line) });
    await expect(client.ready).rejects.toThrow(/engine exited with code 134/);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatch(/^engine exited with code 134 before it was ready; its last messages: noise 490 \| .* \| Error: cannot read \(…\) \| FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory$/);
    expect(log[0]).not.toMatch(/Doe|noise 489 /);
  });
});
