import { describe, expect, it } from 'vitest';
import { architectureNames } from '../models/registry';
import { parityInputs } from './parity';

describe('the webgpu parity suites', () => {
  it('cover every architecture of the zoo, each with its input', async () => {
    const files = ['./webgpu-parity-cnn.test.ts', './webgpu-parity-seq.test.ts'];
    const { readFileSync } = await import('node:fs');
    const listed = files.flatMap((f) => [...readFileSync(new URL(f, import.meta.url), 'utf8').matchAll(/'([a-z0-9-]+)'/g)].map((m) => m[1]!));
    expect([...listed].sort()).toEqual([...architectureNames].sort());
    expect(Object.keys(parityInputs).sort()).toEqual([...architectureNames].sort());
  });
});
