import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPtbxl } from '../../data/ptbxl';
import { encodeNpy } from '../../interop/npy';
import { pytorchFiles } from '../../interop/pytorch-dir';
import { resealPackageFolder } from '../../train/package/io';
import { runCli } from '../run';
import { capture } from '../../test/cli-io';
import { fixturePath } from '../../test/shared-data';
import { bundledModelsDir } from './model-path';
import { handMadePytorchTraining } from '../../test/pytorch-training';

const samples = path.resolve(import.meta.dirname, '../../../resources/samples/ptbxl');
/** A model name as anyone able to write a package may choose it: a clear-screen escape and a line of its own. */
const hostile = 'site\x1b[2J\nOK forged';
const escaped = 'site\\u001b[2J\\nOK forged';
const ptbxl = fixturePath('train', 'ptbxl');

/** The starter, renamed and sealed again, installed in a fresh data folder's models/. */
function installRenamed(): { dataDir: string; dir: string } {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-model-name-'));
  const dir = path.join(dataDir, 'models', 'renamed');
  mkdirSync(path.dirname(dir), { recursive: true });
  cpSync(path.join(bundledModelsDir(), 'starter'), dir, { recursive: true });
  const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ ...manifest, name: hostile }));
  return { dataDir, dir };
}

async function printed(args: string[]): Promise<string[]> {
  const io = capture();
  await runCli(args, io);
  return [...io.out, ...io.err];
}

/** Every line one line, with no control character, and the hostile name in it escaped somewhere. */
function expectEscaped(outputs: Record<string, string[]>): void {
  for (const [command, lines] of Object.entries(outputs)) {
    // eslint-disable-next-line no-control-regex -- the control characters are what must not reach the terminal
    expect(lines.filter((line) => /[\u0000-\u001f]/.test(line)), command).toEqual([]);
    expect(lines.some((line) => line.includes(escaped)), command).toBe(true);
  }
}

/**
 * The PTB-XL fixture copied into a folder of the hostile name (a CSV dataset is named after its
 * folder), with a NORM labels CSV whose test split also holds records 2 and 3, which the starter
 * trained on: the fine-tuning's closing figures leave them out with a note naming its base.
 */
async function hostileDataset(root: string): Promise<{ data: string; labels: string }> {
  const data = path.join(root, hostile);
  cpSync(ptbxl, data, { recursive: true });
  const ds = await loadPtbxl(ptbxl, { fs: 100 });
  const norm = ds.classes.indexOf('NORM');
  const split = (i: (typeof ds.items)[number]) => (i.id === '2' || i.id === '3' ? 'test' : i.split);
  const labels = path.join(root, 'norm.csv');
  writeFileSync(labels, `file,label,split\n${ds.items.map((i) => `${path.relative(ptbxl, i.files[0] as string)},${i.labels[norm]},${split(i)}`).join('\n')}\n`);
  return { data, labels };
}

describe("a model's name in the CLI's text output", () => {
  // Printed raw, the escape cleared the operator's terminal and the line break forged a line of the output.
  it('is escaped in package verify, the model card, models promote and predict, each entry one line', async () => {
    const { dataDir, dir } = installRenamed();
    const { id } = await resealPackageFolder(dir);
    expect(id.startsWith(hostile)).toBe(true);
    const outputs = {
      verify: await printed(['package', 'verify', dir]),
      card: await printed(['model', 'inspect', dir]),
      promote: await printed(['models', 'promote', dir, '--data-dir', dataDir]),
      predict: await printed(['predict', '--model', dir, path.join(samples, '00001_hr.hea'), '--backend', 'cpu']),
    };
    expectEscaped(outputs);
    expect(outputs.verify[0]).toMatch(/: OK site\\u001b\[2J\\nOK forged@[0-9a-f]{12}, not signed$/);
    expect(outputs.card[0]).toMatch(/^site\\u001b\[2J\\nOK forged \(site\\u001b\[2J\\nOK forged@[0-9a-f]{12}\), a demonstration model: /);
  });

  // export-pytorch printed the package's id (NAME@digest) and DIR raw, import-pytorch the new package's id and OUT.
  it('is escaped in model export-pytorch and import-pytorch, with the folders they were given', async () => {
    const { dataDir: root, dir } = installRenamed();
    await resealPackageFolder(dir);
    const exported = path.join(root, `exp ${hostile}`);
    const exportLines = await printed(['model', 'export-pytorch', dir, exported, '--backend', 'wasm']);
    // A training result as the DDP trainer writes one: the exported weights, and validation logits and labels.
    const result = path.join(root, 'result');
    mkdirSync(result);
    copyFileSync(path.join(exported, pytorchFiles.weights), path.join(result, pytorchFiles.weights));
    const config = JSON.parse(readFileSync(path.join(exported, pytorchFiles.config), 'utf8')) as { classes: string[] };
    const rows = 6;
    const matrix = (value: (k: number) => number) => encodeNpy(Float32Array.from({ length: rows * config.classes.length }, (_, k) => value(k)), [rows, config.classes.length]);
    writeFileSync(path.join(result, pytorchFiles.valLogits), matrix((k) => ((k * 7) % 5) - 2));
    writeFileSync(path.join(result, pytorchFiles.valLabels), matrix((k) => (k % 3 === 0 ? 1 : 0)));
    const training = handMadePytorchTraining(rows);
    writeFileSync(path.join(result, pytorchFiles.config), JSON.stringify({ ...config, operatingPoint: undefined, training }));
    const outputs = {
      export: exportLines,
      import: await printed(['model', 'import-pytorch', result, path.join(root, `imp ${hostile}`), '--name', hostile, '--backend', 'wasm']),
    };
    expectEscaped(outputs);
    expect(outputs.export).toEqual([expect.stringMatching(/^exported site\\u001b\[2J\\nOK forged@[0-9a-f]{12} \(.*\) to .*exp site\\u001b\[2J\\nOK forged$/)]);
    expect(outputs.import).toEqual([expect.stringMatching(/^imported site\\u001b\[2J\\nOK forged@[0-9a-f]{12} \(.*\) to .*imp site\\u001b\[2J\\nOK forged; /)]);
  }, 120_000);

  // The model's name, the dataset's (its folder's) and the output folder were printed raw in these reports, their progress and the notes naming a model.
  it('is escaped in evaluate, finetune and its card, ensemble and train, notes naming a model included', async () => {
    const { dataDir: root, dir } = installRenamed();
    await resealPackageFolder(dir);
    const { data, labels } = await hostileDataset(root);
    const tuned = path.join(root, `ft ${hostile}`);
    const common = ['--backend', 'wasm', '--workers', '1'];
    const outputs = {
      evaluate: await printed(['evaluate', '--model', dir, '--data', ptbxl, '--split', 'all', ...common, '--quiet']),
      finetune: await printed(['finetune', '--base', dir, '--data', data, '--labels', labels, '--class', 'NORM', '--mode', 'head', '--out', tuned, '--name', hostile, '--epochs', '1', '--batch', '4', '--feature-crops', '1', '--min-examples', '1,1', '--allow-test-seen-by-base', ...common]),
      card: await printed(['model', 'inspect', tuned]),
      ensemble: await printed(['ensemble', '--member', dir, '--member', 'starter', '--data', ptbxl, '--out', path.join(root, `ens ${hostile}`), '--name', hostile, '--backend', 'wasm', '--quiet']),
      train: await printed(['train', '--data', ptbxl, '--arch', 'xresnet1d50', '--out', path.join(root, `tr ${hostile}`), '--name', hostile, '--epochs', '1', '--batch', '8', '--min-examples', '1,1', ...common, '--quiet']),
    };
    expectEscaped(outputs);
    expect(outputs.evaluate[0]).toMatch(/^site\\u001b\[2J\\nOK forged on ptbxl-/);
    expect(outputs.evaluate.some((line) => line.startsWith(`  note: the figures cover only the records within ${escaped}'s intended input`))).toBe(true);
    expect(outputs.finetune.some((line) => line.startsWith(`  base ${escaped} on the same records:`))).toBe(true);
    // The card's own notes, from the package's recorded data: the test records its base saw, named.
    expect(outputs.card.filter((line) => line.startsWith('  note: ') && line.includes(escaped))).not.toEqual([]);
    expect(outputs.card.slice(1, 3).map((line) => line.slice(0, line.indexOf(escaped) + escaped.length))).toEqual([`  dataset hospital:${escaped}`, `  split: hospital:${escaped}`]);
    expect(outputs.ensemble.filter((line) => line.startsWith(`  ensemble − ${escaped}: `))).toHaveLength(3);
    expect(outputs.train[0]).toMatch(/^trained: .*tr site\\u001b\[2J\\nOK forged \(site\\u001b\[2J\\nOK forged@[0-9a-f]{12}\), best epoch 1\/1, /);
  }, 120_000);
});
