import { describe, expect, it } from 'vitest';
import { base64ToBytes, bytesToBase64, decodeWire, encodeWire } from './wire';

describe('wire codec', () => {
  it('matches Node base64 for every length', () => {
    for (let n = 0; n < 50; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 97 + n) & 255);
      expect(bytesToBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
      expect(base64ToBytes(Buffer.from(bytes).toString('base64'))).toEqual(bytes);
    }
  });

  it('round-trips typed arrays inside objects, including offsets into a larger buffer', () => {
    const big = new Float32Array([9, 1.5, -2.25, Number.NaN, 3]);
    const value = { signals: [big.subarray(1, 4)], file: { name: 'a', bytes: new Uint8Array([0, 255, 7]) } };
    const back = decodeWire(encodeWire(value)) as typeof value;
    expect(Array.from(back.signals[0] ?? [])).toEqual([1.5, -2.25, Number.NaN]);
    expect(back.file.bytes).toEqual(new Uint8Array([0, 255, 7]));
  });

  it('rejects corrupt base64 instead of decoding garbage', () => {
    expect(() => base64ToBytes('ab$=')).toThrow(/invalid base64/);
    expect(() => base64ToBytes('abc')).toThrow(/multiple of 4/);
  });
});

describe('binary wire framing', () => {
  it('round-trips file bytes and floats as raw parts after the JSON', async () => {
    const { decodeWireBinary, encodeWireBinary } = await import('./wire');
    const value = { files: [{ name: 'a.dat', bytes: new Uint8Array([1, 2, 3]) }, { name: 'b', bytes: new Uint8Array(0) }], f: new Float32Array([1.5, Number.NaN]).subarray(1) };
    const { json, parts } = encodeWireBinary(value);
    const body = new Uint8Array(json.byteLength + parts.reduce((n, p) => n + p.byteLength, 0));
    let at = 0;
    for (const p of [json, ...parts]) {
      body.set(p, at);
      at += p.byteLength;
    }
    const back = decodeWireBinary(body) as typeof value;
    expect(back.files[0]?.bytes).toEqual(new Uint8Array([1, 2, 3]));
    expect(back.files[1]?.bytes).toEqual(new Uint8Array(0));
    expect(Number.isNaN(back.f[0])).toBe(true);
    expect(() => decodeWireBinary(body.subarray(0, json.byteLength))).toThrow(/outside the body/);
  });
});
