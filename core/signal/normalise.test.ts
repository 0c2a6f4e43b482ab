// Golden values computed with torch itself (the paper's code): /usr/bin/python3 scripts/fixtures/signal_normalise.py
// → core/test/fixtures/signal/normalise.json (torch.median lower median, torch.kthvalue quartiles, unbiased torch.std).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../test/shared-data';
import { normalisations, normalise, rscale } from './normalise';

type Case = Record<(typeof normalisations)[number] | 'x', number[]> & { name: string };
const fixture = JSON.parse(readFileSync(fixturePath('signal', 'normalise.json'), 'utf8')) as { cases: Case[] };

describe('normalise', () => {
  for (const c of fixture.cases) {
    it.each(normalisations.map((m) => [m]))(`%s equals torch (${c.name})`, (method) => {
      const out = normalise(Float32Array.from(c.x), method);
      const expected = c[method];
      let worst = 0;
      for (let i = 0; i < out.length; i++) worst = Math.max(worst, Math.abs((out[i] as number) - (expected[i] as number)) / Math.max(1, Math.abs(expected[i] as number)));
      expect(out.length).toBe(expected.length);
      expect(worst).toBeLessThan(1e-6); // float32 output
    });
  }

  it('rscale uses the lower median and 1-indexed k-th values, not interpolated quartiles', () => {
    // Sorted 1..8: lower median 4 (not 4.5); q1 = 2nd value 2, q3 = 6th value 6.
    const out = rscale(Float32Array.from([8, 1, 7, 2, 6, 3, 5, 4]));
    expect(out[0]).toBeCloseTo((8 - 4) / (6 - 2 + 1e-8), 6);
  });

  it.each(normalisations.map((m) => [m]))('%s keeps a flat lead finite', (method) => {
    const out = normalise(new Float32Array(2048).fill(0.7), method);
    expect(out.every(Number.isFinite)).toBe(true);
  });
});
