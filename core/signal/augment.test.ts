// Golden waves: python3 scripts/fixtures/signal_filters.py → core/test/fixtures/signal/augment.json (scipy.signal.square).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../test/shared-data';
import { augment, leadDrop, paperAugmentation, sineSum, sineWave, squarePulseSum, squareWave, timeDrop, type AugmentationKind } from './augment';
import { createRng } from './rng';

const fixture = JSON.parse(readFileSync(fixturePath('signal', 'augment.json'), 'utf8')) as {
  cases: { a: number; f: number; sine: number[]; square: number[] }[];
};
const leads = () => Array.from({ length: 12 }, (_, l) => Float32Array.from({ length: 500 }, (_, i) => Math.sin(i / 10 + l) + 0.1));

describe('augmentation waves', () => {
  it.each(fixture.cases.map((c) => [c.a, c.f, c] as const))('A=%s f=%s equal numpy/scipy', (_, __, c) => {
    const sine = sineWave(c.sine.length, c.a, c.f);
    c.sine.forEach((v, i) => expect(sine[i]).toBeCloseTo(v, 12));
    expect(Array.from(squareWave(c.square.length, c.a, c.f))).toEqual(c.square);
  });
});

describe('augment', () => {
  it('chooses nothing with P = 2/7 and each transform with P = 1/7', () => {
    const rng = createRng(7);
    const counts = new Map<AugmentationKind, number>();
    const input = leads();
    for (let i = 0; i < 3500; i++) {
      const { kind } = augment(input, paperAugmentation, rng);
      counts.set(kind, (counts.get(kind) ?? 0) + 1);
    }
    expect((counts.get('none') ?? 0) / 3500).toBeCloseTo(2 / 7, 1);
    for (const kind of ['flip', 'timeDrop', 'leadDrop', 'sine', 'square'] as const) expect((counts.get(kind) ?? 0) / 3500).toBeCloseTo(1 / 7, 1);
  });

  it('time drop zeroes the same indices in every lead, about 10 %', () => {
    const out = timeDrop(leads(), 0.1, createRng(3));
    const zeroAt = (l: Float32Array) => Array.from(l, (v) => v === 0);
    const first = zeroAt(out[0] as Float32Array);
    for (const l of out) expect(zeroAt(l)).toEqual(first);
    const rate = first.filter(Boolean).length / first.length;
    expect(rate).toBeGreaterThan(0.05);
    expect(rate).toBeLessThan(0.15);
  });

  it('lead drop zeroes whole leads independently', () => {
    let dropped = 0;
    const rng = createRng(11);
    for (let t = 0; t < 200; t++) {
      for (const l of leadDrop(leads(), 0.2, rng)) {
        const zeros = l.filter((v) => v === 0).length;
        expect(zeros === 0 || zeros === l.length).toBe(true);
        if (zeros) dropped++;
      }
    }
    expect(dropped / 2400).toBeCloseTo(0.2, 1);
  });

  it("draws the paper's amplitudes and frequencies (sine A ~ U(0.25, 1), f ~ U(0.001, 0.02); square A ~ U(0.005, 0.02), f ~ U(0.001, 0.1))", () => {
    const calls: [number, number][] = [];
    const rng = createRng(5);
    const recording = { ...rng, uniform: (lo: number, hi: number) => (calls.push([lo, hi]), rng.uniform(lo, hi)) };
    const input = leads();
    const sine = sineSum(input, paperAugmentation, recording);
    const square = squarePulseSum(input, paperAugmentation, recording);
    expect(calls).toEqual([
      [0.25, 1],
      [0.001, 0.02],
      [0.005, 0.02],
      [0.001, 0.1],
    ]);
    // The same wave, phase 0, is added to every lead.
    const added = (out: Float32Array[], l: number) => Array.from(out[l] as Float32Array, (v, i) => v - (input[l] as Float32Array)[i]!);
    expect(added(sine, 0)[0]).toBeCloseTo(0, 6); // sin(0)
    expect(added(square, 0)[0]).toBeGreaterThan(0); // square(0) = +1
    for (const out of [sine, square]) for (let l = 1; l < 12; l++) added(out, l).forEach((v, i) => expect(v).toBeCloseTo(added(out, 0)[i]!, 5));
    expect(paperAugmentation).toMatchObject({ timeDropProbability: 0.1, leadDropProbability: 0.2 });
  });

  it('does not modify its input', () => {
    const input = leads();
    const copy = input.map((l) => Float32Array.from(l));
    for (let i = 0; i < 50; i++) augment(input, paperAugmentation, createRng(i));
    expect(input).toEqual(copy);
  });
});
