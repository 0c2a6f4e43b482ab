import { describe, expect, it } from 'vitest';
import { backendCommand } from '../cli/commands/backend';
import { trainCommand } from '../cli/commands/train';
import { availableCores, defaultWorkers, resolveWorkers } from './worker-count';

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

  it('ecg backend --json reports the workers; ecg train refuses --workers 0 before any work', async () => {
    const out: string[] = [];
    const io = { stdout: (t: string) => out.push(t), stderr: () => undefined };
    expect(await backendCommand.run(['--json', '--backend', 'cpu'], io)).toBe(0);
    const report = JSON.parse(out.join('')) as { workers: { cores: number; default: number; max: number } };
    expect(report.workers).toMatchObject({ cores: availableCores(), default: Math.max(1, availableCores() - 1), max: 64 });
    await expect(trainCommand.run(['--data', '.', '--arch', 'resnet18', '--out', 'x', '--workers', '0'], io)).rejects.toThrow(/--workers must be an integer ≥ 1/);
  });
});
