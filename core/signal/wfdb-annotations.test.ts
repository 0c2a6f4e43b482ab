// The MIT annotation format (WFDB Programmer's Guide, "annot(5)"): 16-bit little-endian words, 6-bit code + 10-bit
// time step, with SKIP/NUM/SUB/CHN/AUX pseudo-codes. Bytes are built by hand here; LUDB's real files run in qrs.test.ts.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedData, sharedDataPath } from '../test/shared-data';
import { readWfdbAnnotations } from './wfdb-annotations';

const word = (code: number, value: number) => [(code << 10) | value].flatMap((w) => [w & 0xff, w >> 8]);
const skip = (interval: number) => [...word(59, 0), (interval >> 16) & 0xff, (interval >> 24) & 0xff, interval & 0xff, (interval >> 8) & 0xff];

describe('readWfdbAnnotations', () => {
  it('decodes codes, time steps, SKIP, SUB, CHN, NUM and AUX', () => {
    const aux = [...'(AFIB'].map((c) => c.charCodeAt(0));
    const bytes = Uint8Array.from([
      ...word(39, 100), // '(' at 100
      ...word(1, 20), // N at 120
      ...word(61, 3), // SUB 3 for the N
      ...word(40, 25), // ')' at 145
      ...skip(70000), // jump
      ...word(62, 2), // CHN 2
      ...word(60, 7), // NUM 7
      ...word(28, 5), // '+' rhythm change at 145 + 70000 + 5
      ...word(63, aux.length),
      ...aux,
      0, // AUX padded to an even length
      0,
      0,
    ]);
    const anns = readWfdbAnnotations(bytes);
    expect(anns.map((a) => [a.symbol, a.sample])).toEqual([
      ['(', 100],
      ['N', 120],
      [')', 145],
      ['+', 70150],
    ]);
    expect(anns[1]?.subtype).toBe(3);
    expect(anns[3]).toMatchObject({ chan: 2, num: 7, aux: '(AFIB' });
  });

  it('rejects a truncated SKIP or AUX with E_FORMAT', () => {
    expect(() => readWfdbAnnotations(Uint8Array.from([...word(1, 10), ...word(59, 0), 1]), 'x.atr')).toThrow(/x.atr: annotation file truncated/);
    expect(() => readWfdbAnnotations(Uint8Array.from([...word(1, 10), ...word(63, 9), 65]))).toThrow(/truncated/);
  });

  it('returns nothing for an empty file', () => {
    expect(readWfdbAnnotations(new Uint8Array(0))).toEqual([]);
  });

  it.runIf(sharedData)('reads LUDB lead II: (p) (N) (t) triplets with increasing samples', () => {
    const anns = readWfdbAnnotations(readFileSync(sharedDataPath('ecg', 'wfdb-ludb', 'ludb-ecg.ii')));
    expect(anns.map((a) => a.symbol).join('')).toBe('(N)(t)(p)(N)(t)(p)(N)(t)(p)(N)(t)(p)(N)(t)(p)(N)');
    expect(anns.every((a, k) => k === 0 || a.sample > (anns[k - 1]?.sample ?? 0))).toBe(true);
  });
});
