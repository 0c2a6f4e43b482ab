import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EinthovenError } from '../errors';
import { fixturePath } from '../test/shared-data';
import { decodeNpy, encodeNpy } from './npy';
import { decodeSafetensors, encodeSafetensors } from './safetensors';

const fixture = (name: string) => new Uint8Array(readFileSync(fixturePath('interop', name)));

describe('.npy', () => {
  // Fixtures written by numpy 1.24: np.save('f4-2x3.npy', np.arange(6, dtype='<f4').reshape(2, 3) / 4);
  // np.save('f8-4.npy', np.array([1.5, -2.25, 1e-3, 3.0], dtype='<f8'))
  it("reads numpy's own files, float32 and float64", () => {
    expect(decodeNpy(fixture('f4-2x3.npy'), 'f4')).toEqual({ data: Float32Array.from([0, 0.25, 0.5, 0.75, 1, 1.25]), shape: [2, 3] });
    const f8 = decodeNpy(fixture('f8-4.npy'), 'f8');
    expect(f8.shape).toEqual([4]);
    expect(Array.from(f8.data)).toEqual(Array.from(Float32Array.from([1.5, -2.25, 1e-3, 3.0])));
  });

  it('writes what numpy writes, byte for byte', () => {
    expect(encodeNpy(Float32Array.from([0, 0.25, 0.5, 0.75, 1, 1.25]), [2, 3])).toEqual(fixture('f4-2x3.npy'));
  });

  it('refuses a file whose data does not match its shape, or another dtype', () => {
    const good = fixture('f4-2x3.npy');
    expect(() => decodeNpy(good.subarray(0, good.length - 4), 'short')).toThrow(/data bytes for shape/);
    const int32 = Buffer.from(good);
    int32.write("'<i4'", int32.indexOf("'<f4'"), 'latin1');
    expect(() => decodeNpy(new Uint8Array(int32), 'int')).toThrow(EinthovenError);
    expect(() => encodeNpy(new Float32Array(5), [2, 3])).toThrow(/does not hold 5 values/);
  });
});

describe('safetensors', () => {
  const tensors = [
    { name: '0000.kernel', shape: [3, 12, 4], data: Float32Array.from({ length: 144 }, (_, i) => Math.sin(i)) },
    { name: '0001.gamma', shape: [4], data: Float32Array.from([1, 2, 3, 4]) },
  ];

  it('round-trips tensors and metadata, data 8-byte aligned', () => {
    const bytes = encodeSafetensors(tensors, { order: 'einthoven-engine' });
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + headerLength) % 8).toBe(0);
    const read = decodeSafetensors(bytes, 'mem');
    expect(read.metadata).toEqual({ order: 'einthoven-engine' });
    expect(read.tensors).toEqual(tensors);
    // Aligned data is read in place: copying VGG11-bn's 140 MB of weights cost a second of every import.
    expect(read.tensors.every((t) => t.data.buffer === bytes.buffer)).toBe(true);
  });

  it('refuses truncated files, lying headers and other dtypes with E_FORMAT, before allocating', () => {
    const bytes = encodeSafetensors(tensors);
    const expectFormat = (b: Uint8Array, why: RegExp) => {
      try {
        decodeSafetensors(b, 'bad');
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(EinthovenError);
        expect((error as EinthovenError).code).toBe('E_FORMAT');
        expect((error as EinthovenError).message).toMatch(why);
      }
    };
    expectFormat(bytes.subarray(0, 5), /shorter than/);
    expectFormat(bytes.subarray(0, bytes.length - 4), /do not match its shape or the file/);
    const huge = Uint8Array.from(bytes);
    new DataView(huge.buffer).setBigUint64(0, 2n ** 60n, true);
    expectFormat(huge, /does not fit/);
    const f16 = Buffer.from(bytes);
    f16.write('"F16"', f16.indexOf('"F32"'), 'utf8');
    expectFormat(new Uint8Array(f16), /only F32/);
  });
});
