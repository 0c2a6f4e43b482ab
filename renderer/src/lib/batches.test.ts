import { describe, expect, it } from 'vitest';
import { makeBatches, type PickedFile } from './batches';

const file = (name: string, size: number): PickedFile => ({ name, file: new Blob([new Uint8Array(size)]) });

describe('makeBatches', () => {
  it('keeps a WFDB header with its signal files and fills batches up to the size limit', () => {
    const files = [file('a/r1.dat', 60), file('a/r2.hea', 1), file('a/r1.hea', 1), file('a/r2.dat', 60), file('b.xml', 10)];
    const batches = makeBatches(files, 100);
    expect(batches.map((b) => b.map((f) => f.name))).toEqual([['a/r1.dat', 'a/r1.hea'], ['a/r2.dat', 'a/r2.hea', 'b.xml']]);
  });

  it('keeps the segments of a WFDB multi-segment record with their master', () => {
    const files = [file('w/3000003.hea', 1), file('w/3000003_0001.hea', 1), file('w/3000003_0001.dat', 60), file('w/3000003_layout.hea', 1), file('w/3000003_0002.dat', 60), file('w/3000003_0002.hea', 1), file('w/other.edf', 50)];
    const batches = makeBatches(files, 100);
    expect(batches[0]!.map((f) => f.name).sort()).toEqual(['w/3000003.hea', 'w/3000003_0001.dat', 'w/3000003_0001.hea', 'w/3000003_0002.dat', 'w/3000003_0002.hea', 'w/3000003_layout.hea']);
    expect(batches[1]!.map((f) => f.name)).toEqual(['w/other.edf']);
  });

  it('puts an oversized record alone in its batch rather than dropping it', () => {
    const batches = makeBatches([file('big.edf', 500), file('small.edf', 1)], 100);
    expect(batches).toHaveLength(2);
  });
});
