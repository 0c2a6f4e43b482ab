import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { neverFlaggedThreshold } from '../../contract/training-schemas';
import { PredictionStore } from '../../db/predictions';
import { Engine } from '../../engine/engine';
import { seedModel, seedPrediction, seedWorklist } from '../../test/worklist-seed';
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
});
