import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const repoRoot = path.resolve(__dirname, '../..');

describe('the CLI when its reader stops reading (`ecg measure *.hea | head -1`)', () => {
  it('ends quietly with status 0, not with EPIPE and a dump of the wasm module', async () => {
    // `measure` prints a line per record as it goes, so lines come apart in time.
    const samples = ['00001', '00008', '00017', '00030', '00102'].map((id) => `resources/samples/ptbxl/${id}_hr.hea`);
    const child = spawn(process.execPath, ['--import', 'tsx', 'core/cli/main.ts', 'measure', ...samples], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(code).toBe(0);
  }, 120_000);
});
