// Every figure ecg evaluate prints carries its 95 % interval: each class's sensitivity and
// specificity were printed bare, their intervals only in --json.
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../../test/shared-data';
import { capture } from '../../test/cli-io';
import { runCli } from '../run';

interface Evaluated {
  classes: string[];
  metrics: { perClass: Record<string, { sensitivity: number | null; specificity: number | null }> };
  ci: Record<string, { low: number; high: number }>;
}

const evaluate = async (...flags: string[]) => {
  const io = capture();
  expect(await runCli(['evaluate', '--model', 'starter', '--data', fixturePath('train', 'ptbxl'), '--split', 'all', '--backend', 'wasm', '--quiet', ...flags], io)).toBe(0);
  return io.out;
};

const shown = (v: number) => v.toFixed(3);

describe('ecg evaluate per-class lines', () => {
  it('print each class\'s sensitivity and specificity with the intervals --json gives', async () => {
    const json = JSON.parse((await evaluate('--json'))[0] as string) as Evaluated;
    const text = await evaluate();
    for (const name of json.classes) {
      const line = text.find((l) => l.startsWith(`  ${name.padEnd(8)} AUC `));
      const c = json.metrics.perClass[name];
      const sens = json.ci[`${name}.sensitivity`];
      const spec = json.ci[`${name}.specificity`];
      if (!line || !c || c.sensitivity === null || c.specificity === null || !sens || !spec) throw new Error(`${name}: no line or no figures`);
      expect(line).toContain(`sens ${shown(c.sensitivity)} [${shown(sens.low)}, ${shown(sens.high)}]  spec ${shown(c.specificity)} [${shown(spec.low)}, ${shown(spec.high)}]`);
    }
  }, 120_000);
});
