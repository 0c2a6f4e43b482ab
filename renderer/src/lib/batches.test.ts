import { describe, expect, it } from 'vitest';
import { makeBatches, readBatch, type PickedFile } from './batches';

const file = (name: string, size: number): PickedFile => ({ name, file: new Blob([new Uint8Array(size)]) });

/** A real Blob that counts what the page would pay for: in Chromium each `arrayBuffer()` of a picked file is synchronous work. */
class CountingBlob extends Blob {
  static reads = 0;
  override arrayBuffer(): Promise<ArrayBuffer> {
    CountingBlob.reads++;
    return super.arrayBuffer();
  }
}
const counted = (name: string, bytes: number[]): PickedFile => ({ name, file: new CountingBlob([new Uint8Array(bytes)]) });

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

describe('readBatch', () => {
  it('reads a batch in one read of all its files, each file getting its own bytes', async () => {
    const batch = [counted('a.hea', [1, 2]), counted('a.dat', [3, 4, 5]), counted('empty.txt', []), counted('b.xml', [6])];
    CountingBlob.reads = 0;
    const read = await readBatch(batch);
    expect(read.map((f) => [f.name, [...f.bytes]])).toEqual([['a.hea', [1, 2]], ['a.dat', [3, 4, 5]], ['empty.txt', []], ['b.xml', [6]]]);
    // A file's bytes are its own buffer, not a view of the batch's (which IPC would copy with every file).
    expect(read.map((f) => f.bytes.buffer.byteLength)).toEqual([2, 3, 0, 1]);
    // No per-file read: in Chromium each costs the page 1–2 ms of synchronous work.
    expect(CountingBlob.reads).toBe(0);
  });
});
