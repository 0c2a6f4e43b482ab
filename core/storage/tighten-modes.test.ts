import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tightenDataFolder, tighteningNote } from './tighten-modes';

const modeOf = (file: string) => statSync(file).mode & 0o7777;
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'einthoven-tighten-'));

/** A data folder as an earlier version left it under the default umask: folders 0755, files 0644. */
function earlierVersionFolder(dataDirMode = 0o755): string {
  const dataDir = tmp();
  chmodSync(dataDir, dataDirMode);
  for (const file of ['einthoven.sqlite', 'einthoven.sqlite-wal']) writeFileSync(path.join(dataDir, file), 'x', { mode: 0o644 });
  for (const [folder, file] of [['exports', 'record-17.json'], ['logs', 'einthoven.log'], ['keys', 'signing-key.json']] as const) {
    mkdirSync(path.join(dataDir, folder), { mode: 0o755 });
    chmodSync(path.join(dataDir, folder), 0o755);
    writeFileSync(path.join(dataDir, folder, file), 'x');
    chmodSync(path.join(dataDir, folder, file), 0o644);
  }
  return dataDir;
}

/** Whether a file here can be made immutable (chattr +i): root, ext4, the chattr tool. */
function immutableFiles(): boolean {
  const file = path.join(tmp(), 'probe');
  writeFileSync(file, '');
  if (spawnSync('chattr', ['+i', file]).status !== 0) return false;
  spawnSync('chattr', ['-i', file]);
  return true;
}

describe.runIf(process.platform !== 'win32')('tightenDataFolder: what an earlier version left open', () => {
  it('gives the data folder, the database and exports/, logs/, keys/ and their files the modes new ones get, once', () => {
    const dataDir = earlierVersionFolder();
    const tightening = tightenDataFolder(dataDir);
    expect(tightening.failed).toEqual([]);
    expect(modeOf(dataDir)).toBe(0o700);
    expect(modeOf(path.join(dataDir, 'einthoven.sqlite'))).toBe(0o600);
    expect(modeOf(path.join(dataDir, 'einthoven.sqlite-wal'))).toBe(0o600);
    for (const [folder, file] of [['exports', 'record-17.json'], ['logs', 'einthoven.log'], ['keys', 'signing-key.json']]) {
      expect(modeOf(path.join(dataDir, folder))).toBe(0o700);
      expect(modeOf(path.join(dataDir, folder, file))).toBe(0o600);
    }
    expect(tighteningNote(dataDir, tightening)).toBe(
      `tightened 9 permissions in the data folder ${dataDir} that an earlier version left open to other accounts: ` +
        '. 0755 → 0700, einthoven.sqlite 0644 → 0600, einthoven.sqlite-wal 0644 → 0600, exports 0755 → 0700, exports/record-17.json 0644 → 0600, logs 0755 → 0700, logs/einthoven.log 0644 → 0600, keys 0755 → 0700 and 1 more',
    );
    // Opened again: nothing left to change, nothing to say.
    const again = tightenDataFolder(dataDir);
    expect(again).toEqual({ changed: [], failed: [], foreign: [] });
    expect(tighteningNote(dataDir, again)).toBeUndefined();
  });

  it('only takes bits away: what IT made stricter stays so, and special bits stay', () => {
    const dataDir = earlierVersionFolder();
    chmodSync(path.join(dataDir, 'logs', 'einthoven.log'), 0o400);
    chmodSync(path.join(dataDir, 'exports'), 0o1500);
    tightenDataFolder(dataDir);
    expect(modeOf(path.join(dataDir, 'logs', 'einthoven.log'))).toBe(0o400);
    expect(modeOf(path.join(dataDir, 'exports'))).toBe(0o1500);
    chmodSync(path.join(dataDir, 'exports'), 0o1755);
    tightenDataFolder(dataDir);
    expect(modeOf(path.join(dataDir, 'exports'))).toBe(0o1700);
  });

  it('follows no link out of the folder, and leaves a dataset folder under exports/ to exports/ itself', () => {
    const dataDir = earlierVersionFolder();
    const outside = path.join(tmp(), 'elsewhere.txt');
    writeFileSync(outside, 'x');
    chmodSync(outside, 0o644);
    symlinkSync(outside, path.join(dataDir, 'exports', 'link.txt'));
    mkdirSync(path.join(dataDir, 'exports', 'readings-dataset'));
    chmodSync(path.join(dataDir, 'exports', 'readings-dataset'), 0o755);
    tightenDataFolder(dataDir);
    expect(modeOf(outside)).toBe(0o644);
    expect(modeOf(path.join(dataDir, 'exports', 'readings-dataset'))).toBe(0o755);
    expect(modeOf(path.join(dataDir, 'exports'))).toBe(0o700);
  });

  it("leaves a data folder IT shares with the readers' group (group-writable, the site policy's dataDir) as IT set it", () => {
    const dataDir = earlierVersionFolder(0o2770);
    expect(tightenDataFolder(dataDir)).toEqual({ changed: [], failed: [], foreign: [] });
    expect(modeOf(path.join(dataDir, 'exports'))).toBe(0o755);
    expect(modeOf(path.join(dataDir, 'einthoven.sqlite'))).toBe(0o644);
  });

  it('changes nothing where there is no data folder yet, or on Windows', () => {
    expect(tightenDataFolder(path.join(tmp(), 'new'))).toEqual({ changed: [], failed: [], foreign: [] });
    // A folder that holds no database is no data folder, whatever --data-dir named (a home or a shared folder): its modes are its owner's.
    const notData = tmp();
    chmodSync(notData, 0o755);
    mkdirSync(path.join(notData, 'logs'), { mode: 0o755 });
    chmodSync(path.join(notData, 'logs'), 0o755);
    writeFileSync(path.join(notData, 'logs', 'web.log'), 'x', { mode: 0o644 });
    expect(tightenDataFolder(notData)).toEqual({ changed: [], failed: [], foreign: [] });
    expect([modeOf(notData), modeOf(path.join(notData, 'logs')), modeOf(path.join(notData, 'logs', 'web.log'))]).toEqual([0o755, 0o755, 0o644]);
    const dataDir = earlierVersionFolder();
    expect(tightenDataFolder(dataDir, 'win32')).toEqual({ changed: [], failed: [], foreign: [] });
    expect(modeOf(dataDir)).toBe(0o755);
  });

  // chmod refused for real: root may change any mode, but not an immutable file's (ext4's chattr +i, where this machine has it).
  it.runIf(immutableFiles())('goes on past a chmod it is refused, and names the file and why', () => {
    const dataDir = earlierVersionFolder();
    const stuck = path.join(dataDir, 'exports', 'record-17.json');
    spawnSync('chattr', ['+i', stuck]);
    try {
      const tightening = tightenDataFolder(dataDir);
      expect(tightening.failed).toEqual([{ path: stuck, error: expect.stringMatching(/EPERM/) }]);
      expect(modeOf(stuck)).toBe(0o644);
      expect(modeOf(path.join(dataDir, 'logs', 'einthoven.log'))).toBe(0o600);
      expect(tighteningNote(dataDir, tightening)).toMatch(/; could not tighten 1 permission in the data folder .* \(ask IT: chmod go-rwx on each\): exports\/record-17\.json \(EPERM: operation not permitted/);
    } finally {
      spawnSync('chattr', ['-i', stuck]);
    }
  });

  it('names what it could not change, where IT must: the log line for a refused chmod', () => {
    const dataDir = '/srv/einthoven';
    const note = tighteningNote(dataDir, { changed: [], failed: [{ path: '/srv/einthoven/exports', error: "EPERM: operation not permitted, chmod '/srv/einthoven/exports'" }], foreign: [] });
    expect(note).toBe("could not tighten 1 permission in the data folder /srv/einthoven (ask IT: chmod go-rwx on each): exports (EPERM: operation not permitted, chmod '/srv/einthoven/exports')");
  });

  it("tries no chmod on what another account owns: names what is open to others with its owner, once, and says nothing where it is closed", () => {
    const dataDir = earlierVersionFolder();
    const owner = process.getuid?.() ?? 0;
    // As an account that owns none of it (an auditor reading root's archive): the uid is this process's, the files another's.
    const tightening = tightenDataFolder(dataDir, process.platform, owner + 1);
    expect(tightening.changed).toEqual([]);
    expect(tightening.failed).toEqual([]);
    expect(tightening.foreign.map((f) => [path.relative(dataDir, f.path) || '.', f.mode])).toEqual([
      ['.', 0o755],
      ['einthoven.sqlite', 0o644],
      ['einthoven.sqlite-wal', 0o644],
      ['exports', 0o755],
      ['exports/record-17.json', 0o644],
      ['logs', 0o755],
      ['logs/einthoven.log', 0o644],
      ['keys', 0o755],
      ['keys/signing-key.json', 0o644],
    ]);
    expect(modeOf(path.join(dataDir, 'einthoven.sqlite'))).toBe(0o644);
    const ownerName = tightening.foreign[0]?.owner;
    expect(ownerName).toMatch(new RegExp(`uid ${owner}\\)?$`));
    expect(tighteningNote(dataDir, tightening)).toBe(
      `9 permissions in the data folder ${dataDir} are open to other accounts and owned by ${ownerName}, not this account, which may not change them ` +
        '(ask the owner or IT: chmod go-rwx on each, unless other accounts are meant to read them): ' +
        '. 0755, einthoven.sqlite 0644, einthoven.sqlite-wal 0644, exports 0755, exports/record-17.json 0644, logs 0755, logs/einthoven.log 0644, keys 0755 and 1 more',
    );
    // Closed to others already (the owner's 0700 and 0600): nothing to say.
    tightenDataFolder(dataDir);
    expect(tightenDataFolder(dataDir, process.platform, owner + 1)).toEqual({ changed: [], failed: [], foreign: [] });
  });
});
