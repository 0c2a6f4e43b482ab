import { describe, expect, it } from 'vitest';
import { makeBatches, readBatch, type BatchOptions, type PickedFile } from './batches';

const file = (name: string, size: number): PickedFile => ({ name, file: new Blob([new Uint8Array(size)]) });

async function allBatches(files: readonly PickedFile[], options: BatchOptions): Promise<PickedFile[][]> {
  const batches: PickedFile[][] = [];
  for await (const batch of makeBatches(files, options)) batches.push(batch);
  return batches;
}

/**
 * A real Blob that counts what the page would pay for: in Chromium the first `size` of a picked
 * file and every `arrayBuffer()` of one are synchronous work on the page's thread.
 */
class CountingBlob extends Blob {
  static sizeReads = 0;
  static reads = 0;
  override get size(): number {
    CountingBlob.sizeReads++;
    return super.size;
  }
  override arrayBuffer(): Promise<ArrayBuffer> {
    CountingBlob.reads++;
    return super.arrayBuffer();
  }
}
const counted = (name: string, bytes: number[]): PickedFile => ({ name, file: new CountingBlob([new Uint8Array(bytes)]) });

describe('makeBatches', () => {
  it('keeps a WFDB header with its signal files and fills batches up to the size limit', async () => {
    const files = [file('a/r1.dat', 60), file('a/r2.hea', 1), file('a/r1.hea', 1), file('a/r2.dat', 60), file('b.xml', 10)];
    const batches = await allBatches(files, { limit: 100 });
    expect(batches.map((b) => b.map((f) => f.name))).toEqual([['a/r1.dat', 'a/r1.hea'], ['a/r2.dat', 'a/r2.hea', 'b.xml']]);
  });

  it('keeps the segments of a WFDB multi-segment record with their master', async () => {
    const files = [file('w/3000003.hea', 1), file('w/3000003_0001.hea', 1), file('w/3000003_0001.dat', 60), file('w/3000003_layout.hea', 1), file('w/3000003_0002.dat', 60), file('w/3000003_0002.hea', 1), file('w/other.edf', 50)];
    const batches = await allBatches(files, { limit: 100 });
    expect(batches[0]!.map((f) => f.name).sort()).toEqual(['w/3000003.hea', 'w/3000003_0001.dat', 'w/3000003_0001.hea', 'w/3000003_0002.dat', 'w/3000003_0002.hea', 'w/3000003_layout.hea']);
    expect(batches[1]!.map((f) => f.name)).toEqual(['w/other.edf']);
  });

  it('puts an oversized record alone in its batch rather than dropping it', async () => {
    const batches = await allBatches([file('big.edf', 500), file('small.edf', 1)], { limit: 100 });
    expect(batches).toHaveLength(2);
  });

  it('hands out the first batch having looked only at the sizes it needed, not the whole folder', async () => {
    const files = Array.from({ length: 1000 }, (_, i) => counted(`pool/r${String(i).padStart(4, '0')}.dat`, [1, 2, 3, 4]));
    CountingBlob.sizeReads = 0;
    const batches = makeBatches(files, { limit: 40 });
    const first = await batches.next();
    expect(first.value).toHaveLength(10);
    // The ten files of the batch and the one that did not fit in it.
    expect(CountingBlob.sizeReads).toBe(11);
    await batches.return(undefined);
  });

  it('lets the page have its turn whenever reading sizes has taken a slice of time', async () => {
    const files = Array.from({ length: 6 }, (_, i) => file(`r${i}.edf`, 1));
    let clock = 0;
    let pauses = 0;
    // The clock moves 5 ms at each look: six records' sizes take longer than one 16 ms slice.
    const options: BatchOptions = { limit: 100, sliceMs: 16, now: () => (clock += 5) - 5, pause: async () => void pauses++ };
    const batches = await allBatches(files, options);
    expect(batches.flat()).toHaveLength(6);
    expect(pauses).toBeGreaterThan(0);
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
