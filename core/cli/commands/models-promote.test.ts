import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/database';
import { ModelEvaluations } from '../../db/model-evaluations';
import { fixturePath } from '../../test/shared-data';
import type { CliCommand } from '../command';
import { evaluateCommand } from './evaluate';
import { bundledModelsDir } from './model-path';
import { modelsCommand } from './models';

async function cli(command: CliCommand, args: string[]): Promise<{ code: number; stdout: string[] }> {
  const stdout: string[] = [];
  const code = await command.run(args, { stdout: (t) => stdout.push(t), stderr: () => undefined });
  return { code, stdout };
}

describe('ecg models promote', () => {
  it('refuses a model without a locked-test evaluation on this site, saying what to run; promotes it once one is recorded', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-promote-'));
    const starter = (JSON.parse(readFileSync(path.join(bundledModelsDir(), 'starter', 'manifest.json'), 'utf8')) as { id: string }).id;
    const promote = ['promote', starter, '--by', 'Dr Waller', '--yes', '--data-dir', dataDir];
    await expect(cli(modelsCommand, promote)).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringMatching(/no locked-test evaluation on this site's data.*`ecg evaluate --model .* --split test --record`/) });
    // Without --yes nothing changes; the evaluations are shown.
    expect(await cli(modelsCommand, ['promote', starter, '--data-dir', dataDir])).toMatchObject({ code: 1, stdout: [expect.stringMatching(/no locked-test evaluation/), 'current default: none', expect.stringMatching(/not promoted/)] });

    const evaluated = await cli(evaluateCommand, ['--model', 'starter', '--data', fixturePath('train', 'ptbxl'), '--split', 'test', '--record', '--data-dir', dataDir, '--backend', 'cpu', '--quiet', '--json']);
    expect(evaluated.code).toBe(0);
    // The recorded evaluation keeps its calibration, class by class, for the app's reliability diagram.
    const { db } = openDatabase(path.join(dataDir, 'einthoven.sqlite'));
    expect(Object.keys(new ModelEvaluations(db).latest(starter)?.calibration ?? {})).toEqual(['NORM', 'MI', 'STTC', 'CD', 'HYP']);
    db.close();
    const promoted = await cli(modelsCommand, promote);
    expect(promoted.code).toBe(0);
    expect(promoted.stdout[0]).toMatch(new RegExp(`^${starter.replace(/[.@]/g, '\\$&')}: macro AUC \\d\\.\\d{3} on 6 locked test records of ptbxl-superclass-100hz \\(.*\\), an evaluation, `));
    expect(promoted.stdout.at(-1)).toBe(`promoted: ${starter} is the default for predictions (previous: none)`);
    await expect(cli(evaluateCommand, ['--model', 'starter', '--data', fixturePath('train', 'ptbxl'), '--split', 'val', '--record', '--data-dir', dataDir])).rejects.toThrow(/--split test/);
  });

  it("under a site policy: a trainer records an evaluation but cannot change the default model, a reader cannot record one", async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-promote-policy-'));
    const policy = path.join(dataDir, 'policy.json');
    const me = os.userInfo().username;
    const evaluate = ['--model', 'starter', '--data', fixturePath('train', 'ptbxl'), '--split', 'test', '--record', '--data-dir', dataDir, '--backend', 'cpu', '--quiet', '--json'];
    const starter = (JSON.parse(readFileSync(path.join(bundledModelsDir(), 'starter', 'manifest.json'), 'utf8')) as { id: string }).id;
    process.env.EINTHOVEN_POLICY_FILE = policy;
    try {
      writeFileSync(policy, JSON.stringify({ trainers: ['someone-else'] }));
      await expect(cli(evaluateCommand, evaluate)).rejects.toMatchObject({ code: 'E_FORBIDDEN', message: expect.stringMatching(/^evaluating a model on a dataset needs the trainer role/) });
      writeFileSync(policy, JSON.stringify({ trainers: [me] }));
      expect((await cli(evaluateCommand, evaluate)).code).toBe(0);
      await expect(cli(modelsCommand, ['promote', starter, '--by', 'Dr Waller', '--yes', '--data-dir', dataDir])).rejects.toMatchObject({ code: 'E_FORBIDDEN', message: expect.stringMatching(/^making a model the default needs the admin role/) });
    } finally {
      delete process.env.EINTHOVEN_POLICY_FILE;
    }
  });
});
