import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EinthovenError } from '../errors';
import { resolveDataDir } from './data-dir';
import { fullyAbsolute } from './env-folder';

describe('resolveDataDir', () => {
  it('refuses an empty --data-dir rather than falling back to the default folder', () => {
    for (const empty of ['', '  ']) expect(() => resolveDataDir(empty, { EINTHOVEN_DATA_DIR: '/tmp/b' })).toThrow(/--data-dir is empty/);
  });

  it('prefers the flag, then EINTHOVEN_DATA_DIR', () => {
    expect(resolveDataDir('/tmp/a', { EINTHOVEN_DATA_DIR: '/tmp/b' })).toBe(path.resolve('/tmp/a'));
    expect(resolveDataDir(undefined, { EINTHOVEN_DATA_DIR: '/tmp/b' })).toBe(path.resolve('/tmp/b'));
  });

  it('follows each OS convention otherwise', () => {
    expect(resolveDataDir(undefined, { XDG_DATA_HOME: '/x' }, 'linux')).toBe(path.join('/x', 'einthoven'));
    expect(resolveDataDir(undefined, { APPDATA: 'C:/Users/u/AppData/Roaming', LOCALAPPDATA: 'C:/Users/u/AppData/Local' }, 'win32')).toBe(
      path.join('C:/Users/u/AppData/Local', 'Einthoven'),
    );
    expect(resolveDataDir(undefined, {}, 'darwin')).toMatch(/Library[\\/]Application Support[\\/]Einthoven$/);
  });

  it("keeps the Windows database out of the roaming profile (synced to the profile server, often a network share), yet goes on using one an earlier version made there", () => {
    const profile = mkdtempSync(path.join(os.tmpdir(), 'einthoven-windows-profile-'));
    // Windows takes a folder on no drive for none (/tmp/…); spelled as a share (//tmp/…) it is one, and still this folder to Linux.
    const share = (dir: string) => (process.platform === 'win32' ? dir : `/${dir}`);
    const env = { APPDATA: share(path.join(profile, 'Roaming')), LOCALAPPDATA: share(path.join(profile, 'Local')), USERPROFILE: share(profile) };
    expect(resolveDataDir(undefined, env, 'win32')).toBe(path.join(profile, 'Local', 'Einthoven'));
    // An update must not seem to lose every record: the roaming folder's database stays in use until IT moves it.
    mkdirSync(path.join(profile, 'Roaming', 'Einthoven'), { recursive: true });
    writeFileSync(path.join(profile, 'Roaming', 'Einthoven', 'einthoven.sqlite'), 'x');
    expect(resolveDataDir(undefined, env, 'win32')).toBe(path.join(profile, 'Roaming', 'Einthoven'));
    mkdirSync(path.join(profile, 'Local', 'Einthoven'), { recursive: true });
    writeFileSync(path.join(profile, 'Local', 'Einthoven', 'einthoven.sqlite'), 'x');
    expect(resolveDataDir(undefined, env, 'win32')).toBe(path.join(profile, 'Local', 'Einthoven'));
  });

  it('ignores an empty or relative XDG_DATA_HOME or HOME (the XDG Base Directory rule), and an empty LOCALAPPDATA, where it put the database under the current folder', () => {
    for (const xdg of ['', 'einthoven-data', './x']) {
      expect(resolveDataDir(undefined, { XDG_DATA_HOME: xdg, HOME: '/home/u' }, 'linux')).toBe(path.join('/home/u', '.local', 'share', 'einthoven'));
    }
    expect(resolveDataDir(undefined, { LOCALAPPDATA: '', USERPROFILE: 'C:\\Users\\u' }, 'win32')).toBe(path.join('C:\\Users\\u', 'AppData', 'Local', 'Einthoven'));
    // HOME itself empty or relative: the account's home folder from the system's user database.
    const account = os.userInfo().homedir;
    for (const home of ['', 'u']) {
      expect(resolveDataDir(undefined, { HOME: home }, 'linux')).toBe(path.join(account, '.local', 'share', 'einthoven'));
      expect(resolveDataDir(undefined, { HOME: home }, 'darwin')).toBe(path.join(account, 'Library', 'Application Support', 'Einthoven'));
    }
  });

  // path.win32 takes \\Users\\x for absolute, yet it is on the drive each process starts from; EINTHOVEN_DATA_DIR was resolved against each one's current folder.
  it('refuses an environment variable choosing the data folder that is no one folder wherever a process starts, naming it, its value and why', () => {
    const profile = { USERPROFILE: 'C:\\Users\\u', LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local', APPDATA: 'C:\\Users\\u\\AppData\\Roaming' };
    const noDrive = 'a path without a drive, on whichever drive each process starts from';
    const cases: [NodeJS.ProcessEnv, string, string, string][] = [
      [profile, 'EINTHOVEN_DATA_DIR', '\\Users\\x', noDrive],
      [profile, 'EINTHOVEN_DATA_DIR', '/Users/x', noDrive],
      [profile, 'EINTHOVEN_DATA_DIR', 'Users\\x', 'relative to the folder each process starts in'],
      [profile, 'EINTHOVEN_DATA_DIR', 'C:foo', 'relative to the current folder of drive C:, which each process has its own of'],
      [profile, 'LOCALAPPDATA', '\\Users\\x\\AppData\\Local', noDrive],
      [profile, 'APPDATA', '/Users/x/AppData/Roaming', noDrive],
      [{ USERPROFILE: 'C:\\Users\\u' }, 'USERPROFILE', '\\Users\\x', noDrive],
      // Relative ones were silently replaced by the default folder, another than the one IT set.
      [profile, 'LOCALAPPDATA', 'Local', 'relative to the folder each process starts in'],
      [profile, 'LOCALAPPDATA', 'C:Local', 'relative to the current folder of drive C:, which each process has its own of'],
      [profile, 'APPDATA', 'Roaming', 'relative to the folder each process starts in'],
      [{ LOCALAPPDATA: '' }, 'USERPROFILE', 'Users\\u', 'relative to the folder each process starts in'],
    ];
    for (const [env, variable, value, why] of cases) {
      expect(() => resolveDataDir(undefined, { ...env, [variable]: value }, 'win32'), `${variable}=${value}`).toThrow(
        expect.objectContaining({ code: 'E_VALIDATION', message: `${variable} is ${JSON.stringify(value)}, ${why}: the data folder would differ from process to process; set it to a drive letter with its backslash (D:\\Einthoven) or \\\\server\\share` }),
      );
    }
    expect(() => resolveDataDir(undefined, { EINTHOVEN_DATA_DIR: 'einthoven-data' }, 'linux')).toThrow(
      expect.objectContaining({ code: 'E_VALIDATION', message: 'EINTHOVEN_DATA_DIR is "einthoven-data", relative to the folder each process starts in: the data folder would differ from process to process; set it to a path starting with /' }),
    );
    // The folder a valid LOCALAPPDATA names is made under it, however USERPROFILE is set.
    expect(resolveDataDir(undefined, { ...profile, USERPROFILE: '\\Users\\u' }, 'win32')).toBe(path.join(profile.LOCALAPPDATA, 'Einthoven'));
  });

  it("uses the site policy's shared folder, and the account's own when the policy names none", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-policy-dir-'));
    const policy = path.join(dir, 'policy.json');
    const shared = path.join(dir, 'srv', 'einthoven');
    mkdirSync(shared, { recursive: true });
    const env = { XDG_DATA_HOME: '/x', EINTHOVEN_POLICY_FILE: policy };
    writeFileSync(policy, JSON.stringify({ dataDir: shared, trainers: ['bob'] }));
    expect(resolveDataDir(undefined, env, 'linux')).toBe(shared);
    // The policy's own folder named outright, however spelled, is that folder.
    expect(resolveDataDir(`${shared}/`, env, 'linux')).toBe(shared);
    expect(resolveDataDir(undefined, { ...env, EINTHOVEN_DATA_DIR: path.join(dir, 'srv', '.', 'einthoven') }, 'linux')).toBe(shared);
    writeFileSync(policy, JSON.stringify({ trainers: ['bob'] }));
    expect(resolveDataDir(undefined, env, 'linux')).toBe(path.join('/x', 'einthoven'));
    expect(resolveDataDir('/tmp/a', env, 'linux')).toBe(path.resolve('/tmp/a'));
  });

  it("refuses another folder than the policy's shared one (E_FORBIDDEN naming the file and its folder), where any account could split the audit trail, unless the policy allows it", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-policy-dir-'));
    const policy = path.join(dir, 'policy.json');
    const shared = path.join(dir, 'shared');
    const env = { XDG_DATA_HOME: '/x', EINTHOVEN_POLICY_FILE: policy };
    writeFileSync(policy, JSON.stringify({ dataDir: shared, trainers: ['bob'] }));
    for (const [flag, overrideEnv, by] of [
      ['/tmp/a', {}, '--data-dir /tmp/a'],
      [undefined, { EINTHOVEN_DATA_DIR: '/tmp/b' }, 'EINTHOVEN_DATA_DIR=/tmp/b'],
      // The flag comes first: naming the shared folder in the environment does not let it through.
      ['/tmp/a', { EINTHOVEN_DATA_DIR: shared }, '--data-dir /tmp/a'],
    ] as const) {
      let thrown: unknown;
      try {
        resolveDataDir(flag, { ...env, ...overrideEnv }, 'linux');
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(EinthovenError);
      expect(thrown).toMatchObject({
        code: 'E_FORBIDDEN',
        message: `${by} is refused: the site policy ${policy} sets this workstation's data folder to ${shared}, shared by every account so that its records and audit trail stay one; leave the folder out (or name ${shared}), or ask the site's IT (the policy's allowDataDirOverride lets another folder be named)`,
      });
    }
    // IT makes the shared folder: one the app made would be the first account's alone (0700).
    expect(() => resolveDataDir(undefined, env, 'linux')).toThrow(
      expect.objectContaining({ code: 'E_NOT_FOUND', message: expect.stringMatching(new RegExp(`^the site policy .*policy\\.json sets this workstation's data folder to .*shared, which does not exist: the site's IT creates it, writable by every account`)) }),
    );
    expect(existsSync(shared)).toBe(false);
    // A link to the shared folder is the shared folder.
    mkdirSync(shared);
    symlinkSync(shared, path.join(dir, 'link'));
    expect(resolveDataDir(path.join(dir, 'link'), env, 'linux')).toBe(shared);
    writeFileSync(policy, JSON.stringify({ dataDir: shared, allowDataDirOverride: true }));
    expect(resolveDataDir('/tmp/a', env, 'linux')).toBe(path.resolve('/tmp/a'));
    expect(resolveDataDir(undefined, { ...env, EINTHOVEN_DATA_DIR: '/tmp/b' }, 'linux')).toBe(path.resolve('/tmp/b'));
    expect(resolveDataDir(undefined, env, 'linux')).toBe(shared);
    // Validated like the policy's other keys: a string is no yes.
    writeFileSync(policy, JSON.stringify({ dataDir: shared, allowDataDirOverride: 'yes' }));
    expect(() => resolveDataDir(undefined, env, 'linux')).toThrow(/could not be read \(allowDataDirOverride: .*boolean/);
  });

  it("opens no folder under a policy file that cannot be read, naming the file and the problem: the account's own folder would split the trail", () => {
    const policy = path.join(mkdtempSync(path.join(os.tmpdir(), 'einthoven-policy-dir-')), 'policy.json');
    const env = { XDG_DATA_HOME: '/x', EINTHOVEN_POLICY_FILE: policy };
    const unreadable: [string, RegExp][] = [
      // The reviewer's file: a shared folder, with one key the schema does not know.
      [JSON.stringify({ trainers: ['bob'], admins: ['alice'], dataDir: '/srv/einthoven', comment: 'x' }), /Unrecognized key.*comment/],
      [JSON.stringify({ dataDir: 'relative/dir' }), /dataDir: an absolute path/],
      ['{ not json', /not JSON/],
    ];
    for (const [text, problem] of unreadable) {
      writeFileSync(policy, text);
      let thrown: unknown;
      try {
        resolveDataDir(undefined, env, 'linux');
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(EinthovenError);
      expect(thrown).toMatchObject({ code: 'E_FORMAT', message: expect.stringContaining(`the site policy ${policy} could not be read (`) });
      expect((thrown as Error).message).toMatch(problem);
      expect((thrown as Error).message).toMatch(/no data folder is opened/);
      // A folder named outright is still that folder (the engine then gives every account reading only).
      expect(resolveDataDir('/tmp/a', env, 'linux')).toBe(path.resolve('/tmp/a'));
      expect(resolveDataDir(undefined, { ...env, EINTHOVEN_DATA_DIR: '/tmp/b' }, 'linux')).toBe(path.resolve('/tmp/b'));
    }
  });

  // The policy is read on the machine it governs, so the case is the other system's path on this one.
  it.skipIf(process.platform === 'win32')("refuses a Windows dataDir on Linux or macOS, where it was a folder under each process's working folder", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-policy-windows-'));
    const policy = path.join(dir, 'policy.json');
    // The docs' own Windows example, copied onto a Linux workstation.
    writeFileSync(policy, JSON.stringify({ admins: ['alice'], dataDir: 'D:\\Einthoven' }));
    const env = { XDG_DATA_HOME: '/x', EINTHOVEN_POLICY_FILE: policy };
    expect(() => resolveDataDir(undefined, env, process.platform)).toThrow(
      expect.objectContaining({ code: 'E_FORMAT', message: expect.stringContaining(`the site policy ${policy} could not be read (dataDir: an absolute path of this operating system (starting with /))`) }),
    );
  });

  // path.win32 takes \\Einthoven for absolute, yet it is on the drive each process started from.
  it("refuses on Windows a dataDir without a drive (\\Einthoven), which was on whichever drive a process started from", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-policy-drive-'));
    const policy = path.join(dir, 'policy.json');
    // The policy file spelled as a share (//tmp/…), which Linux reads as the same file and the Windows rule accepts.
    const env = { USERPROFILE: 'C:\\Users\\u', EINTHOVEN_POLICY_FILE: `/${policy}` };
    for (const dataDir of ['\\Einthoven', '/Einthoven', 'D:Einthoven']) {
      writeFileSync(policy, JSON.stringify({ admins: ['alice'], dataDir }));
      expect(() => resolveDataDir(undefined, env, 'win32')).toThrow(
        expect.objectContaining({ code: 'E_FORMAT', message: expect.stringContaining('dataDir: an absolute path of this operating system (a drive letter with its backslash, D:\\Einthoven, or \\\\server\\share)') }),
      );
    }
    // A drive or a share is read as the shared folder (here missing, as neither exists on this machine).
    for (const dataDir of ['D:\\Einthoven', '\\\\server\\share\\Einthoven']) {
      writeFileSync(policy, JSON.stringify({ admins: ['alice'], dataDir }));
      expect(() => resolveDataDir(undefined, env, 'win32')).toThrow(expect.objectContaining({ code: 'E_NOT_FOUND' }));
    }
  });
});

describe('fullyAbsolute: one folder wherever a process starts', () => {
  it('takes on Windows a drive with its separator or a UNC path, not a path on the current drive (\\Einthoven) or a drive-relative one (D:Einthoven)', () => {
    for (const dir of ['D:\\Einthoven', 'c:/Einthoven', '\\\\server\\share\\Einthoven', '//server/share', '\\\\?\\D:\\Einthoven']) expect(fullyAbsolute(dir, 'win32')).toBe(true);
    for (const dir of ['\\Einthoven', '/Einthoven', 'D:Einthoven', 'Einthoven', '\\\\']) expect(fullyAbsolute(dir, 'win32')).toBe(false);
    expect(fullyAbsolute('/srv/einthoven', 'linux')).toBe(true);
    for (const dir of ['D:\\Einthoven', 'srv/einthoven']) expect(fullyAbsolute(dir, 'darwin')).toBe(false);
  });
});

describe("the test suite's default data folder", () => {
  it("is a fresh temporary folder, never the account's own (where `npm test` on a workstation in use wrote into its database)", () => {
    const folder = resolveDataDir();
    // The run's temporary folder (scripts/test-tmp.ts), removed when the run ends.
    expect(folder).toBe(path.join(os.tmpdir(), 'data-home', 'einthoven'));
    expect(folder.startsWith(path.join(os.homedir(), '.local'))).toBe(false);
  });
});
