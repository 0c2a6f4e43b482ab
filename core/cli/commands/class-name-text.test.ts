import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPtbxl } from '../../data/ptbxl';
import { runCli } from '../run';
import { capture } from '../../test/cli-io';
import { fixturePath } from '../../test/shared-data';

const samples = path.resolve(import.meta.dirname, '../../../resources/samples/ptbxl');
const ptbxl = fixturePath('train', 'ptbxl');
/** A class name as a hospital's labels CSV may hold it (a quoted cell): a colour escape and a line of its own. */
const hostile = 'AF\x1b[31m\nOK forged';
const escaped = 'AF\\u001b[31m\\nOK forged';

async function printed(args: string[]): Promise<string[]> {
  const io = capture();
  await runCli(args, io);
  return [...io.out, ...io.err];
}

/**
 * A labels CSV over the PTB-XL fixture: NORM, or the hostile class for every other record, with
 * each record's sex and age (for evaluate --subgroups) and records 2 and 3 in the test split.
 */
async function hostileLabels(root: string): Promise<string> {
  const ds = await loadPtbxl(ptbxl, { fs: 100 });
  const norm = ds.classes.indexOf('NORM');
  const split = (i: (typeof ds.items)[number]) => (i.id === '2' || i.id === '3' ? 'test' : i.split);
  const label = (i: (typeof ds.items)[number]) => (i.labels[norm] === 1 ? 'NORM' : `"${hostile}"`);
  const rows = ds.items.map((i, k) => `${path.relative(ptbxl, i.files[0] as string)},${label(i)},${split(i)},${k % 2 === 0 ? 'F' : 'M'},${30 + 5 * (k % 10)}`);
  const labels = path.join(root, 'classes.csv');
  writeFileSync(labels, `file,label,split,sex,age\n${rows.join('\n')}\n`);
  return labels;
}

describe("a class name from a labels CSV in the CLI's text output", () => {
  // Printed raw, the escape recoloured the operator's terminal and the line break forged a line of the output.
  it('is escaped in train, the model card, evaluate (with subgroups and --compare), predict, finetune and train --cv', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'einthoven-class-name-'));
    const labels = await hostileLabels(root);
    const model = path.join(root, 'model');
    const data = ['--data', ptbxl, '--labels', labels];
    const common = ['--backend', 'wasm', '--workers', '1'];
    const outputs = {
      train: await printed(['train', ...data, '--arch', 'xresnet1d50', '--out', model, '--epochs', '1', '--batch', '8', '--min-examples', '1,1', ...common]),
      card: await printed(['model', 'inspect', model]),
      evaluate: await printed(['evaluate', '--model', model, ...data, '--split', 'all', '--subgroups', ...common, '--quiet']),
      compare: await printed(['evaluate', '--model', model, '--compare', model, ...data, '--split', 'all', '--backend', 'wasm', '--quiet']),
      predict: await printed(['predict', '--model', model, path.join(samples, '00001_hr.hea'), '--backend', 'cpu']),
      finetune: await printed(['finetune', '--base', model, ...data, '--mode', 'head', '--out', path.join(root, 'tuned'), '--epochs', '1', '--batch', '4', '--feature-crops', '1', '--min-examples', '1,1', '--allow-test-seen-by-base', ...common]),
      cv: await printed(['train', '--cv', '3', ...data, '--arch', 'xresnet1d50', '--out', path.join(root, 'cv'), '--epochs', '1', '--batch', '8', '--min-examples', '1,1', ...common, '--quiet']),
    };
    for (const [command, lines] of Object.entries(outputs)) {
      // eslint-disable-next-line no-control-regex -- the control characters are what must not reach the terminal
      expect(lines.filter((line) => /[\u0000-\u001f\u007f-\u009f]/.test(line)), command).toEqual([]);
      // train's own lines name no class: only that none holds a control character.
      if (command !== 'train') expect(lines.some((line) => line.includes(escaped)), command).toBe(true);
    }
    expect(outputs.card[0]).toContain(`classes ${escaped}, NORM`);
    expect(outputs.evaluate.some((line) => line.startsWith(`  ${escaped} AUC `))).toBe(true);
    expect(outputs.compare.some((line) => line.startsWith(`  ${escaped} AUC A `))).toBe(true);
    expect(outputs.predict.some((line) => line.includes(`: ${escaped} `))).toBe(true);
  }, 180_000);

  // A study.json is a file anyone may edit: a parameter named or valued so forged a row of the results table.
  it("is escaped in hpo's results table, and kept as it is in --json", async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'einthoven-hpo-name-'));
    const labels = await hostileLabels(root);
    const study = path.join(root, 'study');
    const args = ['hpo', '--data', ptbxl, '--labels', labels, '--arch', 'xresnet1d50', '--study', study, '--trials', '1', '--epochs', '1', '--batch', '8', '--min-examples', '1,1', '--backend', 'wasm', '--workers', '1', '--quiet'];
    await printed(args);
    const file = path.join(study, 'study.json');
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { trials: { params: Record<string, unknown> }[] };
    // The best trial's line quotes its parameters as JSON, which leaves an 8-bit CSI and a right-to-left override raw.
    for (const trial of saved.trials) Object.assign(trial.params, { [hostile]: hostile, 'lr\u009b31m\u202e': 1 });
    writeFileSync(file, JSON.stringify(saved));
    const lines = await printed(args);
    // eslint-disable-next-line no-control-regex -- the control characters are what must not reach the terminal
    expect(lines.filter((line) => /[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/.test(line))).toEqual([]);
    expect(lines.find((line) => line.startsWith('best: '))).toContain('"lr\\u009b31m\\u202e":1');
    expect(lines[0]).toContain(`| ${escaped} |`);
    expect(lines[2]).toContain(`| ${escaped} |`);
    const json = JSON.parse((await printed([...args, '--json']))[0] as string) as { table: string };
    expect(json.table).toContain(`| ${hostile} |`);
  }, 120_000);
});
