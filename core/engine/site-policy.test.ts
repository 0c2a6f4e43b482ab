import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppInfo } from '../contract/schemas';
import { Engine } from './engine';
import { policyFileLocation, SiteAccess } from './site-policy';

const me = os.userInfo().username;
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'einthoven-policy-'));

function policyFile(content: unknown): string {
  const file = path.join(tmp(), 'policy.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

const engines: Engine[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.close()));
});

function engineUnder(policy: string): Engine {
  const engine = new Engine({ dataDir: tmp(), shell: 'test', policyFile: policy });
  engines.push(engine);
  return engine;
}

describe('site policy: local roles', () => {
  it('gives every role without a policy file, and reads trainers and admins from one (any case, with or without a domain)', () => {
    expect(SiteAccess.load(path.join(tmp(), 'absent.json'), 'alice').info).toMatchObject({ roles: ['reader', 'trainer', 'admin'], policy: { state: 'none' } });
    const file = policyFile({ trainers: ['Bob'], admins: ['CLINIC\\Alice', 'carol@clinic.example'] });
    expect(SiteAccess.load(file, 'alice').info).toEqual({ account: 'alice', roles: ['reader', 'trainer', 'admin'], policy: { state: 'loaded', file } });
    expect(SiteAccess.load(file, 'carol').info.roles).toEqual(['reader', 'trainer', 'admin']);
    expect(SiteAccess.load(file, 'bob').info.roles).toEqual(['reader', 'trainer']);
    expect(SiteAccess.load(file, 'dave').info.roles).toEqual(['reader']);
    expect(SiteAccess.load(file, 'alicex').info.roles).toEqual(['reader']);
  });

  it('reads only, naming why, when the policy file exists but is not a policy (a typo must not open everything)', () => {
    for (const [content, why] of [
      ['{"admins": ["alice"', /not JSON/],
      [{ admin: ['alice'] }, /Unrecognized key.*admin/],
      [{ admins: 'alice' }, /admins: .*array/],
      [{ admins: [''] }, /admins\.0/],
      [{ dataDir: 'einthoven' }, /dataDir: an absolute path/],
      [{ dataDir: '/srv/einthoven', allowDataDirOverride: 'yes' }, /allowDataDirOverride: .*boolean/],
    ] as const) {
      const access = SiteAccess.load(policyFile(content), 'alice');
      expect(access.info.roles).toEqual(['reader']);
      expect(access.info.policy).toMatchObject({ state: 'invalid', error: expect.stringMatching(why) });
      expect(() => access.check('models:promote')).toThrow(/making a model the default needs the admin role: the site policy .* could not be read/);
    }
  });

  // A pipe has size 0 to stat, so the size check passed it: with no writer every role check hung.
  // A pipe with a writer at each opening stands in here: the old code read an admin's policy from
  // it, the new refuses it unread.
  it.skipIf(process.platform === 'win32')('refuses a policy path that is a named pipe without reading it: every account only reads', () => {
    const fifo = path.join(tmp(), 'policy.json');
    execFileSync('mkfifo', [fifo]);
    const writer = spawn('sh', ['-c', `while true; do printf '{"admins":["alice"]}' > '${fifo}'; done`], { stdio: 'ignore' });
    try {
      const access = SiteAccess.load(fifo, 'alice');
      expect(access.info.roles).toEqual(['reader']);
      expect(access.info.policy).toMatchObject({ state: 'invalid', error: 'not a regular file (a folder, device, pipe or socket); nothing was read from it' });
    } finally {
      writer.kill();
    }
  });

  it("uses the machine's policy where one exists, and EINTHOVEN_POLICY_FILE only where none does", () => {
    // Spelled as a share (//tmp/…), which Linux reads as the same folder and the Windows rule accepts.
    const programData = `/${tmp()}`;
    const own = `/${path.join(tmp(), 'mine.json')}`;
    const env = { ProgramData: programData, EINTHOVEN_POLICY_FILE: own };
    const machine = path.join(programData, 'Einthoven', 'policy.json');
    expect(policyFileLocation(env, 'win32')).toBe(path.resolve(own));
    mkdirSync(path.dirname(machine), { recursive: true });
    writeFileSync(machine, '{}');
    expect(policyFileLocation(env, 'win32')).toBe(machine);
    expect(policyFileLocation({ ProgramData: programData }, 'win32')).toBe(machine);
    expect(policyFileLocation({}, 'darwin')).toBe('/Library/Application Support/Einthoven/policy.json');
  });

  it('looks for the machine policy under C:\\ProgramData where ProgramData is unset or empty, and under a device path as given', () => {
    for (const env of [{}, { ProgramData: '' }]) {
      expect(policyFileLocation(env, 'win32')).toBe(path.join('C:\\ProgramData', 'Einthoven', 'policy.json'));
    }
    expect(policyFileLocation({ ProgramData: '\\\\?\\D:\\ProgramData' }, 'win32')).toBe(path.join('\\\\?\\D:\\ProgramData', 'Einthoven', 'policy.json'));
  });

  // Which policy governed depended on the folder or drive a process started from: a relative or
  // drive-relative ProgramData was silently replaced, and a relative EINTHOVEN_POLICY_FILE resolved against the current folder.
  it('refuses a ProgramData or EINTHOVEN_POLICY_FILE that is no one file wherever a process starts, naming it, its value and why', () => {
    const noMachinePolicy = `/${tmp()}`;
    const cases: [NodeJS.ProcessEnv, string, string, string][] = [
      [{}, 'ProgramData', 'ProgramData', 'relative to the folder each process starts in'],
      [{}, 'ProgramData', 'C:ProgramData', 'relative to the current folder of drive C:, which each process has its own of'],
      [{}, 'ProgramData', '\\ProgramData', 'a path without a drive, on whichever drive each process starts from'],
      [{ ProgramData: noMachinePolicy }, 'EINTHOVEN_POLICY_FILE', 'C:policy.json', 'relative to the current folder of drive C:, which each process has its own of'],
      [{ ProgramData: noMachinePolicy }, 'EINTHOVEN_POLICY_FILE', 'policy.json', 'relative to the folder each process starts in'],
      [{ ProgramData: noMachinePolicy }, 'EINTHOVEN_POLICY_FILE', '\\policy.json', 'a path without a drive, on whichever drive each process starts from'],
    ];
    for (const [env, variable, value, why] of cases) {
      expect(() => policyFileLocation({ ...env, [variable]: value }, 'win32'), `${variable}=${value}`).toThrow(
        expect.objectContaining({ code: 'E_VALIDATION', message: `${variable} is ${JSON.stringify(value)}, ${why}: the site policy file would differ from process to process; set it to a drive letter with its backslash (D:\\Einthoven) or \\\\server\\share` }),
      );
    }
    expect(() => policyFileLocation({ EINTHOVEN_POLICY_FILE: 'policy.json' }, 'linux')).toThrow(
      expect.objectContaining({ code: 'E_VALIDATION', message: 'EINTHOVEN_POLICY_FILE is "policy.json", relative to the folder each process starts in: the site policy file would differ from process to process; set it to a path starting with /' }),
    );
  });

  it('refuses a reader what needs a role (E_FORBIDDEN, audited with the channel), and lets every account read', async () => {
    const engine = engineUnder(policyFile({ trainers: ['somebody-else'] }));
    const info = await engine.handle('app:info', {});
    expect(info.ok && (info.value as AppInfo).access).toMatchObject({ account: me, roles: ['reader'], policy: { state: 'loaded' } });
    for (const [channel, request, doing] of [
      ['models:promote', { modelId: 'starter@0123456789ab', promotedBy: 'Dr. A', confirmed: true }, /^making a model the default needs the admin role: the site policy .*policy\.json does not give account '.+' the admin role; ask the site's IT$/],
      ['folders:allow', { path: tmp() }, /^allowing a dataset folder needs the trainer role/],
      ['datasets:inspect', { dataset: { kind: 'ptbxl', root: tmp() } }, /^inspecting a dataset needs the trainer role/],
      ['train:operating-point', { modelId: 'starter', dataset: { kind: 'ptbxl', root: tmp() }, goal: 'rule-out' }, /^choosing a site operating point for a model needs the trainer role/],
    ] as const) {
      const refused = await engine.handle(channel, request);
      expect(refused, channel).toMatchObject({ ok: false, error: { code: 'E_FORBIDDEN', message: expect.stringMatching(doing) } });
      expect(engine.audit.recent(1)[0]).toMatchObject({ action: 'access.refused', osAccount: me, details: { channel, roles: ['reader'], policyState: 'loaded' } });
    }
    expect(engine.folders.list()).toEqual([]);
    expect(await engine.handle('records:list', { limit: 10, offset: 0 })).toMatchObject({ ok: true });
    expect(await engine.handle('models:list', {})).toMatchObject({ ok: true });
  });

  it('lets a trainer allow folders but not change the default model, and an admin do both', async () => {
    const trainer = engineUnder(policyFile({ trainers: [me.toUpperCase()] }));
    expect(await trainer.handle('folders:allow', { path: tmp() })).toMatchObject({ ok: true });
    expect(await trainer.handle('models:promote', { modelId: 'none@0123456789ab', promotedBy: 'Dr. A', confirmed: true })).toMatchObject({ ok: false, error: { code: 'E_FORBIDDEN' } });
    const admin = engineUnder(policyFile({ admins: [`SOMEDOMAIN\\${me}`] }));
    expect(await admin.handle('folders:allow', { path: tmp() })).toMatchObject({ ok: true });
    // Past the role check: the unknown model is what stops it.
    expect(await admin.handle('models:promote', { modelId: 'none@0123456789ab', promotedBy: 'Dr. A', confirmed: true })).toMatchObject({ ok: false, error: { code: 'E_NOT_FOUND' } });
  });

  it('applies a change of the policy file at the next request, without a restart, and audits it once', async () => {
    const file = policyFile({ trainers: [me] });
    const engine = engineUnder(file);
    expect(await engine.handle('folders:allow', { path: tmp() })).toMatchObject({ ok: true });
    // IT withdraws the role while the app is open: refused from the next request on.
    writeFileSync(file, JSON.stringify({ trainers: ['somebody-else'] }));
    expect(await engine.handle('folders:allow', { path: tmp() })).toMatchObject({ ok: false, error: { code: 'E_FORBIDDEN' } });
    const info = await engine.handle('app:info', {});
    expect(info.ok && (info.value as AppInfo).access.roles).toEqual(['reader']);
    const changes = () => engine.audit.recent().filter((e) => e.action === 'access.policy-changed').reverse(); // oldest first
    expect(changes().map((e) => e.details)).toEqual([{ policy: file, policyState: 'loaded', roles: ['reader'], rolesBefore: ['reader', 'trainer'] }]);
    // A file being rewritten may be read half-written: that reads only, until it is whole again.
    writeFileSync(file, '{"trainers": [');
    expect(await engine.handle('folders:allow', { path: tmp() })).toMatchObject({ ok: false, error: { code: 'E_FORBIDDEN', message: expect.stringMatching(/could not be read/) } });
    writeFileSync(file, JSON.stringify({ admins: [me] }));
    expect(await engine.handle('folders:allow', { path: tmp() })).toMatchObject({ ok: true });
    // Removed: no policy, every role, as on an unmanaged workstation.
    rmSync(file);
    expect(engine.access.info.roles).toEqual(['reader', 'trainer', 'admin']);
    expect(changes().map((e) => e.details.policyState)).toEqual(['loaded', 'invalid', 'loaded', 'none']);
  });
});
