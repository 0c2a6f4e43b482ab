import { describe, expect, it } from 'vitest';
import type { Evaluated } from '../../../../core/contract/training-schemas';
import { unvalidatedReason } from './locked-test-support';

/** The starter CPSC model's locked-test figures for three of its classes (resources/models/starter-cpsc/manifest.json, provenance.test). */
const starterCpsc: Evaluated = {
  n: 63,
  ci: {},
  metrics: {
    perClass: {
      AF: { sensitivity: 0.5, specificity: 1, support: 2 },
      IAVB: { sensitivity: 0, specificity: 0.8225806451612904, support: 1 },
      LBBB: { sensitivity: null, specificity: 0.9682539682539683, support: 0 },
    },
  },
};

describe('a flag the locked test never backed', () => {
  it('is a class whose locked test found none of its positives, or held none', () => {
    expect(unvalidatedReason(starterCpsc, 'IAVB')).toBe('locked test found 0 of 1');
    expect(unvalidatedReason(starterCpsc, 'LBBB')).toBe('no positive case in the locked test');
    expect(unvalidatedReason({ ...starterCpsc, metrics: { perClass: { X: { sensitivity: 0, support: 4 } } } }, 'X')).toBe('locked test found 0 of 4');
  });

  it('is not one the locked test saw detected at least once', () => {
    expect(unvalidatedReason(starterCpsc, 'AF')).toBeNull();
  });

  it('is a class the locked test has no figures for, though it has others', () => {
    expect(unvalidatedReason(starterCpsc, 'PVC')).toBe('no locked-test figures for this class');
  });

  it('cannot be judged without locked-test figures (no locked test, or the model no longer installed)', () => {
    expect(unvalidatedReason(null, 'IAVB')).toBeNull();
    expect(unvalidatedReason(undefined, 'IAVB')).toBeNull();
    expect(unvalidatedReason({ n: 0, ci: {}, metrics: {} }, 'IAVB')).toBeNull();
  });

  it('reads packages made before support was kept by their sensitivity alone', () => {
    const older: Evaluated = { n: 10, ci: {}, metrics: { perClass: { A: { sensitivity: null }, B: { sensitivity: 0 }, C: { sensitivity: 0.4 } } } };
    expect(unvalidatedReason(older, 'A')).toBe('no positive case in the locked test');
    expect(unvalidatedReason(older, 'B')).toBe('locked test found none of its positives');
    expect(unvalidatedReason(older, 'C')).toBeNull();
  });
});
