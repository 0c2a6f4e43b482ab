import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../run';
import { importCommand } from './import';
import { listCommand } from './list';
import { capture } from '../../test/cli-io';

describe('ecg import', () => {
  // A pipe given or met in a folder was dropped from the listing without a word: the report never named it.
  it.skipIf(process.platform === 'win32')('reports a pipe, given or in a folder, as skipped, not a regular file, without reading it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'import-cli-'));
    const folder = path.join(dir, 'ecgs');
    mkdirSync(folder);
    writeFileSync(path.join(folder, 'notes.txt'), 'Exported by the cart on Monday.\n');
    // Named as an ECG file would be: it must not be sniffed, which would block on the FIFO.
    const inFolder = path.join(folder, 'pipe.hea');
    const given = path.join(dir, 'given.xml');
    for (const fifo of [inFolder, given]) execFileSync('mkfifo', [fifo]);

    const imported = capture();
    expect(await importCommand.run([folder, given, '--json', '--data-dir', path.join(dir, 'data')], imported)).toBe(0);
    const reason = 'Not a regular file (a device, pipe or socket): nothing was read from it.';
    expect(imported.out.map((line) => JSON.parse(line) as unknown)).toEqual([
      { files: [path.join(folder, 'notes.txt')], status: 'skipped', reason: 'Not an ECG record (a note, licence, image or other document).' },
      { files: [inFolder], status: 'skipped', reason },
      { files: [given], status: 'skipped', reason },
    ]);
  });

  // The header was decoded without the pipe, so the record was called missing a file that is there.
  it.skipIf(process.platform === 'win32')("refuses a WFDB record whose signal file is a pipe, given by its header or in a folder, saying so rather than calling it missing", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'import-cli-'));
    const folder = path.join(dir, 'ecgs');
    mkdirSync(folder);
    const header = path.join(folder, '00001_hr.hea');
    copyFileSync(path.resolve('resources/samples/ptbxl/00001_hr.hea'), header);
    const signal = path.join(folder, '00001_hr.dat');
    execFileSync('mkfifo', [signal]);
    const refused = {
      files: [header, signal],
      status: 'rejected',
      reason: 'A file this record needs is not a regular file: 00001_hr.dat, named in the header, is a device, pipe or socket, and nothing was read from it.',
      details: `E_VALIDATION: ${header}: 00001_hr.dat named in the header is not a regular file (a device, pipe or socket); nothing was read from it`,
    };
    for (const [given, data] of [[header, 'by-header'], [folder, 'by-folder']] as const) {
      const imported = capture();
      expect(await importCommand.run([given, '--json', '--data-dir', path.join(dir, data)], imported)).toBe(1);
      expect(imported.out.map((line) => JSON.parse(line) as unknown)).toEqual([refused]);
    }
  });

  it('rejects a bare CSV that cannot tell its sampling rate, then imports it once --fs/--units/--leads answer', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'import-cli-'));
    const dataDir = path.join(dir, 'data');
    const csv = path.join(dir, 'raw.csv');
    writeFileSync(csv, '-20,-25,-5\n-30,-34,-4\n-10,-12,-2\n');

    const asked = capture();
    expect(await importCommand.run([csv, '--json', '--data-dir', dataDir], asked)).toBe(1);
    expect(JSON.parse(asked.out[0]!)).toMatchObject({ status: 'rejected' });

    const answered = capture();
    const flags = ['--fs', '250', '--units', 'uV', '--leads', 'I,II,III'];
    expect(await importCommand.run([csv, '--json', '--data-dir', dataDir, ...flags], answered)).toBe(0);
    expect(JSON.parse(answered.out[0]!)).toMatchObject({ status: 'imported' });

    const listed = capture();
    expect(await listCommand.run(['--json', '--data-dir', dataDir], listed)).toBe(0);
    expect(listed.out.join('\n')).toContain('"fs":250');
  });

  // A source file's name may hold any byte but / and NUL on Linux: one with a line break and tabs
  // printed, unescaped, a line of its own in the import report and in ecg list, a forged record.
  it.skipIf(process.platform === 'win32')("prints a file name holding a line break escaped on its own line, in the import report and in ecg list", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'import-cli-'));
    const dataDir = path.join(dir, 'data');
    const name = 'raw\nimported\t99\tforged.csv';
    writeFileSync(path.join(dir, name), '-20,-25,-5\n-30,-34,-4\n-10,-12,-2\n');
    const flags = ['--fs', '250', '--units', 'uV', '--leads', 'I,II,III', '--data-dir', dataDir];

    const imported = capture();
    expect(await importCommand.run([path.join(dir, name), ...flags], imported)).toBe(0);
    expect(imported.out).toHaveLength(1);
    expect(imported.out[0]).toMatch(/^imported\t\d+\t.*raw\\nimported\\t99\\tforged\.csv$/);

    const listed = capture();
    expect(await listCommand.run(['--data-dir', dataDir], listed)).toBe(0);
    expect(listed.out).toHaveLength(2);
    expect(listed.out[1]).toMatch(/\tunconfirmed\t\S*raw\\nimported\\t99\\tforged\.csv$/);
  });

  it('says a data folder given as a file is a file where a folder is expected, not an internal EEXIST', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'import-cli-'));
    const notAFolder = path.join(dir, 'data');
    const csv = path.join(dir, 'raw.csv');
    writeFileSync(notAFolder, '');
    writeFileSync(csv, '-20,-25,-5\n');
    const io = capture();
    expect(await runCli(['import', csv, '--data-dir', notAFolder], io)).toBe(2);
    expect(io.err).toEqual([`ecg import: E_VALIDATION: ${notAFolder} is a file where a folder is expected`]);
  });

  it('says an empty folder holds nothing to import, rather than exiting 0 without a word', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'import-cli-'));
    const empty = path.join(dir, 'empty');
    mkdirSync(empty);
    const io = capture();
    expect(await runCli(['import', empty, '--data-dir', path.join(dir, 'data')], io)).toBe(1);
    expect(io.err).toEqual([`ecg import: E_NOT_FOUND: no file to import in ${empty}`]);
  });
});
