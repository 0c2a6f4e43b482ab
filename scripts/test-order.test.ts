import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import config, { unitTestFiles } from '../vitest.config';
import { measuredSeconds, slowestFirst, SlowestFirstSequencer } from './test-order';

const repoRoot = path.resolve(import.meta.dirname, '..');

describe('unit-test order: the slow files first', () => {
  it('is the order vitest.config.ts runs the files in', () => {
    expect(config.test?.sequence?.sequencer).toBe(SlowestFirstSequencer);
  });

  it('names only unit-test files that exist (a renamed file would silently lose its place)', () => {
    for (const file of Object.keys(measuredSeconds)) {
      expect(existsSync(path.join(repoRoot, file)), file).toBe(true);
      expect(unitTestFiles.some((glob) => file.startsWith(glob.slice(0, glob.indexOf('**'))) && file.endsWith('.test.ts')), file).toBe(true);
    }
  });

  it('puts the measured files first, longest first, and keeps the others in the order vitest gave', () => {
    const given = ['core/a.test.ts', 'core/ml/backend/webgpu-parity-seq.test.ts', 'core/b.test.ts', 'core/interop/pytorch-roundtrip.test.ts', 'core/ml/backend/webgpu-parity-cnn.test.ts', 'core/c.test.ts'];
    expect(slowestFirst(given, (file) => file)).toEqual([
      'core/interop/pytorch-roundtrip.test.ts',
      'core/ml/backend/webgpu-parity-cnn.test.ts',
      'core/ml/backend/webgpu-parity-seq.test.ts',
      'core/a.test.ts',
      'core/b.test.ts',
      'core/c.test.ts',
    ]);
  });

  it('finds a file by its path relative to the root whatever the platform separator', () => {
    const given = ['core/a.test.ts', path.join('core', 'interop', 'pytorch-roundtrip.test.ts')];
    expect(slowestFirst(given, (file) => file)[0]).toBe(path.join('core', 'interop', 'pytorch-roundtrip.test.ts'));
  });
});
