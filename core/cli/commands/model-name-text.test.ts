import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resealPackageFolder } from '../../train/package/io';
import { runCli } from '../run';
import { capture } from '../../test/cli-io';
import { bundledModelsDir } from './model-path';

const samples = path.resolve(import.meta.dirname, '../../../resources/samples/ptbxl');
/** A model name as anyone able to write a package may choose it: a clear-screen escape and a line of its own. */
const hostile = 'site\x1b[2J\nOK forged';
const escaped = 'site\\u001b[2J\\nOK forged';

/** The starter, renamed and sealed again, installed in a fresh data folder's models/. */
function installRenamed(): { dataDir: string; dir: string } {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-model-name-'));
  const dir = path.join(dataDir, 'models', 'renamed');
  mkdirSync(path.dirname(dir), { recursive: true });
  cpSync(path.join(bundledModelsDir(), 'starter'), dir, { recursive: true });
  const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ ...manifest, name: hostile }));
  return { dataDir, dir };
}

async function printed(args: string[]): Promise<string[]> {
  const io = capture();
  await runCli(args, io);
  return [...io.out, ...io.err];
}

describe("a model's name in the CLI's text output", () => {
  // Printed raw, the escape cleared the operator's terminal and the line break forged a line of the output.
  it('is escaped in package verify, the model card, models promote and predict, each entry one line', async () => {
    const { dataDir, dir } = installRenamed();
    const { id } = await resealPackageFolder(dir);
    expect(id.startsWith(hostile)).toBe(true);
    const outputs = {
      verify: await printed(['package', 'verify', dir]),
      card: await printed(['model', 'inspect', dir]),
      promote: await printed(['models', 'promote', dir, '--data-dir', dataDir]),
      predict: await printed(['predict', '--model', dir, path.join(samples, '00001_hr.hea'), '--backend', 'cpu']),
    };
    for (const [command, lines] of Object.entries(outputs)) {
      // eslint-disable-next-line no-control-regex -- the control characters are what must not reach the terminal
      expect(lines.filter((line) => /[\u0000-\u001f]/.test(line)), command).toEqual([]);
      expect(lines.some((line) => line.includes(escaped)), command).toBe(true);
    }
    expect(outputs.verify[0]).toMatch(/: OK site\\u001b\[2J\\nOK forged@[0-9a-f]{12}, not signed$/);
    expect(outputs.card[0]).toMatch(/^site\\u001b\[2J\\nOK forged \(site\\u001b\[2J\\nOK forged@[0-9a-f]{12}\), a demonstration model: /);
  });
});
