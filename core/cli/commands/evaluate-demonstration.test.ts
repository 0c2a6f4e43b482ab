// ecg evaluate's figures read as a model's performance: its header must say what the manifest
// and the card say of a demonstration model, where it said only the model's name and the data.
import { describe, expect, it } from 'vitest';
import type { EvaluationReport } from '../../train/jobs/evaluate-job';
import { fixturePath } from '../../test/shared-data';
import { capture } from '../../test/cli-io';
import { runCli } from '../run';
import { evaluationLines } from './evaluate-print';

const evaluate = async (...flags: string[]) => {
  const io = capture();
  expect(await runCli(['evaluate', '--model', 'starter', '--data', fixturePath('train', 'ptbxl'), '--split', 'all', '--backend', 'wasm', '--quiet', ...flags], io)).toBe(0);
  return io.out;
};

describe("ecg evaluate's header", () => {
  it('says a model its manifest marks as a demonstration is one, and for research use only; a model not so marked is not said to be', async () => {
    const text = await evaluate();
    // The bundled starter's manifest says demonstration: true.
    expect(text[0]).toMatch(/^\S+ on .* \(all, n = \d+, \w+\), a demonstration model, Research use only:$/);
    const report = JSON.parse((await evaluate('--json'))[0] as string) as EvaluationReport;
    expect(report.model.demonstration).toBe(true);
    expect(evaluationLines(report)[0]).toBe(text[0]);
    const site = evaluationLines({ ...report, model: { ...report.model, demonstration: false } })[0];
    expect(site).toMatch(/^\S+ on .* \(all, n = \d+, \w+\):$/);
  }, 120_000);
});
