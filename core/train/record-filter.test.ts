import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildRecordFilter, recordFilterSchema, recordFilterTest } from './record-filter';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe('training-record filter', () => {
  it('holds every added record and rejects others at about its false-positive rate', () => {
    const seen = Array.from({ length: 2000 }, (_, i) => sha(`seen ${i}`));
    const filter = recordFilterSchema.parse(buildRecordFilter(seen, 1e-3));
    const has = recordFilterTest(filter);
    expect(seen.every(has)).toBe(true);
    const falsePositives = Array.from({ length: 20000 }, (_, i) => sha(`other ${i}`)).filter(has).length;
    expect(falsePositives / 20000).toBeLessThan(3e-3);
    expect(filter.count).toBe(2000);
    // 2000 records at 1e-3: about 3.6 kB of bits, compact enough for a manifest.
    expect(Buffer.from(filter.data, 'base64').length).toBeLessThan(4000);
  });

  it('refuses a damaged filter and a malformed digest', () => {
    const filter = buildRecordFilter([sha('a')]);
    expect(() => recordFilterTest({ ...filter, bits: filter.bits * 4 })).toThrow(/damaged/);
    expect(() => recordFilterTest(filter)('xyz')).toThrow(/not a SHA-256/);
  });
});
