import { cp, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPtbxl } from '../../data/ptbxl';
import { fixturePath } from '../../test/shared-data';
import { finetuneCvJob } from './finetune-cv-job';

const data = fixturePath('train', 'ptbxl');

describe('finetune --cv and a recording listed under two patients', () => {
  it('finds it before any fold is worked on and deals it to one fold, where fold 1 refused it as leakage once decoding', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'einthoven-ftcv-copies-'));
    const ds = await loadPtbxl(data, { fs: 100 });
    const development = ds.items.filter((i) => i.split !== 'test');
    const first = development[0] as (typeof ds.items)[number];
    const root = path.join(dir, 'data');
    await cp(data, root, { recursive: true });
    await mkdir(path.join(root, 'copies'));
    const header = first.files[0] as string;
    for (const file of [header, header.replace(/\.hea$/, '.dat')]) await cp(file, path.join(root, 'copies', path.basename(file)));
    const rows = ds.items.map((i) => `${path.relative(data, i.files[0] as string)},${i.labels[0]},${i.patientId ?? ''},${i.split}`);
    const labels = path.join(dir, 'labels.csv');
    // The copy under a patient of its own: dealt by patient alone, the two rows could fall in different folds.
    await writeFile(labels, `file,label,patient_id,split\n${rows.join('\n')}\ncopies/${path.basename(header)},${first.labels[0]},someone-else,train\n`);
    const messages: string[] = [];
    const stop = new AbortController();
    const job = finetuneCvJob(
      { base: path.resolve('resources/models/starter'), dataset: { kind: 'csv', root, labels }, folds: 3, workDir: path.join(dir, 'cv'), mode: 'head', train: { epochs: 1, minExamples: { train: 1, val: 1 } } },
      {
        signal: stop.signal,
        onProgress: (event) => {
          if (event.kind !== 'phase') return;
          messages.push(event.message);
          // Nothing of a fold is needed here: stopped as the first begins.
          if (event.message.startsWith('cross-validation fold 1 of 3')) stop.abort();
        },
      },
    );
    await expect(job).rejects.toMatchObject({ code: 'E_CANCELLED' });
    const original = path.relative(data, header);
    const kept = messages.findIndex((m) => m === `1 recording listed under rows of different patients dealt to one fold with their patients' records, so no fold is tested on a copy of its training: ${original} = copies/${path.basename(header)}`);
    expect(kept).toBeGreaterThanOrEqual(0);
    expect(kept).toBeLessThan(messages.findIndex((m) => m.startsWith('cross-validation fold 1 of 3')));
  }, 120_000);
});
