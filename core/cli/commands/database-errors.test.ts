import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Engine } from '../../engine/engine';
import { databasePath } from '../../engine/data-dir';
import { capture } from '../../test/cli-io';
import { corruptTable } from '../../test/corrupt-table';
import { seedWorklist } from '../../test/worklist-seed';
import { runCli } from '../run';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const dirs: string[] = [];

/** A real database of a few records, closed, with one table's root page damaged. */
async function damaged(table: string): Promise<{ dataDir: string; file: string }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'db-errors-cli-'));
  dirs.push(dir);
  const dataDir = path.join(dir, 'data');
  const engine = new Engine({ dataDir, shell: 'cli' });
  seedWorklist(engine.db, 30);
  await engine.close();
  const file = databasePath(dataDir);
  corruptTable(file, table);
  return { dataDir, file };
}

afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** The CLI's one line on stderr, and its exit code. */
async function refusal(args: string[]): Promise<{ code: number; err: string[] }> {
  const io = capture();
  const code = await runCli(args, io);
  return { code, err: io.err };
}

describe('a damaged database given to the CLI: the error names its file (SQLite errors outside the engine\'s dispatch said "the Einthoven database")', () => {
  it('ecg list, ecg record and ecg import on a damaged records table', async () => {
    const { dataDir, file } = await damaged('records');
    const damagedText = `${file} is damaged (SQLite: database disk image is malformed): the file was truncated or corrupted; restore a backup (ecg backup --restore)`;
    expect(await refusal(['list', '--data-dir', dataDir])).toEqual({ code: 1, err: [`ecg list: E_IO: ${damagedText}`] });
    expect(await refusal(['record', '1', '--data-dir', dataDir])).toEqual({ code: 1, err: [`ecg record: E_IO: ${damagedText}`] });
    const sample = path.join(repoRoot, 'resources', 'samples', 'ptbxl', '00001_hr.hea');
    const imported = await refusal(['import', sample, '--data-dir', dataDir]);
    expect(imported.code).toBe(1);
    expect(imported.err).toEqual([expect.stringMatching(new RegExp(`^ecg import: E_IO: ${escaped(damagedText)}; the import stopped at `))]);
  });

  it('ecg audit on a damaged audit trail', async () => {
    const { dataDir, file } = await damaged('audit_log');
    const { code, err } = await refusal(['audit', '--data-dir', dataDir]);
    expect(code).toBe(1);
    expect(err).toEqual([expect.stringMatching(new RegExp(`^ecg audit: E_IO: ${escaped(file)} is damaged \\(SQLite: `))]);
  });
});

function escaped(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
