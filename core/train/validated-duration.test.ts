import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeRecordFiles } from '../data/records';
import { SignalStore } from '../data/store';
import type { DatasetItem } from '../data/types';
import { asMillivolts } from '../formats/record';
import { writeWfdb16 } from '../formats/wfdb/write';
import { pipelineConfigSchema } from '../signal/pipeline-config';
import { fixturePath } from '../test/shared-data';
import { partitionByScope } from './evaluation-scope';
import { defaultIntendedInput, withValidatedDuration } from './scope';

/**
 * PTB-XL 00191's 500 Hz recording cut to 4999 samples (9.998 s) and written as WFDB: a record
 * whose length the resampler to 100 Hz rounds up, to 1000 samples (10.0 s).
 */
async function shortOfTenSeconds(dir: string): Promise<DatasetItem> {
  const record = await decodeRecordFiles(['00191_hr.hea', '00191_hr.dat'].map((f) => fixturePath('signal', 'ptbxl-1avb', f)));
  const n = 4999;
  const { header, data } = writeWfdb16({ ...record, nSamples: n, leads: record.leads.map((l) => ({ ...l, samples: asMillivolts(l.samples.subarray(0, n)) })) }, 'short');
  const files = [path.join(dir, 'short.hea'), path.join(dir, 'short.dat')];
  await writeFile(files[0] as string, header, 'latin1');
  await writeFile(files[1] as string, data);
  return { id: 'short', files, labels: [1], split: 'val' };
}

const to100Hz = pipelineConfigSchema.parse({ version: 1, stages: [{ kind: 'resample', targetHz: 100 }, { kind: 'crop', length: 250 }] });

describe("a package's minimum duration, measured on its validation records", () => {
  it("is measured on each record's own duration (the one predict holds it to), not the resampled signal's, so the records it was validated on are within it", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'einthoven-validated-duration-'));
    const item = await shortOfTenSeconds(dir);
    // Decoded here, and again from the disk cache it wrote: the same duration both times.
    for (const store of [await SignalStore.build([item], { pipeline: to100Hz, cacheDir: dir }), await SignalStore.build([item], { pipeline: to100Hz, cacheDir: dir })]) {
      expect(store.failures).toEqual([]);
      const seconds = store.seconds(item.id) as number;
      expect(seconds).toBeCloseTo(9.998, 9);
      // What packaging states from it (package-trained.ts): 9.9 s, and the record itself is within it.
      const intended = withValidatedDuration(defaultIntendedInput(to100Hz), to100Hz, [seconds]);
      expect(intended).toMatchObject({ minSeconds: 9.9, minSecondsBasis: 'validation records' });
      const partition = await partitionByScope([intended], [item]);
      expect(partition.byReason).toEqual({});
      expect(partition.items.map((i) => i.id)).toEqual([item.id]);
    }
  });
});
