import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPtbxl } from '../../data/ptbxl';
import { capture } from '../../test/cli-io';
import { fixturePath } from '../../test/shared-data';
import { runCli } from '../run';

const ptbxl = fixturePath('train', 'ptbxl');

describe('ecg dataset export-shards text output', () => {
  // A labels CSV names its files as whoever wrote it chose: a missing one is said on stderr, and printed raw its escape
  // recoloured the terminal and its override reordered the line.
  it("writes a left-out row's file name with its escape sequence and override visible", async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'einthoven-shards-text-'));
    const ds = await loadPtbxl(ptbxl, { fs: 100 });
    const norm = ds.classes.indexOf('NORM');
    const rows = ds.items.map((i) => `${path.relative(ptbxl, i.files[0] as string)},${i.labels[norm]},${i.split}`);
    const labels = path.join(root, 'norm.csv');
    writeFileSync(labels, `file,label,split\n${[...rows, '"gone\x1b[31m\u202e.hea",1,train'].join('\n')}\n`);
    const io = capture();
    expect(await runCli(['dataset', 'export-shards', '--data', ptbxl, '--labels', labels, '--arch', 'xresnet1d50', '--out', path.join(root, 'shards')], io)).toBe(0);
    expect(io.err).toContain('1 listed record left out: gone\\u001b[31m\\u202e.hea (file not found)');
    // eslint-disable-next-line no-control-regex -- the control characters are what must not be printed
    expect([...io.out, ...io.err].filter((line) => /[\u0000-\u001f\u202a-\u202e]/.test(line))).toEqual([]);
  }, 120_000);
});
