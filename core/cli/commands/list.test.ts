import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { neverFlaggedThreshold } from '../../contract/training-schemas';
import { PredictionStore } from '../../db/predictions';
import { Engine } from '../../engine/engine';
import { seedModel, seedPrediction, seedWorklist } from '../../test/worklist-seed';
import { runCli } from '../run';
import { listCommand } from './list';
import { capture } from '../../test/cli-io';

describe('ecg list', () => {
  it('queues the records by how near the threshold the model put them, each line saying probability, threshold and distance', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'list-cli-'));
    const dataDir = path.join(dir, 'data');
    const engine = new Engine({ dataDir, shell: 'cli' });
    // Records 0 and 2 carry the seed model's prediction: MI at 80 % (flagged) and 10 %, threshold 50 %; 3 none.
    const ids = seedWorklist(engine.db, 4).ids;
    // Record 1: a prediction whose MI is never flagged (no discrimination on validation), so nothing to be uncertain about.
    const never = seedPrediction(ids[1] as number);
    new PredictionStore(engine.db).insert({ ...never, operatingPoint: { ...never.operatingPoint, thresholds: { ...never.operatingPoint.thresholds, MI: neverFlaggedThreshold } } });
    await engine.close();

    const listed = capture();
    const args = ['--flagged', `${seedModel.id}:MI`, '--sort', 'uncertainty', '--order', 'asc', '--data-dir', dataDir];
    expect(await listCommand.run(args, listed)).toBe(0);
    expect(listed.out[0]).toBe('4 record(s)');
    expect(listed.out.slice(1).map((line) => Number(line.split('\t')[0]))).toEqual([ids[0], ids[2], ids[1], ids[3]]);
    expect(listed.out[1]).toContain('\tMI 80.0 % (seed-model, f1 threshold 50.0 %; 30.0 points above the threshold)\t');
    expect(listed.out[2]).toContain('\tMI 10.0 % (seed-model, f1 threshold 50.0 %; 40.0 points below the threshold)\t');
    expect(listed.out[3]).toContain('\tMI 10.0 % (seed-model, no threshold (never flagged))\t');
    expect(listed.out[4]).not.toContain('MI ');

    await expect(listCommand.run(['--sort', 'uncertainty', '--data-dir', dataDir], capture())).rejects.toThrow(/sorting by uncertainty needs the "flagged by" filter/);
    rmSync(dir, { recursive: true, force: true });
  });

  it('marks the bundled samples the app imported on a first start as demonstration records, and the site\'s own records not', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'list-cli-'));
    const dataDir = path.join(dir, 'data');
    const engine = new Engine({ dataDir, shell: 'cli', resourcesDir: path.resolve(import.meta.dirname, '../../../resources') });
    expect(await engine.seedSamplesOnce()).toBe(5);
    seedWorklist(engine.db, 1);
    await engine.close();
    const listed = capture();
    expect(await listCommand.run(['--data-dir', dataDir], listed)).toBe(0);
    const lines = listed.out.slice(1);
    expect(lines).toHaveLength(6);
    const marked = lines.filter((line) => line.split('\t')[5]?.startsWith('demonstration record (bundled PTB-XL sample, not a patient); unconfirmed'));
    expect(marked).toHaveLength(5);
    for (const line of marked) expect(line).toMatch(/\tsamples\/ptbxl\/\d+_hr\.hea$/);
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a data folder without a database instead of creating one and listing 0 records', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'list-cli-'));
    const missing = path.join(dir, 'nonexistent');
    const io = capture();
    expect(await runCli(['list', '--data-dir', missing], io)).toBe(1);
    expect(io.err).toEqual([`ecg list: E_NOT_FOUND: no Einthoven database at ${path.join(missing, 'einthoven.sqlite')}`]);
    expect(io.out).toEqual([]);
    expect(existsSync(missing)).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses bad --limit, --offset, dates, ages and empty ranges in the flags\' words, on a real database', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'list-cli-'));
    const dataDir = path.join(dir, 'data');
    const engine = new Engine({ dataDir, shell: 'cli' });
    seedWorklist(engine.db, 2);
    await engine.close();
    const refused = async (...args: string[]) => {
      const io = capture();
      expect(await runCli(['list', ...args, '--data-dir', dataDir], io)).toBe(2);
      expect(io.out).toEqual([]);
      return io.err[0];
    };
    expect(await refused('--limit', 'abc')).toBe("ecg list: E_VALIDATION: --limit must be a whole number from 1 to 1000, got 'abc'");
    expect(await refused('--limit', '1.5')).toBe("ecg list: E_VALIDATION: --limit must be a whole number from 1 to 1000, got '1.5'");
    expect(await refused('--limit', '')).toMatch(/--limit must be a whole number from 1 to 1000, got ''$/);
    expect(await refused('--offset', '1e20')).toMatch(/--offset must be a whole number from 0 to \d+, got '1e20'$/);
    expect(await refused('--from', '2024-13-45')).toBe("ecg list: E_VALIDATION: --from must be a date as YYYY-MM-DD (e.g. 2026-11-01), got '2024-13-45'");
    expect(await refused('--to', '2024-02-30')).toMatch(/--to must be a date as YYYY-MM-DD .*got '2024-02-30'$/);
    expect(await refused('--from', '2025-01-01', '--to', '2020-01-01')).toBe('ecg list: E_VALIDATION: --from 2025-01-01 is after --to 2020-01-01: the range is empty');
    expect(await refused('--age-min', '50', '--age-max', '10')).toBe('ecg list: E_VALIDATION: --age-min 50 is above --age-max 10: the range is empty');
    expect(await refused('--age-max', 'old')).toBe("ecg list: E_VALIDATION: --age-max must be a number from 0 to 150, got 'old'");
    // A negative value after a space is Node's "ambiguous" argument: said in one line, with the form that works.
    expect(await refused('--limit', '-1')).toBe("ecg list: E_VALIDATION: --limit: a value starting with '-' is written with '=', as in --limit=-1");
    expect(await refused('--limit=-1')).toBe("ecg list: E_VALIDATION: --limit must be a whole number from 1 to 1000, got '-1'");
    // Choices in the flag's words, not the channel's enum message.
    expect(await refused('--sex', 'X')).toBe("ecg list: E_VALIDATION: --sex must be one of M, F, U, got 'X'");
    expect(await refused('--sort', 'foo')).toBe("ecg list: E_VALIDATION: --sort must be one of imported, recorded, patient, status, probability, uncertainty, got 'foo'");
    expect(await refused('--order', 'up')).toBe("ecg list: E_VALIDATION: --order must be one of asc, desc, got 'up'");
    expect(await refused('--review', 'all')).toBe("ecg list: E_VALIDATION: --review must be one of unconfirmed, confirmed, got 'all'");

    // One day and one age are ranges that can hold records.
    const io = capture();
    expect(await runCli(['list', '--from', '2024-02-29', '--to', '2024-02-29', '--age-min', '40', '--age-max', '40', '--limit', '1000', '--offset', '0', '--data-dir', dataDir], io)).toBe(0);
    expect(io.out[0]).toMatch(/^\d+ record\(s\)$/);
    rmSync(dir, { recursive: true, force: true });
  });
});
