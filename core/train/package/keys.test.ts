import { execFileSync, spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditLog, currentOsAccount } from '../../db/audit';
import { openDatabase } from '../../db/database';
import { databasePath } from '../../engine/data-dir';
import type { CliIO } from '../../cli/command';
import { auditCommand } from '../../cli/commands/audit';
import { bundledModelsDir } from '../../cli/commands/model-path';
import { packageCommand } from '../../cli/commands/package';
import { auditTrail } from '../../test/engine-value';
import { createSigningKey, signingKeyPath } from './keys';

const io: CliIO = { stdout: () => undefined, stderr: () => undefined };

/** A data folder with a database and the installation's key, then the key file rewritten by `damage`. */
async function damagedKey(damage: (text: string) => string): Promise<{ dataDir: string; file: string }> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'signing-key-'));
  openDatabase(databasePath(dataDir)).db.close();
  await createSigningKey(dataDir, 'Cardiology, Test Hospital');
  const file = signingKeyPath(dataDir);
  writeFileSync(file, damage(readFileSync(file, 'utf8')));
  return { dataDir, file };
}

describe('a damaged signing key file', () => {
  it('a truncated key stops an anchor export with E_IO naming the file, not E_INTERNAL in the JSON parser\'s words, and writes no anchor', async () => {
    const { dataDir, file } = await damagedKey((text) => text.slice(0, 60));
    const anchor = path.join(dataDir, 'anchor.json');
    await expect(auditCommand.run(['--export-anchor', anchor, '--data-dir', dataDir], io)).rejects.toMatchObject({
      code: 'E_IO',
      message: expect.stringMatching(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not an Einthoven signing key \\(not the JSON of a key file: damaged or truncated\\); restore it`)),
    });
    expect(existsSync(anchor)).toBe(false);
  });

  // stat gives a pipe size 0: one with no writer hung every signing. A writer at each opening
  // stands in here, giving the key's own bytes: the old code read from it, the new refuses it unread.
  it.skipIf(process.platform === 'win32')('a key file that is a named pipe is refused unread, and no anchor is written', async () => {
    const { dataDir, file } = await damagedKey((text) => text);
    const key = path.join(path.dirname(dataDir), `${path.basename(dataDir)}-key.json`);
    cpSync(file, key);
    rmSync(file);
    execFileSync('mkfifo', [file]);
    const writer = spawn('sh', ['-c', `while true; do cat '${key}' > '${file}'; done`], { stdio: 'ignore' });
    try {
      const anchor = path.join(dataDir, 'anchor.json');
      await expect(auditCommand.run(['--export-anchor', anchor, '--data-dir', dataDir], io)).rejects.toMatchObject({
        code: 'E_IO',
        message: expect.stringContaining('not an Einthoven signing key (not a regular file (a folder, device, pipe or socket); nothing was read from it)'),
      });
      expect(existsSync(anchor)).toBe(false);
    } finally {
      writer.kill();
    }
  });

  it('a key whose PEM is not an Ed25519 private key is refused as such before anything is signed', async () => {
    const { dataDir } = await damagedKey((text) => JSON.stringify({ ...(JSON.parse(text) as object), privateKeyPem: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n' }));
    const pkg = path.join(mkdtempSync(path.join(os.tmpdir(), 'signing-key-pkg-')), 'starter');
    cpSync(path.join(bundledModelsDir(), 'starter'), pkg, { recursive: true });
    const before = readFileSync(path.join(pkg, 'manifest.json'), 'utf8');
    await expect(packageCommand.run(['seal', pkg, '--sign', '--data-dir', dataDir], io)).rejects.toMatchObject({
      code: 'E_IO',
      message: expect.stringContaining('not an Einthoven signing key (its privateKeyPem is not an Ed25519 private key)'),
    });
    expect(readFileSync(path.join(pkg, 'manifest.json'), 'utf8')).toBe(before);
  });
});

describe('ecg package keygen under a site policy', () => {
  it("a reader is refused (E_FORBIDDEN, audited) and no key is made; an admin's key is audited with its fingerprint", async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'signing-keygen-'));
    const policy = path.join(dataDir, 'policy.json');
    const me = os.userInfo().username;
    const out: string[] = [];
    const keygen = () => packageCommand.run(['keygen', '--signer', 'Cardiology, Test Hospital', '--data-dir', dataDir], { stdout: (t) => out.push(t), stderr: () => undefined });
    process.env.EINTHOVEN_POLICY_FILE = policy;
    try {
      // The key speaks for the hospital in every package the workstation makes: a reader made it unaudited.
      writeFileSync(policy, JSON.stringify({ trainers: [me], admins: ['someone-else'] }));
      await expect(keygen()).rejects.toMatchObject({ code: 'E_FORBIDDEN', message: expect.stringMatching(/^creating the installation's signing key needs the admin role: the site policy .* does not give account '.+' the admin role/) });
      expect(existsSync(signingKeyPath(dataDir))).toBe(false);
      writeFileSync(policy, JSON.stringify({ admins: [me] }));
      expect(await keygen()).toBe(0);
    } finally {
      delete process.env.EINTHOVEN_POLICY_FILE;
    }
    const fingerprint = /fingerprint ([0-9a-f]{16})$/.exec(out.at(-1) ?? '')?.[1];
    const trail = (await auditTrail(dataDir)).map((e) => ({ action: e.action, details: e.details }));
    expect(trail).toEqual([
      { action: 'access.refused', details: expect.objectContaining({ command: 'package keygen', roles: ['reader', 'trainer'] }) },
      { action: 'signing-key.created', details: { signer: 'Cardiology, Test Hospital', fingerprint, file: path.join('keys', 'signing-key.json') } },
    ]);
  });
});

/** `command` run as an account that may not read `dataDir`'s key: under root a second uid (root reads any file), else the key made unreadable. */
function asAnotherAccount(dataDir: string, writable: readonly string[], command: string[]): SpawnSyncReturns<string> {
  const repoRoot = path.resolve(import.meta.dirname, '../../..');
  if (process.getuid?.() !== 0) {
    chmodSync(signingKeyPath(dataDir), 0o000);
    return spawnSync(process.execPath, command, { cwd: repoRoot, encoding: 'utf8' });
  }
  // As IT shares a data folder with the readers' group (2770): everything but the key open to the other account.
  for (const dir of [dataDir, path.dirname(signingKeyPath(dataDir)), ...writable]) chmodSync(dir, 0o777);
  if (existsSync(databasePath(dataDir))) chmodSync(databasePath(dataDir), 0o666);
  // Its temp folder (tsx's cache) one it may write: the test run's (scripts/test-tmp.ts) lets other accounts only pass through.
  const own = writable[0];
  return spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, ...command], { cwd: repoRoot, env: { ...process.env, HOME: own, TMPDIR: own }, encoding: 'utf8' });
}

describe('an account that cannot read the signing key (a shared data folder, the key its creator\'s)', () => {
  it.skipIf(process.platform === 'win32')('leaves the package it trained unsigned, where the job failed at its end signing it', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'signing-key-trained-'));
    await createSigningKey(dataDir, 'Cardiology, Test Hospital');
    const out = path.join(dataDir, 'models', 'site-model');
    cpSync(path.join(bundledModelsDir(), 'starter'), out, { recursive: true });
    const before = readFileSync(path.join(out, 'manifest.json'), 'utf8');
    const script = path.join(mkdtempSync(path.join(os.tmpdir(), 'signing-key-script-')), 'sign.mts');
    const repoRoot = path.resolve(import.meta.dirname, '../../..');
    writeFileSync(script, `import { signIfKeyed } from ${JSON.stringify(path.join(repoRoot, 'core/train/service/operating-point-result.ts'))};\nawait signIfKeyed(${JSON.stringify(dataDir)}, ${JSON.stringify(out)});\n`);
    const run = asAnotherAccount(dataDir, [path.dirname(script), path.dirname(out), out], ['--import', 'tsx', script]);
    expect(run.stderr).not.toMatch(/EACCES|E_IO/);
    expect(run.status).toBe(0);
    expect(readFileSync(path.join(out, 'manifest.json'), 'utf8')).toBe(before);
  });
});

describe('an audit anchor exported by an account that cannot read the signing key', () => {
  // The key is owner-only even in a folder the readers' group shares: every other account's export failed (E_IO).
  it.skipIf(process.platform === 'win32')('is written unsigned, saying why, rather than not at all', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'signing-key-shared-'));
    const { db } = openDatabase(databasePath(dataDir));
    new AuditLog(db, () => ({ osAccount: currentOsAccount() })).append('user', 'record.viewed', 'record:1');
    db.close();
    await createSigningKey(dataDir, 'Cardiology, Test Hospital');
    const out = mkdtempSync(path.join(os.tmpdir(), 'signing-key-anchors-'));
    const anchor = path.join(out, 'anchors', 'anchor.json');
    mkdirSync(path.dirname(anchor));
    const run = asAnotherAccount(dataDir, [out, path.dirname(anchor)], ['--import', 'tsx', 'core/cli/main.ts', 'audit', '--export-anchor', anchor, '--data-dir', dataDir]);
    expect(run.stderr).not.toMatch(/E_IO/);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^anchor written to .*anchor\\.json: entry 1 [0-9a-f]{64}, not signed: the installation's signing key .*signing-key\\.json is readable only by the account that created it`));
    expect(JSON.parse(readFileSync(anchor, 'utf8'))).not.toHaveProperty('signature');
  });
});

describe('ecg package keygen text output', () => {
  // The key's file lies in the --data-dir given: printed raw, an escape in it recoloured the terminal and an override reordered the line.
  it('writes an escape sequence and an override in the key file path visibly', async () => {
    const dataDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'signing-keygen-')), 'data\x1b[31m\u202e');
    const out: string[] = [];
    expect(await packageCommand.run(['keygen', '--signer', 'Cardiology, Test Hospital', '--data-dir', dataDir], { stdout: (t) => out.push(t), stderr: () => undefined })).toBe(0);
    expect(out).toEqual([expect.stringMatching(/^created \S*data\\u001b\[31m\\u202e\S* for Cardiology, Test Hospital, fingerprint [0-9a-f]{16}$/)]);
  });
});
