import { spawn, spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { chmodSync, chownSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { capture } from '../test/cli-io';
import { runCli } from './run';

const modeOf = (file: string) => statSync(file).mode & 0o7777;

/** A data folder with one record imported by the CLI and an export, opened to other accounts as the default umask leaves them (folders 0755, files 0644). */
async function looseDataFolder(): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-cli-modes-'));
  const dataDir = path.join(dir, 'data');
  const csv = path.join(dir, 'raw.csv');
  writeFileSync(csv, '-20,-25,-5\n-30,-34,-4\n-10,-12,-2\n');
  const imported = capture();
  expect(await runCli(['import', csv, '--data-dir', dataDir, '--fs', '250', '--units', 'uV', '--leads', 'I,II,III'], imported)).toBe(0);
  chmodSync(dataDir, 0o755);
  chmodSync(path.join(dataDir, 'einthoven.sqlite'), 0o644);
  mkdirSync(path.join(dataDir, 'exports'));
  chmodSync(path.join(dataDir, 'exports'), 0o755);
  writeFileSync(path.join(dataDir, 'exports', 'record-1.json'), '{}');
  chmodSync(path.join(dataDir, 'exports', 'record-1.json'), 0o644);
  return dataDir;
}

describe.runIf(process.platform !== 'win32')('the CLI opening a data folder tightens its modes as the app does', () => {
  it.each([
    ['audit', (dataDir: string) => ['audit', '--verify', '--data-dir', dataDir]],
    ['list', (dataDir: string) => ['list', '--data-dir', dataDir]],
    // A file already imported: reported as a duplicate, exit 0, the folder opened for writing.
    ['import', (dataDir: string) => ['import', path.join(path.dirname(dataDir), 'raw.csv'), '--data-dir', dataDir, '--fs', '250', '--units', 'uV', '--leads', 'I,II,III']],
  ])('ecg %s takes away what other accounts could read, says so on stderr in one line, and is quiet when nothing is left to change', async (_name, command) => {
    const dataDir = await looseDataFolder();
    const io = capture();
    expect(await runCli(command(dataDir), io)).toBe(0);
    expect(modeOf(dataDir)).toBe(0o700);
    expect(modeOf(path.join(dataDir, 'einthoven.sqlite'))).toBe(0o600);
    expect(modeOf(path.join(dataDir, 'exports'))).toBe(0o700);
    expect(modeOf(path.join(dataDir, 'exports', 'record-1.json'))).toBe(0o600);
    expect(io.err).toEqual([
      `ecg: tightened 4 permissions in the data folder ${dataDir} that an earlier version left open to other accounts: . 0755 → 0700, einthoven.sqlite 0644 → 0600, exports 0755 → 0700, exports/record-1.json 0644 → 0600`,
    ]);
    const again = capture();
    expect(await runCli(command(dataDir), again)).toBe(0);
    expect(again.err).toEqual([]);
  });

  // A file in the data folder is named by whoever put it there (an export's name, a copied file), the folder by --data-dir:
  // printed raw in the one line that says what was tightened, an escape recoloured the terminal and an override reordered it.
  it('writes an escape sequence and an override in a tightened name visibly', async () => {
    const dataDir = await looseDataFolder();
    const hostile = path.join(dataDir, 'exports', 'x\x1b[31m\u202e.json');
    writeFileSync(hostile, '{}');
    chmodSync(hostile, 0o644);
    const io = capture();
    expect(await runCli(['list', '--data-dir', dataDir], io)).toBe(0);
    expect(io.err).toHaveLength(1);
    expect(io.err[0]).toContain('exports/x\\u001b[31m\\u202e.json 0644 → 0600');
    // eslint-disable-next-line no-control-regex -- the control characters are what must not be printed
    expect(io.err.filter((line) => /[\u0000-\u001f\u202a-\u202e]/.test(line))).toEqual([]);
  });
});

describe.runIf(process.platform !== 'win32')('the CLI opening a data folder names what a stopped restore left beside it', () => {
  it('says where the partial copy lies while it stays, and leaves it and a running restore’s folder alone', async () => {
    const dataDir = await looseDataFolder();
    const parent = path.dirname(dataDir);
    // What `ecg backup --restore` killed mid-copy leaves (backup.test.ts reproduces it with a real
    // kill): its staging folder beside the target, named with the id of a process that has exited.
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    const stale = path.join(parent, `.data.restoring-${gone}-89abcdef`);
    mkdirSync(stale);
    copyFileSync(path.join(dataDir, 'einthoven.sqlite'), path.join(stale, 'einthoven.sqlite'));
    const running = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    const live = path.join(parent, `.data.restoring-${running.pid ?? 0}-0123abcd`);
    mkdirSync(live);
    try {
      for (let start = 0; start < 2; start++) {
        const io = capture();
        expect(await runCli(['list', '--data-dir', dataDir], io)).toBe(0);
        expect(io.err.filter((line) => line.includes('.restoring-'))).toEqual([
          `ecg: ${stale}: the partial copy (patient data, the database first) that a restore into ${dataDir} left when it was stopped (its process is gone); remove it, or restore into ${dataDir} again, which removes it and records that`,
        ]);
      }
      expect(existsSync(stale) && existsSync(live)).toBe(true);
    } finally {
      running.kill();
    }
  });
});

describe.runIf(process.platform !== 'win32')('a data folder path longer than SQLite opens', () => {
  /** A folder under `base` whose path is exactly `bytes` long, in folders of at most 100 characters. */
  function folderOfLength(base: string, bytes: number): string {
    let folder = base;
    while (folder.length < bytes) folder = path.join(folder, 'f'.repeat(Math.min(100, bytes - folder.length - 1)));
    return folder;
  }

  it('is refused before anything is made, naming its length and the limit, and one at the limit imports', async () => {
    // SQLite (Linux, macOS) opens at most 512 bytes, the new database's temporary journal included: SQLITE_CANTOPEN beyond,
    // which was said as a folder missing or not writable, after every folder of the path was made.
    const base = mkdtempSync(path.join(os.tmpdir(), 'einthoven-long-'));
    const csv = path.join(base, 'raw.csv');
    writeFileSync(csv, '-20,-25,-5\n-30,-34,-4\n-10,-12,-2\n');
    const args = ['--fs', '250', '--units', 'uV', '--leads', 'I,II,III'];
    const room = 512 - '/.einthoven.sqlite.new-4194304-00000000-journal'.length;
    const tooLong = folderOfLength(path.join(base, 'long'), room + 1);
    const refused = capture();
    expect(await runCli(['import', csv, '--data-dir', tooLong, ...args], refused)).toBe(2);
    expect(refused.err.join('')).toContain(`E_VALIDATION: the data folder ${tooLong} is too long a path for its database: SQLite opens a file whose path is at most 512 bytes, and the longest it opens there (.einthoven.sqlite.new-4194304-00000000-journal) is 513; choose a folder whose path is at most ${room} bytes`);
    expect(existsSync(path.join(base, 'long'))).toBe(false);
    const atLimit = folderOfLength(path.join(base, 'fits'), room);
    const imported = capture();
    expect(await runCli(["import", csv, "--data-dir", atLimit, ...args], imported), imported.err.join("")).toBe(0);
    const listed = capture();
    expect(await runCli(['list', '--data-dir', atLimit], listed)).toBe(0);
    expect(listed.out.join('')).toContain('1 record(s)');
  });

  it('one whose folder name is longer than the file system allows is refused as too long, typed, not E_INTERNAL', async () => {
    const base = mkdtempSync(path.join(os.tmpdir(), 'einthoven-long-name-'));
    const csv = path.join(base, 'raw.csv');
    writeFileSync(csv, '-20,-25,-5\n-30,-34,-4\n-10,-12,-2\n');
    const folder = path.join(base, 'n'.repeat(300));
    const io = capture();
    expect(await runCli(['import', csv, '--data-dir', folder, '--fs', '250', '--units', 'uV', '--leads', 'I,II,III'], io)).toBe(2);
    expect(io.err.join('')).toContain(`E_VALIDATION: ${folder} is too long a path: a name in it (255 bytes at most on most file systems`);
  });
});

describe('a data folder given as a regular file', () => {
  // ecg import says so (mkdir's EEXIST); the reading commands looked for FILE/einthoven.sqlite and said no database was there.
  it.each([
    ['list', (_dir: string) => ['list']],
    ['audit', (_dir: string) => ['audit']],
    ['record', (_dir: string) => ['record', '1']],
    ['backup', (dir: string) => ['backup', '--to', path.join(dir, 'backup')]],
  ])('ecg %s says the file stands where a folder is expected, as ecg import does, for it or a folder under it', async (name, command) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-file-folder-'));
    const file = path.join(dir, 'data');
    writeFileSync(file, 'not a folder');
    for (const dataDir of [file, path.join(file, 'below')]) {
      const io = capture();
      expect(await runCli([...command(dir), '--data-dir', dataDir], io)).toBe(2);
      expect(io.err).toEqual([`ecg ${name}: E_VALIDATION: ${file} is a file where a folder is expected`]);
    }
  });
});

/**
 * A data folder this account may read and not write (an archive mounted read-only, an auditor's read access): as
 * root, the command runs as nobody (root writes anywhere); as anyone else, the folder is made read-only for them.
 */
const asReader = process.getuid?.() === 0 ? (spawnSync('setpriv', ['--version']).status === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : undefined) : [];
const repoRoot = path.resolve(__dirname, '../..');

describe.runIf(process.platform !== 'win32' && asReader !== undefined)('a data folder this account may read and not write', () => {
  function ecg(dataDir: string, ...given: (string | NodeJS.ProcessEnv)[]) {
    const args = given.filter((arg): arg is string => typeof arg === 'string');
    const extraEnv = given.find((arg): arg is NodeJS.ProcessEnv => typeof arg !== 'string');
    return node(['--import', 'tsx', 'core/cli/main.ts', ...args, '--data-dir', dataDir], extraEnv);
  }

  /** Node with `args`, as the reader. */
  function node(args: string[], extraEnv?: NodeJS.ProcessEnv) {
    const [command = process.execPath, ...rest] = [...(asReader ?? []), process.execPath, ...args];
    // A home and temporary folder of the reader's own (tsx keeps its cache there).
    const own = mkdtempSync(path.join(os.tmpdir(), 'einthoven-reader-'));
    chmodSync(own, 0o777);
    return spawnSync(command, rest, { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, HOME: own, TMPDIR: own, EINTHOVEN_READER: 'auditor', ...extraEnv }, timeout: 60_000 });
  }

  /** A data folder of one record that the reader may read and not write. */
  async function readOnlyDataFolder(): Promise<string> {
    const dataDir = await looseDataFolder();
    // The folder's parent is mkdtemp's (0700): the reader must reach the folder, and the database stays in WAL mode without its -shm.
    chmodSync(path.dirname(dataDir), 0o755);
    chmodSync(path.join(dataDir, 'exports', 'record-1.json'), 0o444);
    chmodSync(path.join(dataDir, 'exports'), 0o555);
    chmodSync(path.join(dataDir, 'einthoven.sqlite'), 0o444);
    chmodSync(dataDir, 0o555);
    expect(existsSync(path.join(dataDir, 'einthoven.sqlite-shm'))).toBe(false);
    return dataDir;
  }

  /**
   * readOnlyDataFolder's, copied while another connection held the database open: the second record's import is
   * still in the -wal (a folder copied to a disc while the app ran, or left by a crash), the -shm not copied.
   */
  async function readOnlyDataFolderWithWal(): Promise<string> {
    const source = await looseDataFolder();
    const file = path.join(source, 'einthoven.sqlite');
    const holder = new Database(file); // not the last connection when the import closes: no checkpoint, the -wal stays
    holder.prepare('SELECT count(*) FROM sqlite_master').get();
    try {
      const csv = path.join(path.dirname(source), 'second.csv');
      writeFileSync(csv, '-40,-45,-5\n-50,-54,-4\n');
      expect(await runCli(['import', csv, '--data-dir', source, '--fs', '250', '--units', 'uV', '--leads', 'I,II,III'], capture())).toBe(0);
      expect(statSync(`${file}-wal`).size).toBeGreaterThan(0);
      const dataDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'einthoven-copied-disc-')), 'data');
      cpSync(source, dataDir, { recursive: true, filter: (from) => !from.endsWith('-shm') });
      chmodSync(path.dirname(dataDir), 0o755);
      for (const name of readdirSync(dataDir, { recursive: true, encoding: 'utf8' })) chmodSync(path.join(dataDir, name), statSync(path.join(dataDir, name)).isDirectory() ? 0o555 : 0o444);
      chmodSync(dataDir, 0o555);
      expect(existsSync(path.join(dataDir, 'einthoven.sqlite-wal'))).toBe(true);
      expect(existsSync(path.join(dataDir, 'einthoven.sqlite-shm'))).toBe(false);
      return dataDir;
    } finally {
      holder.close();
    }
  }

  it('one copied with transactions still in its -wal lists, backs up and verifies them all, not only what the main file holds', async () => {
    const dataDir = await readOnlyDataFolderWithWal();
    const temporary = mkdtempSync(path.join(os.tmpdir(), 'einthoven-reader-tmp-'));
    chmodSync(temporary, 0o777);
    const list = ecg(dataDir, 'list', { TMPDIR: temporary });
    expect(list.stdout).toMatch(/^2 record\(s\)\n/);
    expect(list.status).toBe(0);
    const verify = ecg(dataDir, 'audit', '--verify');
    expect(verify.status).toBe(0);
    const dest = mkdtempSync(path.join(os.tmpdir(), 'einthoven-archive-wal-backup-'));
    chmodSync(dest, 0o777);
    const backup = ecg(dataDir, 'backup', '--to', path.join(dest, 'backup'));
    expect(backup.stdout).toMatch(/^backed up .* 2 records/);
    const check = ecg(dataDir, 'backup', '--check', path.join(dest, 'backup'));
    expect(check.stdout).toMatch(/^OK: .* 2 records/);
    // The copy it was read through is gone: nothing of the patients' data is left in the reader's temporary folder (tsx keeps its cache there).
    expect(readdirSync(temporary).filter((name) => !name.startsWith('tsx'))).toEqual([]);
  });

  it('removes the copy a reader stopped mid-replay left in its temporary folder, and keeps a running one\'s and another account\'s', async () => {
    const dataDir = await readOnlyDataFolderWithWal();
    const temporary = mkdtempSync(path.join(os.tmpdir(), 'einthoven-reader-tmp-'));
    chmodSync(temporary, 0o777);
    const reader = process.getuid?.() === 0 ? 65534 : process.getuid?.();
    /** What a reader with process id `pid` leaves when stopped mid-replay: its private folder holding the database and its -wal. */
    const leftBy = (pid: number, owner: number | undefined, hex = '89abcdef') => {
      const folder = path.join(temporary, `einthoven-wal-replay-${pid}-${hex}`);
      mkdirSync(folder, { mode: 0o700 });
      for (const name of ['einthoven.sqlite', 'einthoven.sqlite-wal']) copyFileSync(path.join(dataDir, name), path.join(folder, name));
      if (owner !== undefined) for (const name of ['', 'einthoven.sqlite', 'einthoven.sqlite-wal']) chownSync(path.join(folder, name), owner, owner);
      return folder;
    };
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    const stale = leftBy(gone, reader);
    const running = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    try {
      const live = leftBy(running.pid ?? 0, reader);
      // As root the reader is nobody: a stopped process's folder of root's (another account's) is not the reader's to remove.
      const others = process.getuid?.() === 0 ? leftBy(gone, 0, '0123abcd') : undefined;
      const list = ecg(dataDir, 'list', { TMPDIR: temporary });
      expect(list.stdout).toMatch(/^2 record\(s\)\n/);
      expect(existsSync(stale)).toBe(false);
      expect(readdirSync(live).sort()).toEqual(['einthoven.sqlite', 'einthoven.sqlite-wal']);
      if (others !== undefined) expect(readdirSync(others).sort()).toEqual(['einthoven.sqlite', 'einthoven.sqlite-wal']);
    } finally {
      running.kill();
    }
  });

  it('lists its records, and an import is refused naming the database and why', async () => {
    const dataDir = await readOnlyDataFolder();
    const list = ecg(dataDir, 'list');
    expect(list.stdout).toMatch(/^1 record\(s\)\n1\tcsv\t250 Hz\t6 leads\t/);
    expect(list.status).toBe(0);
    if (asReader?.length) {
      // Root's folder, open to every account (the reader reads it so): no chmod is tried, and what is open is said once, with its owner.
      expect(list.stderr).toBe(
        `ecg: 4 permissions in the data folder ${dataDir} are open to other accounts and owned by root (uid 0), not this account, which may not change them ` +
          '(ask the owner or IT: chmod go-rwx on each, unless other accounts are meant to read them): . 0555, einthoven.sqlite 0444, exports 0555, exports/record-1.json 0444\n',
      );
    }
    const file = path.join(dataDir, 'einthoven.sqlite');
    const imported = ecg(dataDir, 'import', path.join(path.dirname(dataDir), 'raw.csv'), '--fs', '250', '--units', 'uV', '--leads', 'I,II,III');
    expect(imported.stderr).toContain(`ecg import: E_IO: ${file} cannot be written: its folder ${dataDir} is not writable for this account; reading works`);
    expect(imported.status).toBe(1);
  });

  it("the app's import channel is refused up front with the words ecg import gives, starting no job", async () => {
    const dataDir = await readOnlyDataFolder();
    const csv = readFileSync(path.join(path.dirname(dataDir), 'raw.csv'));
    // The engine as the app's main process holds it, run as the reader: records:import with the file's bytes, as the renderer sends them.
    const script = `import { Engine } from './core/engine/engine';
      const engine = new Engine({ dataDir: ${JSON.stringify(dataDir)}, shell: 'electron' });
      const result = await engine.handle('records:import', { files: [{ name: 'raw.csv', bytes: new Uint8Array(${JSON.stringify([...csv])}) }], csv: { fs: 250, units: 'uV', leads: ['I', 'II', 'III'] } });
      console.log(JSON.stringify({ result, jobs: engine.jobs.active().length }));
      await engine.close();`;
    const run = node(['--import', 'tsx', '--input-type=module', '-e', script]);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({
      result: { ok: false, error: { code: 'E_IO', message: `${path.join(dataDir, 'einthoven.sqlite')} cannot be written: its folder ${dataDir} is not writable for this account; reading works (ecg list, ecg record, ecg audit), changes do not` } },
      jobs: 0,
    });
  });

  it('backs up into a folder of the reader\'s own, keeps the backup (checked), and says it could not be audited', async () => {
    const dataDir = await readOnlyDataFolder();
    const dest = mkdtempSync(path.join(os.tmpdir(), 'einthoven-archive-backup-'));
    chmodSync(dest, 0o777);
    const backup = ecg(dataDir, 'backup', '--to', path.join(dest, 'backup'));
    expect(backup.stderr).not.toContain('ecg backup:');
    expect(backup.stdout).toMatch(/^backed up .* 1 records, 1 model and export files/);
    // Named as the other refusals on a read-only folder name it: the database file, and why.
    expect(backup.stdout).toContain(`NOT audited in the data folder: ${path.join(dataDir, 'einthoven.sqlite')} cannot be written: its folder ${dataDir} is not writable for this account; reading works`);
    expect(backup.status).toBe(1);
    const check = ecg(dataDir, 'backup', '--check', path.join(dest, 'backup'));
    expect(check.stdout).toMatch(/^OK: .* 1 records, 1 model and export files/);
    expect(check.status).toBe(0);
  });

  it('a command the site policy refuses is refused by the policy (not audited, saying why), and names the database file, not the copy in memory it was read through', async () => {
    const dataDir = await readOnlyDataFolder();
    const policy = path.join(path.dirname(dataDir), 'policy.json');
    writeFileSync(policy, JSON.stringify({ admins: ['CLINIC\\someone-else'] }));
    chmodSync(policy, 0o644);
    const keygen = ecg(dataDir, 'package', 'keygen', '--signer', 'Archive', { EINTHOVEN_POLICY_FILE: policy });
    expect(keygen.stderr).not.toContain(':memory:');
    expect(keygen.stderr).toMatch(/ecg package: E_FORBIDDEN: creating the installation's signing key needs the admin role: the site policy .* does not give account/);
    expect(keygen.stderr).toContain(`(not audited: ${path.join(dataDir, 'einthoven.sqlite')} cannot be written: its folder ${dataDir} is not writable for this account; reading works`);
    expect(keygen.status).toBe(1);
  });
});

/** Another process (a real one) holding the database's lock as `sql` takes it, until it is killed. */
async function lockHolder(file: string, sql: string) {
  const script = `const D = require('better-sqlite3'); const db = new D(${JSON.stringify(file)}); db.exec(${JSON.stringify(sql)}); console.log('held'); setInterval(() => {}, 1000);`;
  const holder = spawn(process.execPath, ['-e', script], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    holder.stdout.on('data', () => resolve());
    holder.on('exit', (code) => reject(new Error(`lock holder exited ${code}`)));
  });
  return holder;
}

describe('a data folder whose database another process holds', () => {
  it('lists its records while another process writes (its write lock held), not waiting for it', async () => {
    const dataDir = await looseDataFolder();
    const holder = await lockHolder(path.join(dataDir, 'einthoven.sqlite'), 'BEGIN IMMEDIATE');
    try {
      const io = capture();
      expect(await runCli(['list', '--data-dir', dataDir], io)).toBe(0);
      expect(io.out[0]).toBe('1 record(s)');
    } finally {
      holder.kill();
    }
  });

  it('where it locks out reading too, is refused as in use, naming the file and who may hold it', async () => {
    const dataDir = await looseDataFolder();
    const file = path.join(dataDir, 'einthoven.sqlite');
    const holder = await lockHolder(file, 'PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE');
    try {
      const io = capture();
      expect(await runCli(['list', '--data-dir', dataDir], io)).toBe(1);
      expect(io.err.at(-1)).toBe(`ecg list: E_CONFLICT: ${file} is in use: another Einthoven (the app, an ecg command), a backup, or another program with the file open (a sqlite3 shell, a sync client) held its lock longer than this one waited; retry when it has finished`);
    } finally {
      holder.kill();
    }
  });
});
