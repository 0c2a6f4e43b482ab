// Golden values: python3 scripts/fixtures/signal_filters.py → core/test/fixtures/signal/normalise.json
// (numpy with torch's conventions: lower median, 1-indexed kthvalue quartiles, unbiased std).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../test/shared-data';
import { normalisations, normalise } from './normalise';

type Case = Record<(typeof normalisations)[number] | 'x', number[]>;
const fixture = JSON.parse(readFileSync(fixturePath('signal', 'normalise.json'), 'utf8')) as { cases: Case[] };

describe('normalise', () => {
  for (const c of fixture.cases) {
    it.each(normalisations.map((m) => [m]))(`%s matches the reference (n=${c.x.length})`, (method) => {
      const out = normalise(Float32Array.from(c.x), method);
      const expected = c[method];
      let worst = 0;
      for (let i = 0; i < out.length; i++) worst = Math.max(worst, Math.abs((out[i] as number) - (expected[i] as number)) / Math.max(1, Math.abs(expected[i] as number)));
      expect(out.length).toBe(expected.length);
      expect(worst).toBeLessThan(1e-6); // float32 output
    });
  }

  it.each(normalisations.map((m) => [m]))('%s keeps a flat lead finite', (method) => {
    const out = normalise(new Float32Array(2048).fill(0.7), method);
    expect(out.every(Number.isFinite)).toBe(true);
  });
});
