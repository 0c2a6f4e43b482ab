import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelManifestSchema } from '../../train/package/manifest';
import { readManifest } from '../../train/service/models';
import { capture } from '../../test/cli-io';
import { duplicatesWithoutMethod, starterCopy, withoutDuplicates, type RawManifest } from '../../test/legacy-starter';
import { modelCommand } from './model';
import { bundledModelsDir } from './model-path';

const starterDir = path.join(bundledModelsDir(), 'starter');

/** `ecg model inspect MODEL`'s lines. */
async function inspect(model: string): Promise<string[]> {
  const io = capture();
  expect(await modelCommand.run(['inspect', model], io)).toBe(0);
  return io.out;
}

const checked = '(checked training and validation rows for the same recording by content, or the same ECG at another sampling rate)';
const starterCopies = '4 recordings listed in 8 rows of one split each, kept, so each weighed more than once: 137 = 138 (train); 145 = 463 (train); 456 = 457 (train); and 1 more';

describe("ecg model inspect: the dataset line's counts beside the figures", () => {
  it("says how many of the starter's 56 test and 65 validation records its figures cover, as the lines below them count", async () => {
    const lines = await inspect('starter');
    expect(lines).toContain('  dataset ptbxl-superclass-100hz: 326 train · 65 validation (64 within its intended input, see below) · 56 test (locked; 54 within its intended input, see below)');
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}locked test \(54 records\): /));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}note: the figures cover only the records within .*; 2 of 56 left out/));
  });
});

describe('ecg model inspect: a count of one', () => {
  it('says "1 record", not "1 records", of a locked test and of a cross-validation fold\'s held-out rows that held one', async () => {
    const one = (manifest: RawManifest) => {
      const test = { ...(manifest.provenance.test as Record<string, unknown>), n: 1 };
      manifest.provenance.test = test;
      manifest.provenance.cvFold = { k: 10, fold: 1, seed: 2018, heldOut: test };
    };
    const lines = await inspect(await starterCopy(await mkdtemp(path.join(tmpdir(), 'einthoven-inspect-one-')), one));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}locked test \(1 record\): /));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}held-out rows of cross-validation fold 1 \(1 record; not a locked test\): /));
  });
});

describe('ecg model inspect: the duplicate check a package recorded', () => {
  it('says which copies the bundled starter kept and the check that found them', async () => {
    expect(await inspect('starter')).toContain(`  duplicates: ${starterCopies} ${checked}`);
  });

  it('says a package made before packages kept their check did not record it, where it said "none recorded" as a package that found none did', async () => {
    const older = await starterCopy(await mkdtemp(path.join(tmpdir(), 'einthoven-inspect-older-')), withoutDuplicates);
    expect(await inspect(older)).toContain('  duplicates: not recorded (package made before packages kept their duplicate check: only copies found were written down, if any were looked for)');
    // One that found copies listed them, but not the check: none is claimed for it.
    const listed = await starterCopy(await mkdtemp(path.join(tmpdir(), 'einthoven-inspect-listed-')), duplicatesWithoutMethod);
    expect(await inspect(listed)).toContain(`  duplicates: ${starterCopies}`);
  });

  it('the manifest schema reads both: copies found without the check (older packages) and the check with none found; a bare empty record is refused', async () => {
    const starter = await readManifest(starterDir);
    const withDuplicates = (duplicates: unknown) => modelManifestSchema.safeParse({ ...starter, provenance: { ...starter.provenance, duplicates } });
    const group = [{ id: 'a.hea', split: 'train' }, { id: 'copies/a.hea', split: 'train' }];
    expect(withDuplicates({ recordings: 1, rows: 2, groups: [group] }).success).toBe(true);
    expect(withDuplicates({ recordings: 0, rows: 0, groups: [], method: 'recording-content', splits: ['train', 'val'] }).success).toBe(true);
    expect(withDuplicates({ recordings: 0, rows: 0, groups: [] }).error?.issues[0]?.message).toBe('a duplicates record without its method must list the copies found');
  });
});

describe('ecg model inspect: which bootstrap made the intervals of each block of figures', () => {
  const earlier = /^ {2}note: these intervals are from the earlier bootstrap, which drew records unstratified .* and not by patient; today's keeps every class's positives and negatives in each resample/;

  it("says under the CPSC-class demonstration model's validation, kept from its 2026-12-03 training, that an earlier bootstrap made its intervals, and nothing of the kind under its locked test, re-read with today's", async () => {
    const lines = await inspect('starter-cpsc');
    const test = lines.findIndex((l) => l.startsWith('  locked test (63 records): '));
    const validation = lines.findIndex((l) => l.startsWith('  validation (chose the epoch and thresholds; optimistic; 79 records): '));
    expect([test > 0, validation > test]).toEqual([true, true]);
    // The test's own notes run up to the next block; none of them names an earlier bootstrap.
    expect(lines.slice(test + 1, validation).filter((l) => earlier.test(l))).toEqual([]);
    expect(lines.slice(validation + 1).filter((l) => earlier.test(l))).toHaveLength(1);
  });

  it('says nothing of an earlier bootstrap for the starter, whose figures were all made by today\'s', async () => {
    expect((await inspect('starter')).filter((l) => earlier.test(l))).toEqual([]);
  });
});
