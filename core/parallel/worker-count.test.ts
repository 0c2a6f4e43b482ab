import { describe, expect, it } from 'vitest';
import { backendCommand } from '../cli/commands/backend';
import { trainCommand } from '../cli/commands/train';
import { minRowsPerTrainingWorker } from '../contract/training-schemas';
import { availableCores, defaultWorkers, resolveTrainingWorkers, resolveWorkers } from './worker-count';

describe('worker count', () => {
  it('defaults to every core but one, at least one', () => {
    expect(defaultWorkers(16)).toBe(15);
    expect(defaultWorkers(2)).toBe(1);
    expect(defaultWorkers(1)).toBe(1);
    expect(resolveWorkers(undefined, 8)).toBe(7);
    expect(resolveWorkers(3, 8)).toBe(3);
    expect(() => resolveWorkers(0)).toThrow(/workers must be an integer from 1 to 64/);
    expect(() => resolveWorkers(1.5)).toThrow(/workers/);
  });

  it('a training loop picks no more workers than its batch has shards of 8 rows, unless asked', () => {
    expect(minRowsPerTrainingWorker).toBe(8);
    expect(resolveTrainingWorkers(undefined, 64, 16)).toBe(8);
    expect(resolveTrainingWorkers(undefined, 64, 8)).toBe(7);
    expect(resolveTrainingWorkers(undefined, 256, 16)).toBe(15);
    expect(resolveTrainingWorkers(undefined, 32, 16)).toBe(4);
    expect(resolveTrainingWorkers(undefined, 4, 16)).toBe(1);
    expect(resolveTrainingWorkers(undefined, 64, 2)).toBe(1);
    // A count the user asked for is theirs to choose (validated as any other).
    expect(resolveTrainingWorkers(15, 64, 16)).toBe(15);
    expect(() => resolveTrainingWorkers(0, 64, 16)).toThrow(/workers must be an integer from 1 to 64/);
  });

  it('ecg backend --json reports the workers; ecg train refuses --workers 0 before any work', async () => {
    const out: string[] = [];
    const io = { stdout: (t: string) => out.push(t), stderr: () => undefined };
    expect(await backendCommand.run(['--json', '--backend', 'cpu'], io)).toBe(0);
    const report = JSON.parse(out.join('')) as { workers: { cores: number; default: number; max: number } };
    expect(report.workers).toMatchObject({ cores: availableCores(), default: Math.max(1, availableCores() - 1), minRowsPerTrainingWorker: 8, max: 64 });
    await expect(trainCommand.run(['--data', '.', '--arch', 'resnet18', '--out', 'x', '--workers', '0'], io)).rejects.toThrow(/--workers must be a whole number from 1 to 64/);
  });
});
