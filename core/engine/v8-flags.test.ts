import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { engineV8Flags, engineV8FlagsActive, garbageCollectionReport } from './v8-flags';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe("the engine's V8 flags", () => {
  it('are passed by the npm scripts that run the engine in this process (ecg, bench)', () => {
    const { scripts } = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    for (const name of ['ecg', 'bench']) {
      const argv = (scripts[name] as string).split(/\s+/);
      expect(engineV8FlagsActive(argv), `npm run ${name}: ${scripts[name]}`).toBe(true);
    }
    expect(engineV8FlagsActive([])).toBe(engineV8Flags.length === 0);
  });

  it('are reported as applied only where V8 reads them at start (Node), as unverified in Electron', () => {
    expect(garbageCollectionReport([...engineV8Flags], undefined)).toMatch(/each thread collects its own garbage/);
    expect(garbageCollectionReport([...engineV8Flags], '41.7.1')).toMatch(/not verifiable in Electron/);
    expect(garbageCollectionReport([], undefined)).toMatch(/V8's default/);
  });

  it('reach V8: `npm run ecg -- backend --json` reports per-thread garbage collection', () => {
    const run = spawnSync('npm', ['run', '-s', 'ecg', '--', 'backend', '--json', '--backend', 'cpu'], { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 });
    expect(run.status, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout.trim().split('\n').pop() as string) as { workers: { gc: string } };
    expect(report.workers.gc).toMatch(/each thread collects its own garbage/);
  });
});
