// ecg train's closing line gave the validation F1, AUC and MAP bare, though the job computes their
// bootstrap 95 % intervals and keeps them in the package (provenance.validation.ci).
import { readFile } from 'node:fs/promises';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../../test/shared-data';
import { capture } from '../../test/cli-io';
import { runCli } from '../run';

interface Kept {
  provenance: { validation: { metrics: Record<'f1Macro' | 'aucMacro' | 'mapMacro', number>; ci: Record<string, { low: number; high: number }> } };
}

describe('ecg train closing line', () => {
  it('prints each validation figure with the interval the package keeps', async () => {
    const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'einthoven-train-ci-')), 'model');
    const io = capture();
    // One epoch on the fixture's real PTB-XL records.
    expect(await runCli(['train', '--data', fixturePath('train', 'ptbxl'), '--arch', 'xresnet1d50', '--out', out, '--epochs', '1', '--batch', '8', '--min-examples', '1,1', '--backend', 'wasm', '--quiet'], io)).toBe(0);
    const { provenance } = JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8')) as Kept;
    const { metrics, ci } = provenance.validation;
    const shown = (label: string, key: 'f1Macro' | 'aucMacro' | 'mapMacro') => `${label} ${metrics[key].toFixed(3)} [${ci[key]?.low.toFixed(3)}, ${ci[key]?.high.toFixed(3)}]`;
    expect(io.out[0]).toContain(`, validation ${shown('F1', 'f1Macro')} ${shown('AUC', 'aucMacro')} ${shown('MAP', 'mapMacro')} (95 % CIs), `);
  }, 120_000);
});
