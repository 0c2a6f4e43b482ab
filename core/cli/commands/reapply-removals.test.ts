import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../engine/engine';
import { capture } from '../../test/cli-io';
import { backupCommand } from './backup';
import { importCommand } from './import';
import { removeCommand } from './remove';

// A backup made before a removal, restored: the bundled PTB-XL 00001, 00008 and 00017 (CC BY 4.0), imported with ecg import.
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const sample = (name: string) => path.join(repoRoot, 'resources', 'samples', 'ptbxl', name);

async function idsIn(dataDir: string): Promise<{ ids: number[]; reasons: unknown[] }> {
  const engine = new Engine({ dataDir, shell: 'test', policyFile: path.join(dataDir, 'no-policy.json') });
  try {
    return { ids: engine.records.ids({ sort: 'imported', order: 'asc' }), reasons: engine.audit.entries({ actionPrefix: 'record.removed', limit: 10 }).map((e) => e.details['reason']) };
  } finally {
    await engine.close();
  }
}

describe('ecg backup --restore --reapply-removals-from', () => {
  it('removes again the records the live trail says were removed after the backup was made, and says so when not asked', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'einthoven-reapply-'));
    const live = path.join(root, 'live');
    expect(await importCommand.run([sample('00001_hr.hea'), sample('00008_hr.hea'), sample('00017_hr.hea'), '--data-dir', live], capture())).toBe(0);
    expect(await backupCommand.run(['--to', path.join(root, 'backup'), '--data-dir', live], capture())).toBe(0);
    // After the backup: record 2 is removed on an erasure request.
    expect(await removeCommand.run(['2', '--reason', 'erasure request', '--yes', '--data-dir', live], capture())).toBe(0);

    // A plain restore brings it back, and the output says how to remove it again.
    const plain = capture();
    expect(await backupCommand.run(['--restore', path.join(root, 'backup'), '--data-dir', path.join(root, 'plain')], plain)).toBe(0);
    expect((await idsIn(path.join(root, 'plain'))).ids).toEqual([1, 2, 3]);
    expect(plain.out.at(-1)).toBe('a record removed after this backup was made is back with it: --reapply-removals-from FOLDER (the old data folder, or a later backup) removes such records again');

    const reapplied = capture();
    expect(await backupCommand.run(['--restore', path.join(root, 'backup'), '--reapply-removals-from', live, '--data-dir', path.join(root, 'restored')], reapplied)).toBe(0);
    expect(reapplied.out.at(-1)).toBe(`removals recorded in ${live}: 1; removed again here: 1 (records 2); not in the backup: 0`);
    expect(await idsIn(path.join(root, 'restored'))).toEqual({ ids: [1, 3], reasons: ['removed again after a restore (first: erasure request)'] });
    await expect(backupCommand.run(['--check', path.join(root, 'backup'), '--reapply-removals-from', live], capture())).rejects.toThrow(/goes with --restore/);
    // A mistyped folder stops the restore before it copies anything: the erased record is not left restored.
    await expect(backupCommand.run(['--restore', path.join(root, 'backup'), '--reapply-removals-from', `${live}-typo`, '--data-dir', path.join(root, 'typo')], capture())).rejects.toThrow(/no Einthoven database at .*live-typo/);
    expect(existsSync(path.join(root, 'typo', 'einthoven.sqlite'))).toBe(false);
  });

  it('reads the removals from a later backup when the data folder itself is lost', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'einthoven-reapply-'));
    const live = path.join(root, 'live');
    expect(await importCommand.run([sample('00001_hr.hea'), sample('00008_hr.hea'), '--data-dir', live], capture())).toBe(0);
    expect(await backupCommand.run(['--to', path.join(root, 'monday'), '--data-dir', live], capture())).toBe(0);
    expect(await removeCommand.run(['1', '--reason', 'filed under the wrong patient', '--yes', '--data-dir', live], capture())).toBe(0);
    expect(await backupCommand.run(['--to', path.join(root, 'tuesday'), '--data-dir', live], capture())).toBe(0);
    // The disk with `live` is gone. Monday's backup is the one restored (say Tuesday's is kept as evidence); Tuesday's trail holds the removal.
    const restored = capture();
    expect(await backupCommand.run(['--restore', path.join(root, 'monday'), '--reapply-removals-from', path.join(root, 'tuesday'), '--data-dir', path.join(root, 'restored')], restored)).toBe(0);
    expect(restored.out.at(-1)).toBe(`removals recorded in ${path.join(root, 'tuesday')}: 1; removed again here: 1 (records 1); not in the backup: 0`);
    expect(await idsIn(path.join(root, 'restored'))).toEqual({ ids: [2], reasons: ['removed again after a restore (first: filed under the wrong patient)'] });
  });
});

describe('ecg backup text output', () => {
  // The folders are the user's: printed raw, an escape in one recoloured the terminal and an override reordered the line.
  it('writes an escape sequence and a bidirectional override in the folders it names visibly', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'einthoven-backup-text-'));
    const live = path.join(root, 'live');
    expect(await importCommand.run([sample('00001_hr.hea'), '--data-dir', live], capture())).toBe(0);
    const made = capture();
    const to = path.join(root, 'backup\x1b[31m\u202e');
    expect(await backupCommand.run(['--to', to, '--data-dir', live], made)).toBe(0);
    const checked = capture();
    expect(await backupCommand.run(['--check', to], checked)).toBe(0);
    expect(made.out[0]).toContain(`to ${path.join(root, 'backup\\u001b[31m\\u202e')}: 1 records`);
    expect(checked.out[0]).toContain('backup\\u001b[31m\\u202e: ');
    // eslint-disable-next-line no-control-regex -- the control characters are what must not be printed
    expect([...made.out, ...checked.out].filter((line) => /[\u0000-\u001f\u202a-\u202e]/.test(line))).toEqual([]);
  });
});
