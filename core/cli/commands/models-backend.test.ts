// Parameter counts of the PyTorch twins: /usr/bin/python3 scripts/fixtures/ml_layers.py.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../../test/shared-data';
import { backendCommand } from './backend';
import { modelsCommand } from './models';
import { capture } from '../../test/cli-io';

const torchParams = (JSON.parse(readFileSync(fixturePath('ml', 'layers.json'), 'utf8')) as { params: Record<string, { paperExact: number }> }).params;

describe('ecg models --json', () => {
  it('--paper-exact: every architecture at its design input with the PyTorch twin’s parameter count', async () => {
    const io = capture();
    expect(await modelsCommand.run(['--json', '--paper-exact', '--backend', 'wasm'], io)).toBe(0);
    const rows = JSON.parse(io.out.join('')) as { name: string; params: number; inputLength: number; fs: number }[];
    expect(rows.map((r) => r.name)).toEqual(Object.keys(torchParams));
    for (const row of rows) {
      expect(Object.keys(row)).toEqual(['name', 'params', 'inputLength', 'fs']);
      expect(row.params, row.name).toBe(torchParams[row.name]!.paperExact);
      expect([row.inputLength, row.fs]).toEqual(row.name.startsWith('xresnet') ? [250, 100] : [2048, 500]);
    }
  });

  it('refuses a bad class count or backend name with a usage error', async () => {
    await expect(modelsCommand.run(['--classes', '0'], capture())).rejects.toThrow(/--classes/);
    await expect(modelsCommand.run(['--backend', 'gpu'], capture())).rejects.toThrow(/--backend/);
  });
});

describe('ecg backend --json', () => {
  it('reports the active backend and every backend tried, in preference order', async () => {
    const io = capture();
    expect(await backendCommand.run(['--json'], io)).toBe(0);
    const report = JSON.parse(io.out.join('')) as { active: string; tried: { name: string; ok: boolean; error?: string }[] };
    const order = ['tensorflow', 'webgpu', 'wasm', 'cpu'];
    expect(report.tried.map((t) => t.name)).toEqual(order.slice(0, order.indexOf(report.active) + 1));
    expect(report.tried.at(-1)).toMatchObject({ name: report.active, ok: true });
    for (const failed of report.tried.slice(0, -1)) expect(failed.ok === false && failed.error).toBeTruthy();
  });

  it('--backend forces one', async () => {
    const io = capture();
    expect(await backendCommand.run(['--json', '--backend', 'cpu'], io)).toBe(0);
    expect(JSON.parse(io.out.join(''))).toMatchObject({ active: 'cpu', forced: { name: 'cpu', by: 'option' }, tried: [{ name: 'cpu', ok: true }] });
  });
});
