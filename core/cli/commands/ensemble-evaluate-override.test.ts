// An ensemble's members read records with their own inference, so evaluate's --eval, --stride and
// --aggregate cannot apply to it: they were accepted and dropped, and the figures printed under the
// first member's mode as if made with them.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../../test/shared-data';
import { capture, runCli } from '../../test/cli-io';
import { runCli as runEcg } from '../run';
import { ensembleCommand } from './ensemble';
import { trainCommand } from './train';

const data = fixturePath('train', 'ptbxl');
let ensemble: string;

beforeAll(async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'einthoven-ensemble-override-'));
  const model = path.join(dir, 'model');
  // One epoch on the fixture's real records, centre crop: a member whose inference differs from the starter's.
  const trained = await runCli(trainCommand, ['--data', data, '--arch', 'xresnet1d50', '--out', model, '--epochs', '1', '--batch', '8', '--backend', 'wasm', '--min-examples', '1,1', '--quiet']);
  expect(trained.code).toBe(0);
  ensemble = path.join(dir, 'pair');
  expect((await runCli(ensembleCommand, ['--member', 'starter', '--member', model, '--data', data, '--out', ensemble, '--backend', 'wasm', '--quiet'])).code).toBe(0);
}, 180_000);

describe('ecg evaluate of an ensemble with an inference override', () => {
  it('refuses --eval, --stride and --aggregate, naming them, instead of evaluating with the members\' own inference', async () => {
    const evaluate = async (...flags: string[]) => {
      const io = capture();
      const code = await runEcg(['evaluate', '--model', ensemble, '--data', data, '--backend', 'wasm', '--quiet', ...flags], io);
      return { code, err: io.err.join('\n') };
    };
    expect(await evaluate('--eval', 'centre')).toEqual({
      code: 2,
      err: "ecg evaluate: E_VALIDATION: pair is an ensemble: each member reads a record with its own inference (its package's), which --eval cannot override for all of them; evaluate without --eval, or evaluate a member (members/NN in its folder) with it",
    });
    expect((await evaluate('--eval', 'windows', '--stride', '50', '--aggregate', 'max')).err).toMatch(/which --eval, --stride, --aggregate cannot override/);
    // Without an override it evaluates as before.
    expect((await evaluate()).code).toBe(0);
  }, 120_000);
});
