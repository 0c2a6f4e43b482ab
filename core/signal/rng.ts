/**
 * Small seedable PRNG (mulberry32) so that training crops and augmentations are
 * reproducible from a seed. Not cryptographic.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [lo, hi], both inclusive (like Python's random.randint). */
  int(lo: number, hi: number): number;
  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number;
}

export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    uniform: (lo, hi) => lo + (hi - lo) * next(),
  };
}

/**
 * Runs `fn` with Math.random replaced by a seeded generator. tfjs draws dropout masks from
 * seedrandom seeded by Math.random(), and its layers offer no per-call seed that changes
 * between steps; seeding here makes dropout — and so a resumed run — reproducible. The step
 * is synchronous, so nothing else in the process can observe the swap.
 */
export function withSeededRandom<T>(rng: Rng, fn: () => T): T {
  const original = Math.random;
  Math.random = () => rng.next();
  try {
    return fn();
  } finally {
    Math.random = original;
  }
}
