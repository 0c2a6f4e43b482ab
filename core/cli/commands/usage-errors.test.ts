import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { capture } from '../../test/cli-io';
import { fixturePath } from '../../test/shared-data';
import { runCli } from '../run';

// Commands given something other than they take say what they take: found by a review that ran every command on bad input.
describe('usage errors say what the command takes', () => {
  const refused = async (...args: string[]) => {
    const io = capture();
    const code = await runCli(args, io);
    return { code, err: io.err.join('\n') };
  };

  it('names an unknown package action, a missing --goal and a data folder that does not exist', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'usage-'));
    expect(await refused('package', 'bogus')).toEqual({ code: 2, err: "ecg package: E_VALIDATION: unknown action 'bogus': ecg package verify|seal|keygen (see ecg package --help)" });
    expect((await refused('operating-point', '--model', 'starter', '--data', dir)).err).toBe('ecg operating-point: E_VALIDATION: --goal is required: one of rule-out, rule-in, f1, youden');
    const missing = path.join(dir, 'nope');
    expect((await refused('train', '--data', missing, '--arch', 'xresnet1d50', '--out', path.join(dir, 'out'))).err).toBe(`ecg train: E_NOT_FOUND: ${missing}: no such folder`);
  });

  it('refuses with --compare the flags that keep one model\'s evaluation, which it would ignore, naming each given', async () => {
    // On a real dataset, where without the refusal the comparison runs and ends well, having attached, signed or recorded nothing.
    const compare = (...flags: string[]) => refused('evaluate', '--model', 'starter', '--compare', 'starter', '--data', fixturePath('train', 'ptbxl'), '--split', 'test', '--backend', 'wasm', '--quiet', ...flags);
    const kept = "(which keep one model's locked-test evaluation, in its package or on this site's data) would do nothing with it. Run them without --compare: ecg evaluate --model M --split test";
    expect(await compare('--attach')).toEqual({ code: 2, err: `ecg evaluate: E_VALIDATION: --compare compares two models on the same records and keeps neither's evaluation: --attach ${kept} --attach` });
    for (const flag of ['--record', '--sign', '--replace-test']) expect((await compare(flag)).err).toBe(`ecg evaluate: E_VALIDATION: --compare compares two models on the same records and keeps neither's evaluation: ${flag} ${kept} ${flag}`);
    expect((await compare('--replace-test', '--attach', '--sign')).err).toBe(
      `ecg evaluate: E_VALIDATION: --compare compares two models on the same records and keeps neither's evaluation: --attach, --sign and --replace-test ${kept} --attach --sign --replace-test`,
    );
  });
});
