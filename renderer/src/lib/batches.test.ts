import { describe, expect, it } from 'vitest';
import { makeBatches, type PickedFile } from './batches';

const file = (name: string, size: number): PickedFile => ({ name, file: new Blob([new Uint8Array(size)]) });

describe('makeBatches', () => {
  it('keeps a WFDB header with its signal files and fills batches up to the size limit', () => {
    const files = [file('a/r1.dat', 60), file('a/r2.hea', 1), file('a/r1.hea', 1), file('a/r2.dat', 60), file('b.xml', 10)];
    const batches = makeBatches(files, 100);
    expect(batches.map((b) => b.map((f) => f.name))).toEqual([['a/r1.dat', 'a/r1.hea'], ['a/r2.dat', 'a/r2.hea', 'b.xml']]);
  });

  it('puts an oversized record alone in its batch rather than dropping it', () => {
    const batches = makeBatches([file('big.edf', 500), file('small.edf', 1)], 100);
    expect(batches).toHaveLength(2);
  });
});
