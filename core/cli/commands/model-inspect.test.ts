import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelManifestSchema } from '../../train/package/manifest';
import { readManifest } from '../../train/service/models';
import { capture } from '../../test/cli-io';
import { modelCommand } from './model';
import { bundledModelsDir } from './model-path';

const starterDir = path.join(bundledModelsDir(), 'starter');

describe('ecg model inspect: the duplicate check a package recorded', () => {
  it('says the bundled starter was made before packages kept their check, where it said "none recorded" as a package that found none did', async () => {
    const io = capture();
    expect(await modelCommand.run(['inspect', 'starter'], io)).toBe(0);
    expect(io.out).toContain('  duplicates: not recorded (package made before packages kept their duplicate check: only copies found were written down, if any were looked for)');
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
