import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPackage } from '../../train/package/archive';
import { fixturePath } from '../../test/shared-data';
import { sameInterruptMs } from './train-flags';
import { auditTrail } from '../../test/engine-value';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** A real process in its own process group (as a terminal's foreground job), its stderr collected. */
interface Running {
  readonly child: ChildProcess;
  stderr(): string;
  /** Resolves once stderr matches. */
  waitFor(pattern: RegExp): Promise<void>;
  /** The exit code, or the signal's name when a signal ended it. */
  readonly ended: Promise<number | string>;
}

function start(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Running {
  const child = spawn(command, args, { cwd: repoRoot, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  child.stdout?.resume();
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
    for (const w of waiters.filter((w) => w.pattern.test(err))) w.resolve();
  });
  const ended = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return {
    child,
    stderr: () => err,
    waitFor: (pattern) => (pattern.test(err) ? Promise.resolve() : new Promise((resolve) => waiters.push({ pattern, resolve }))),
    ended,
  };
}

/** Ctrl-C at a terminal: SIGINT to every process of the foreground group (npm, its shell, node). */
function ctrlC(running: Running): void {
  process.kill(-(running.child.pid as number), 'SIGINT');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const trainArgs = (out: string, batch: number) => ['train', '--data', fixturePath('train', 'ptbxl'), '--arch', 'xresnet1d50', '--out', out, '--epochs', '200', '--batch', String(batch), '--lr', '1e-3', '--backend', 'wasm', '--workers', '1', '--min-examples', '1,1'];
const count = (text: string, pattern: RegExp) => text.match(new RegExp(pattern.source, 'g'))?.length ?? 0;

describe('Ctrl-C during training, sent as a terminal sends it (real processes)', () => {
  it('the interrupt handler takes several copies of one Ctrl-C as one; a second Ctrl-C later quits with 130', async () => {
    const script = [
      "import { interruptSignal } from './core/cli/commands/train-flags.ts';",
      'interruptSignal({ stdout: () => {}, stderr: (t) => process.stderr.write(t + "\\n") });',
      'setInterval(() => {}, 1000);',
      'process.stderr.write("ready\\n");',
    ].join('\n');
    const running = start(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script]);
    await running.waitFor(/ready/);
    const first = Date.now();
    for (let i = 0; i < 3; i++) {
      ctrlC(running);
      await sleep(20);
    }
    await sleep(300);
    expect(running.child.exitCode).toBeNull();
    expect(count(running.stderr(), /interrupted: stopping/)).toBe(1);
    await sleep(sameInterruptMs + 200 - (Date.now() - first));
    ctrlC(running);
    expect(await running.ended).toBe(130);
  });

  it('npm run ecg -- train: Ctrl-C after an epoch writes the best model so far', async () => {
    const out = path.join(await mkdtemp(path.join(tmpdir(), 'einthoven-sigint-')), 'model');
    const running = start('npm', ['run', '-s', 'ecg', '--', ...trainArgs(out, 6)]);
    await running.waitFor(/^epoch 1\/200 /m);
    ctrlC(running);
    await sleep(5);
    ctrlC(running); // a second copy of the same Ctrl-C (before: tsx's relay SIGKILLed node here)
    await running.ended;
    expect(count(running.stderr(), /interrupted: stopping/)).toBe(1);
    expect(running.stderr()).toMatch(/\[done\] saved /);
    const saved = await loadPackage(out);
    saved.model.dispose();
    expect(saved.manifest.provenance.epochs.best).toBeGreaterThanOrEqual(1);
    expect(saved.manifest.provenance.selection).toMatch(/cancelled, best epoch kept/);
  }, 180_000);

  it('Ctrl-C before the first epoch ended writes nothing, says so and exits 130', async () => {
    const out = path.join(await mkdtemp(path.join(tmpdir(), 'einthoven-sigint-')), 'model');
    // Batch 1: twelve steps in the first epoch, so the interrupt lands inside it.
    const running = start(process.execPath, ['--single-threaded-gc', '--import', 'tsx', 'core/cli/main.ts', ...trainArgs(out, 1)]);
    await running.waitFor(/^\[training\] /m);
    ctrlC(running);
    expect(await running.ended).toBe(130);
    expect(running.stderr()).toMatch(/E_CANCELLED: interrupted before the first epoch ended: no model written/);
    expect(running.stderr()).not.toMatch(/^epoch 1\//m);
    expect(existsSync(out)).toBe(false); // before: 'best epoch 0/0', an untrained network saved as a model
  }, 180_000);
});

describe('Ctrl-C or a kill during ecg operating-point into the data folder (real processes)', () => {
  const opArgs = (dataDir: string) => ['--import', 'tsx', 'core/cli/main.ts', 'operating-point', '--model', 'starter', '--data', fixturePath('train', 'ptbxl'), '--goal', 'rule-out', '--target', '0.8', '--min-val-examples', '1', '--backend', 'cpu', '--workers', '1', '--data-dir', dataDir];
  /** No site policy: every account may run it. */
  const env = (dataDir: string) => ({ ...process.env, EINTHOVEN_POLICY_FILE: path.join(dataDir, 'no-policy.json') });

  const trail = async (dataDir: string) => (await auditTrail(dataDir)).map((e) => ({ action: e.action, subject: e.subject, details: e.details }));

  it('Ctrl-C records the job\'s end as interrupted and exits 130, where the start stayed without an end', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'einthoven-op-sigint-'));
    const running = start(process.execPath, opArgs(dataDir), env(dataDir));
    await running.waitFor(/^\[loading\] /m);
    ctrlC(running);
    expect(await running.ended).toBe(130);
    expect(running.stderr()).toMatch(/interrupted \(SIGINT\): the operating-point job's end is recorded as interrupted in the audit trail \(job:cli-/);
    const entries = await trail(dataDir);
    expect(entries.map((e) => e.action)).toEqual(['operating-point.started', 'operating-point.finished']);
    expect(entries[1]).toMatchObject({ subject: entries[0]?.subject, details: { status: 'interrupted', signal: 'SIGINT' } });
    expect(await readdir(dataDir)).not.toContain('models'); // nothing was written for readers to see
  }, 120_000);

  it('a job killed outright (SIGKILL) gets its interrupted end at the next open of the data folder', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'einthoven-op-sigkill-'));
    const running = start(process.execPath, opArgs(dataDir), env(dataDir));
    await running.waitFor(/^\[loading\] /m);
    process.kill(running.child.pid as number, 'SIGKILL');
    expect(await running.ended).toBe('SIGKILL');
    const entries = await trail(dataDir);
    expect(entries.map((e) => e.action)).toEqual(['operating-point.started', 'operating-point.finished']);
    expect(entries[1]).toMatchObject({ subject: entries[0]?.subject, details: { status: 'interrupted', foundAt: 'next open', pid: running.child.pid } });
  }, 120_000);
});
