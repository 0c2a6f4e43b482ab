import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { JobFinished } from '../contract/channels';
import { Engine } from './engine';

// An open app's engine and the CLI's on one data folder (real SQLite, two connections), on the bundled PTB-XL 00001 (CC BY 4.0).
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const sample = (name: string) => ({ name: `upload/${name}`, bytes: new Uint8Array(readFileSync(path.join(repoRoot, 'resources', 'samples', 'ptbxl', name))) });

const engines: Engine[] = [];
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(engines.splice(0).map((e) => e.close()));
});

function open(dataDir: string, shell: 'test' | 'cli'): Engine {
  const engine = new Engine({ dataDir, shell });
  engines.push(engine);
  return engine;
}

async function imported(engine: Engine): Promise<void> {
  const started = await engine.handle('records:import', { files: [sample('00001_hr.hea'), sample('00001_hr.dat')] });
  if (!started.ok) throw new Error(started.error.message);
  const { jobId } = started.value as { jobId: string };
  await new Promise<void>((resolve) => {
    const off = engine.onEvent((event, payload) => event === 'jobs:finished' && (payload as JobFinished).jobId === jobId && (off(), resolve()));
  });
}

async function note(engine: Engine, author: string): Promise<void> {
  const result = await engine.handle('notes:add', { recordId: 1, atS: 1.5, text: 'artefact', author });
  if (!result.ok) throw new Error(result.error.message);
}

describe("another process's changes to an open app's data folder", () => {
  it('are said to the windows as records:changed by another-process, once per poll, and the engine\'s own changes are not said again', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-external-'));
    const app = open(dataDir, 'test');
    const heard: unknown[] = [];
    app.onEvent((event, payload) => void (event === 'records:changed' && heard.push(payload)));
    await imported(app);
    vi.advanceTimersByTime(2000);
    expect(heard).toEqual([{ by: 'records:import' }]);

    // The CLI (`ecg` into the app's folder) adds two notes: one change said at the next poll, none before it.
    const cli = open(dataDir, 'cli');
    await note(cli, 'Dr. CLI');
    await note(cli, 'Dr. CLI');
    expect(heard).toHaveLength(1);
    vi.advanceTimersByTime(2000);
    expect(heard.slice(1)).toEqual([{ by: 'another-process' }]);
    vi.advanceTimersByTime(2000);
    expect(heard).toHaveLength(2);

    // The app's own note is said by its request alone.
    await note(app, 'Dr. App');
    vi.advanceTimersByTime(2000);
    expect(heard.slice(2)).toEqual([{ by: 'notes:add', recordId: 1 }]);
  });
});
