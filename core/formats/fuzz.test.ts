import { describe, expect, it } from 'vitest';
import { makeCase, runCase } from './test/mutate';
import { fixtureSeeds } from './test/seeds';

/**
 * A sample of the mutation fuzzer (scripts/fuzz/formats.ts runs ≥ 10,000 cases): every mutated
 * fixture must decode to a record or a typed error — never an exception, never an untyped
 * RangeError/TypeError smuggled out as a message.
 */
describe('fuzz sample: mutated fixtures end in a record or a typed error', () => {
  const seeds = fixtureSeeds();
  const cases = 400;

  // Decoding 400 mutated records is CPU work that takes about 35 s on a loaded 2-core machine and
  // passed the suite's 60 s limit under heavier load (other test files running beside it); the limit
  // guards against a hang, so it is set well above the work, not near it.
  it(`${cases} seeded cases over ${seeds.length} seed records`, { timeout: 300_000 }, () => {
    const counts = new Map<string, number>();
    const bad: string[] = [];
    for (let seed = 1; seed <= cases; seed++) {
      const c = makeCase(seed, seeds);
      const { classes, messages } = runCase(c);
      classes.forEach((cls, i) => {
        counts.set(cls, (counts.get(cls) ?? 0) + 1);
        if (cls === 'crash' || cls.startsWith('unexpected')) bad.push(`seed ${seed} (${c.target}, ${c.operators.join('+')}): ${messages[i]}`);
      });
    }
    expect(bad).toEqual([]);
    // The sample must exercise both ends: real records survive some mutations, most are rejected.
    expect(counts.get('record') ?? 0).toBeGreaterThan(20);
    expect(counts.get('E_FORMAT') ?? 0).toBeGreaterThan(50);
  });
});
