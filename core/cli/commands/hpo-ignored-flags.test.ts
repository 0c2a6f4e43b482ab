// ecg hpo shares train's flags, and accepted two it never used: --lr (each trial trains at the rate
// the search samples) and --checkpoint (each trial checkpoints in the study). A search run with them
// ended well, having applied neither.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../../test/shared-data';
import { capture } from '../../test/cli-io';
import { runCli } from '../run';

const hpo = async (...flags: string[]) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-hpo-flags-'));
  const io = capture();
  // A one-trial, one-epoch search on real PTB-XL records: without the refusal it runs and exits 0.
  const args = ['hpo', '--data', fixturePath('train', 'ptbxl'), '--arch', 'xresnet1d50', '--study', path.join(dir, 'study'), '--trials', '1', '--epochs', '1', '--batch', '8', '--min-examples', '1,1', '--backend', 'wasm', '--quiet', ...flags];
  const code = await runCli(args, io);
  return { code, err: io.err.join('\n') };
};

describe('ecg hpo refuses the training flags it cannot apply', () => {
  it('refuses --lr, saying the search samples the rate', async () => {
    expect(await hpo('--lr', '1e-3')).toEqual({
      code: 2,
      err: "ecg hpo: E_VALIDATION: the search samples each trial's learning rate (log-uniform on [1e-6, 1e-2]), so a learning rate of 0.001 would apply to none: leave --lr out, or train at that rate with ecg train",
    });
  }, 120_000);

  it('refuses --checkpoint, saying where the trials checkpoint', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-hpo-checkpoint-'));
    expect(await hpo('--checkpoint', path.join(dir, 'ck'))).toEqual({
      code: 2,
      err: 'ecg hpo: E_VALIDATION: --checkpoint does not apply to a search: every trial checkpoints in --study DIR (trials/N), and rerunning the same command resumes it',
    });
  }, 120_000);
});
