import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { writeReproducers } from './test/reproducers';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Result {
  file: string;
  ok: boolean;
  code?: string;
  message?: string;
  unexpected?: string;
  ms: number;
  peakRssMb: number;
}

/**
 * Issue 15's hostile inputs, decoded one after another in one child process (as the import's
 * worker would): each a typed error within 2 s, and the process's peak RSS over all of them
 * (Node and tsx included, ~100 MB) under 256 MB — so each one stayed under it.
 */
describe('reproducers of issue 15: typed errors, bounded time and memory', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-reproducers-'));
  const reproducers = writeReproducers(dir);
  const run = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', 'scripts/fuzz/decode-files.ts', ...reproducers.map((r) => r.file)], { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 });
  const results = run.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Result);

  it('ran every reproducer', () => {
    expect(run.status, run.stderr).toBe(0);
    expect(results.map((r) => r.file)).toEqual(reproducers.map((r) => r.file));
  });

  it.each(reproducers.map((r, i) => ({ ...r, i })))('$name', ({ codes, i }) => {
    const result = results[i] as Result;
    expect(result).toMatchObject({ ok: false, code: expect.stringMatching(new RegExp(`^(${codes.join('|')})$`)) });
    expect(result.unexpected).toBeUndefined();
    expect(result.ms).toBeLessThan(2000);
    expect(result.peakRssMb).toBeLessThan(256);
  });
});
