import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CliIO } from '../cli/command';
import { measureCommand } from '../cli/commands/measure';
import { predictCommand } from '../cli/commands/predict';
import { fixturePath } from '../test/shared-data';
import { liveWorkerThreads } from './pool';

const starter = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../resources/models/starter');
const folder = fixturePath('train', 'ptbxl', 'records100', '00000');
// Eight fixture records and a file that is no ECG, in the middle: its error must come out in its place (3 requests of 4 groups).
const headers = readdirSync(folder)
  .filter((f) => f.endsWith('.hea'))
  .slice(0, 8)
  .map((f) => path.join(folder, f));
const files = [...headers.slice(0, 5), path.join(starter, 'manifest.json'), ...headers.slice(5)];

async function run(command: typeof predictCommand, args: string[]): Promise<{ code: number; out: string[] }> {
  const out: string[] = [];
  const io: CliIO = { stdout: (t) => out.push(t), stderr: () => undefined };
  return { code: await command.run(args, io), out };
}

describe('ecg predict and ecg measure over many files on worker threads', () => {
  it('print what one thread prints, in the same order', async () => {
    expect(files.length).toBeGreaterThan(8);
    const predictArgs = ['--model', starter, '--json', '--backend', 'wasm', ...files];
    const one = await run(predictCommand, [...predictArgs, '--workers', '1']);
    const two = await run(predictCommand, [...predictArgs, '--workers', '2']);
    expect(two.code).toBe(1); // the manifest is not an ECG
    expect(one.code).toBe(1);
    expect(two.out).toHaveLength(files.length);
    const parse = (lines: string[]) => lines.map((l) => JSON.parse(l) as { file: string; probabilities?: Record<string, number> | null; error?: unknown });
    const [a, b] = [parse(one.out), parse(two.out)];
    expect(b.map((l) => l.file)).toEqual(a.map((l) => l.file));
    expect(b[5]?.error).toBeDefined();
    b.forEach((line, i) => {
      for (const [c, p] of Object.entries(a[i]?.probabilities ?? {})) expect(Math.abs((line.probabilities?.[c] as number) - p)).toBeLessThan(1e-5);
    });

    const measured = await run(measureCommand, ['--json', '--workers', '2', ...files]);
    const measuredHere = await run(measureCommand, ['--json', '--workers', '1', ...files]);
    expect(measured.out).toEqual(measuredHere.out);
    expect(liveWorkerThreads()).toBe(0);
  }, 180_000);
});
