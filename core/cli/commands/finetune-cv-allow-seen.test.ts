// ecg finetune --cv took --allow-test-seen-by-base and did nothing with it: the folds never read the
// locked test split (each fold's held-out records the base saw are left out, or scored and said to be
// optimistic, whatever the flag), and no fine-tuning on all the data follows them from the command
// line, so the refusal the flag lifts is never made. A run given it ended well, as if it had applied.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPtbxl } from '../../data/ptbxl';
import { capture } from '../../test/cli-io';
import { starterDir } from '../../test/legacy-starter';
import { fixturePath } from '../../test/shared-data';
import { runCli } from '../run';

const ptbxl = fixturePath('train', 'ptbxl');

/** The PTB-XL fixture as a NORM labels CSV with its own splits. */
async function normLabels(dir: string): Promise<string> {
  const ds = await loadPtbxl(ptbxl, { fs: 100 });
  const norm = ds.classes.indexOf('NORM');
  const labels = path.join(dir, 'norm.csv');
  writeFileSync(labels, `file,label,split\n${ds.items.map((i) => `${path.relative(ptbxl, i.files[0] as string)},${i.labels[norm]},${i.split}`).join('\n')}\n`);
  return labels;
}

describe('ecg finetune --cv and --allow-test-seen-by-base', () => {
  it('refuses the flag before any fold, saying why it would apply to none, and writes nothing', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-cv-allow-seen-'));
    const out = path.join(dir, 'cv');
    // A three-fold, one-epoch head fine-tuning of real records: without the refusal it runs and exits 0.
    const args = ['finetune', '--cv', '3', '--allow-test-seen-by-base', '--base', starterDir, '--data', ptbxl, '--labels', await normLabels(dir), '--out', out, '--mode', 'head', '--epochs', '1', '--batch', '4', '--min-examples', '1,1', '--feature-crops', '1', '--backend', 'cpu', '--workers', '1', '--quiet'];
    const io = capture();
    expect(await runCli(args, io)).toBe(2);
    expect(io.err.join('\n')).toBe(
      "ecg finetune: E_VALIDATION: --allow-test-seen-by-base does not apply to --cv: the folds never read the locked test split (each fold's held-out records the base saw are left out of its figures, or scored and said to be optimistic where it saw every one), and no fine-tuning on all the data follows them here: give the flag to that fine-tuning, the same command without --cv",
    );
    expect(existsSync(out)).toBe(false);
  }, 300_000);
});
