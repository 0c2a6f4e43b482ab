/**
 * kill -9 at random points and two processes at once, on real child processes of the CLI.
 *
 * Trials: EINTHOVEN_CRASH_TRIALS (default 2 import kills and 1 fine-tuning kill, to keep CI
 * short); the acceptance runs 20 of each:
 *   EINTHOVEN_CRASH_TRIALS=20 npx vitest run core/engine/crash-safety.test.ts
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../db/audit';
import { openDatabase } from '../db/database';
import { RecordStore } from '../db/records';
import { fixturePath } from '../test/shared-data';
import { loadPackage } from '../train/package/archive';
import { initBackend } from '../ml/backend/init';
import { finetuneCommand } from '../cli/commands/finetune';
import { runCli } from '../test/cli-io';
import { DecodePool } from './decode-pool';
import { importSources } from './import';
import { listSources } from './import-sources';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const trialsFromEnv = Number(process.env.EINTHOVEN_CRASH_TRIALS);
const trials = (ciDefault: number) => (Number.isInteger(trialsFromEnv) && trialsFromEnv > 0 ? trialsFromEnv : ciDefault);
const records100 = fixturePath('train', 'ptbxl', 'records100', '00000');
const pool = new DecodePool({ workers: 1 });
afterAll(() => pool.close());

/** mulberry32, seeded per trial so a failure names a reproducible trial. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function ecg(args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'core/cli/main.ts', ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs to the end; resolves with exit code and output. */
function finish(child: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

/** SIGKILLs the child once `pattern` has appeared `count` times in its output, plus a random delay. */
function killAfter(child: ChildProcess, stream: 'stdout' | 'stderr', pattern: RegExp, count: number, delayMs: number): Promise<{ killed: boolean }> {
  let seen = 0;
  let text = '';
  const kill = () => setTimeout(() => child.kill('SIGKILL'), delayMs);
  if (count === 0) kill();
  child[stream]?.on('data', (chunk: Buffer) => {
    text += chunk.toString();
    const lines = text.split('\n');
    text = lines.pop() ?? '';
    for (const line of lines) if (pattern.test(line) && ++seen === count) kill();
  });
  child.stdout?.resume();
  child.stderr?.resume();
  return new Promise((resolve) => child.on('exit', (_code, signal) => resolve({ killed: signal === 'SIGKILL' })));
}

/** The database after a crash: intact, every record with its import audit entry, the chain valid. */
function checkIntegrity(dataDir: string): number {
  const file = path.join(dataDir, 'einthoven.sqlite');
  if (!existsSync(file)) return 0;
  const { db } = openDatabase(file);
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const orphans = db.prepare("SELECT r.id FROM records r WHERE NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.action = 'record.imported' AND a.subject = 'record:' || r.id)").all();
    expect(orphans).toEqual([]);
    const signals = db.prepare('SELECT count(*) AS n FROM records r JOIN record_signals s ON s.record_id = r.id').get() as { n: number };
    const count = new RecordStore(db).count();
    expect(signals.n).toBe(count);
    expect(new AuditLog(db).verify()).toMatchObject({ ok: true });
    return count;
  } finally {
    db.close();
  }
}

describe('crash safety: kill -9 and concurrent processes (real child processes)', () => {
  const total = listSources([records100]).filter((s) => s.name.endsWith('.hea')).length;

  it(`import killed at random points (${trials(2)} trials) leaves every record with its audit entry and resumes to every record once`, async () => {
    for (let trial = 1; trial <= trials(2); trial++) {
      const rng = random(trial);
      const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-kill-import-'));
      const child = ecg(['import', records100, '--json', '--data-dir', dataDir]);
      const { killed } = await killAfter(child, 'stdout', /"status"/, Math.floor(rng() * total), Math.floor(rng() * 40));
      const stored = checkIntegrity(dataDir);
      expect.soft(killed || stored === total, `trial ${trial}: neither killed nor complete`).toBe(true);
      const { db } = openDatabase(path.join(dataDir, 'einthoven.sqlite'));
      const { reports } = await importSources(new RecordStore(db), new AuditLog(db), listSources([records100]), { actor: 'test', pool });
      db.close();
      expect(reports.filter((r) => r.status === 'duplicate')).toHaveLength(stored);
      expect(reports.filter((r) => r.status === 'imported')).toHaveLength(total - stored);
      expect(checkIntegrity(dataDir)).toBe(total);
    }
  }, 60_000 * trials(2));

  it('two processes importing overlapping folders into one new data folder both finish, every record stored once', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-concurrent-'));
    // Headers only: each brings its signal file. An overlap of 6 records.
    const files = listSources([records100]).map((s) => s.name).filter((n) => n.endsWith('.hea')).sort();
    const half = Math.floor(files.length / 2) + 3;
    const [a, b] = await Promise.all([
      finish(ecg(['import', ...files.slice(0, half), '--json', '--data-dir', dataDir])),
      finish(ecg(['import', ...files.slice(files.length - half), '--json', '--data-dir', dataDir])),
    ]);
    expect([a.code, b.code, a.stderr, b.stderr]).toEqual([0, 0, '', '']);
    const reports = [...a.stdout.trim().split('\n'), ...b.stdout.trim().split('\n')].map((l) => JSON.parse(l) as { status: string; recordId: number });
    expect(reports.filter((r) => r.status === 'imported')).toHaveLength(total);
    expect(reports.filter((r) => r.status === 'duplicate').length).toBeGreaterThan(0);
    expect(new Set(reports.map((r) => r.recordId)).size).toBe(total);
    expect(checkIntegrity(dataDir)).toBe(total);
  }, 120_000);

  it(`fine-tuning killed at random points (${trials(1)} trials) never damages the existing --out package and resumes from its checkpoint`, async () => {
    await initBackend({ force: 'cpu' });
    const starter = path.join(repoRoot, 'resources', 'models', 'starter');
    for (let trial = 1; trial <= trials(1); trial++) {
      const rng = random(100 + trial);
      const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-kill-finetune-'));
      const out = path.join(dir, 'out');
      cpSync(starter, out, { recursive: true }); // a good package the new one replaces
      const args = ['finetune', '--base', starter, '--data', fixturePath('train', 'ptbxl'), '--mode', 'head', '--out', out, '--checkpoint', path.join(dir, 'ck'), '--epochs', '6', '--batch', '4', '--feature-crops', '1', '--min-examples', '1,1', '--backend', 'cpu'];
      // Killed after 0–6 epochs (6 = while the package is written), at a random moment within.
      await killAfter(ecg(args), 'stderr', /^epoch \d+\/6/, Math.floor(rng() * 7), Math.floor(rng() * 400));
      const survivor = await loadPackage(out); // the old package or the complete new one, never a mix
      survivor.model.dispose();
      const pointer = path.join(dir, 'ck', 'checkpoint.json');
      const saved = existsSync(pointer) ? Number(/epoch-(\d+)/.exec(readFileSync(pointer, 'utf8'))?.[1]) : 0;
      // The resume runs in this process: it reads only what the killed one left on disk, and a third
      // process through tsx cost seconds of CPU compiling and loading the engine again.
      const [, ...finetuneArgs] = args;
      const rerun = await runCli(finetuneCommand, finetuneArgs);
      const rerunStderr = rerun.stderr.join('\n');
      expect(rerun.code, rerunStderr).toBe(0);
      const firstEpoch = Number(/^epoch (\d+)\/6/m.exec(rerunStderr)?.[1] ?? 7);
      expect(firstEpoch).toBe(saved + 1); // resumed where the checkpoint stopped
      const done = await loadPackage(out);
      expect(done.manifest.provenance.base?.mode).toBe('head');
      done.model.dispose();
    }
  }, 180_000 * trials(1));
});
