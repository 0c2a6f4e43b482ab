import { cpSync, mkdtempSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { finetuneJob } from '../../train/jobs/finetune-job';
import { loadPackage } from '../../train/package/archive';
import type { ModelManifest } from '../../train/package/manifest';
import { sealManifest } from '../../train/package/seal';
import { capture, runCli } from '../../test/cli-io';
import { ptbxlFixtureWithFoldsSwapped } from '../../test/swapped-folds';
import { evaluateCommand } from './evaluate';

/**
 * A model fine-tuned from the bundled starter keeps the starter's training-record filter with its
 * own: its network learned the starter's records too. The dataset is the PTB-XL fixture with
 * folds 1 and 10 swapped, so its test split is fold 1's two records, which the starter trained on
 * (its pool's folds 1–8) and the fine-tuning did not (it trained on the others, fold 10's among them).
 */
const starter = path.resolve('resources/models/starter');
const starterName = 'xresnet1d50-ptbxl-pool-demo';
let dir: string;
let data: string;
let tuned: string;

const manifestFile = (model: string) => path.join(model, 'manifest.json');
const manifestOf = async (model: string) => JSON.parse(await readFile(manifestFile(model), 'utf8')) as ModelManifest;
const headFinetune = (base: string, out: string, name: string) =>
  // Every test record is one the starter trained on: fine-tuned all the same, as these tests need such a model.
  finetuneJob({ base, dataset: { kind: 'ptbxl', root: data }, out, mode: 'head', featureCrops: 2, name, train: { epochs: 1, batchSize: 6, seed: 3, minExamples: { train: 1, val: 1 } }, backend: 'wasm', workers: 1, allowTestSeenByBase: true });
const evaluateArgs = (model: string) => ['--model', model, '--data', data, '--split', 'test', '--backend', 'wasm', '--workers', '1', '--quiet'];

interface Report {
  n: number;
  notLockedTest: string | null;
  trainingOverlap: { checked: number; inTraining: number | null; note: string };
}
const evaluated = async (model: string) => JSON.parse((await runCli(evaluateCommand, [...evaluateArgs(model), '--json'])).stdout[0] as string) as Report;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-base-overlap-'));
  data = ptbxlFixtureWithFoldsSwapped(path.join(dir, 'swapped'));
  tuned = path.join(dir, 'tuned');
  await headFinetune(starter, tuned, 'tuned');
}, 300_000);

describe('a fine-tuned model evaluated on records its base trained on', () => {
  it("counts them as seen, so its figures are not a locked test, and --attach and --record refuse them, writing nothing", async () => {
    const bytes = await readFile(manifestFile(tuned));
    const report = await evaluated(tuned);
    expect(report.n).toBe(2);
    // Without the base's filter this said "none of the 2 test records is among tuned's 22 training and validation records".
    expect(report.trainingOverlap).toEqual({ checked: 2, inTraining: 2, note: `2 of the 2 test records are among tuned's or its base ${starterName}'s training and validation records: its figures on them are optimistic` });
    expect(report.notLockedTest).toMatch(/^not locked-test figures: 2 of the 2 test records are among tuned's or its base xresnet1d50-ptbxl-pool-demo's training and validation records: .*; a locked test holds no record the model saw \(here \d+, \d+\): leave them out of the test split$/);

    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-base-overlap-record-'));
    for (const [keep, notKept] of [[['--attach', '--replace-test'], 'not attached to the package'], [['--record', '--data-dir', dataDir], "not recorded as this site's evaluation"]] as const) {
      const io = capture();
      await expect(evaluateCommand.run([...evaluateArgs(tuned), ...keep], io)).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringMatching(/^--attach and --record keep a locked-test evaluation; this is none \(not locked-test figures: 2 of the 2 test records are among tuned's or its base /) });
      // The figures were printed before the refusal, marked as not kept: no second run without the flags to read them.
      expect(io.out[0]).toMatch(/^tuned on .* \(test, n = 2, /);
      expect(io.out).toContain(`  warning: ${report.notLockedTest}`);
      expect(io.out.at(-1)).toBe(`  not kept: ${notKept}`);
      const json = capture();
      await expect(evaluateCommand.run([...evaluateArgs(tuned), ...keep, '--json'], json)).rejects.toMatchObject({ code: 'E_VALIDATION' });
      expect(JSON.parse(json.out[0] as string)).toMatchObject({ n: 2, notLockedTest: report.notLockedTest });
    }
    expect(await readFile(manifestFile(tuned))).toEqual(bytes);

    const manifest = await manifestOf(tuned);
    const starterManifest = await manifestOf(starter);
    // The package keeps its base's filter, named, beside its own.
    expect(manifest.provenance.baseTrainingRecords).toEqual([{ id: starterManifest.id, name: starterName, records: starterManifest.provenance.trainingRecords }]);
    // Its closing evaluation knew too: the base had trained on both test records.
    expect(manifest.provenance.comparison?.overlap).toMatchObject({ checked: 2, inBaseTraining: 2 });
    // Leaving both out would leave no figure: scored on both, they said they were its locked test, and the app recorded them as its site evaluation.
    expect(manifest.provenance.test?.notLockedTest).toBe(
      `not a locked test: every one of the 2 test records is among the training and validation records of ${starterName} (the base this model's weights started from) or its bases, and a locked test holds no record the model saw; these figures, on them, are optimistic, and so is the comparison with the base: evaluate the model on records neither it nor its bases trained on`,
    );
  }, 300_000);

  it("a fine-tuning of the fine-tuned model keeps both bases' filters, and its closing evaluation counts the records its base's base trained on", async () => {
    const again = path.join(dir, 'again');
    const result = await headFinetune(tuned, again, 'again');
    const [tunedManifest, starterManifest] = await Promise.all([manifestOf(tuned), manifestOf(starter)]);
    // Nearest first: its base, then its base's base.
    expect(result.manifest.provenance.baseTrainingRecords).toEqual([
      { id: tunedManifest.id, name: 'tuned', records: tunedManifest.provenance.trainingRecords },
      { id: starterManifest.id, name: starterName, records: starterManifest.provenance.trainingRecords },
    ]);
    // Its base (tuned) did not train on the two test records; tuned's base, the starter, did: the network learned them.
    expect(result.manifest.provenance.comparison?.overlap).toMatchObject({ checked: 2, inBaseTraining: 2 });
    expect(result.manifest.provenance.comparison?.overlap.note).toMatch(/^2 of the 2 test records are among tuned's or its base xresnet1d50-ptbxl-pool-demo's training and validation records/);
  }, 300_000);

  it("loads a fine-tuned package written before packages kept their base's filter, and says its base's overlap is unknown, not none", async () => {
    const old = path.join(dir, 'old');
    cpSync(tuned, old, { recursive: true });
    const raw = JSON.parse(await readFile(manifestFile(old), 'utf8')) as Record<string, unknown> & { provenance: Record<string, unknown> };
    delete raw.provenance.baseTrainingRecords;
    await writeFile(manifestFile(old), JSON.stringify(sealManifest(raw)));
    const loaded = await loadPackage(old);
    loaded.model.dispose();
    expect(loaded.manifest.provenance.baseTrainingRecords).toBeUndefined();

    const report = await evaluated(old);
    // Its own filter holds neither record; whether its base trained on them it cannot say.
    expect(report.trainingOverlap).toMatchObject({ checked: 2, inTraining: 0 });
    expect(report.trainingOverlap.note).toMatch(new RegExp(`^none of the 2 test records, nor a copy of one at another sampling rate among the \\d+ other records? in .+, is among tuned's \\d+ training and validation records \\(a copy kept elsewhere would not be recognised\\); overlap with the training records of its base ${starterName} is unknown \\(tuned keeps no record of them\\)$`));
    // Figures that may rest on its base's training records are shown, but are no locked test, and say what would give one.
    expect(report.notLockedTest).toBe(`not locked-test figures: whether the model trained or validated on these test records cannot be checked, as tuned keeps no record of the training records of its base ${starterName} (written before packages kept their bases'), and a locked test holds no record the model saw; a fine-tuning made again from that base with this version keeps its training records, so its test can be checked`);
    const bytes = await readFile(manifestFile(old));
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-base-unknown-record-'));
    for (const keep of [['--attach', '--replace-test'], ['--record', '--data-dir', dataDir]]) {
      await expect(runCli(evaluateCommand, [...evaluateArgs(old), ...keep])).rejects.toMatchObject({ code: 'E_VALIDATION', message: `--attach and --record keep a locked-test evaluation; this is none (${report.notLockedTest})` });
    }
    expect(await readFile(manifestFile(old))).toEqual(bytes);
  }, 300_000);
});
