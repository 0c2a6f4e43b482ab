import { describe, expect, it } from 'vitest';
import type { DatasetItem } from '../data/types';
import { subgroupLines } from '../cli/commands/evaluate-print';
import { subgroupReports } from './subgroups';

const classes = ['NORM', 'MI', 'STTC'];

/** A record of a given age and sex: one patient each. */
function item(k: number, ageYears: number, sex: 'F' | 'M'): DatasetItem {
  return { id: `r${k}`, split: 'test', files: [], labels: [], demographics: { ageYears, sex }, patientId: `p${k}` };
}

describe('subgroupReports', () => {
  // Twelve young records: NORM in half of them, no MI and no STTC at all; the model ranks NORM well.
  const young = Array.from({ length: 12 }, (_, k) => item(k, 30, k % 2 === 0 ? 'F' : 'M'));
  const labels = young.map((_, k) => [k < 6 ? 1 : 0, 0, 0]);
  const probs = young.map((_, k) => [k < 5 || k === 8 ? 0.9 : 0.1, 0.1, 0.1]);

  it('averages a subgroup\'s F1 and G-mean over the classes defined in it, and says which, where F1 counted absent classes as 0', () => {
    const group = subgroupReports(young, labels, probs, classes, [0.5, 0.5, 0.5], 20).find((g) => g.name === 'age < 40');
    expect(group).toBeDefined();
    const norm = group?.metrics.perClass.NORM;
    // NORM's F1 alone (2·5 / (2·5 + 1 + 1)), not (f1 + 0 + 0) / 3 with its constant zeros.
    expect(group?.metrics.f1Macro).toBeCloseTo(10 / 12, 10);
    expect(norm?.f1).toBeCloseTo(10 / 12, 10);
    expect(group?.metrics.averaging.f1Macro).toEqual({ over: 1, leftOut: ['MI', 'STTC'] });
    expect(group?.metrics.averaging.gmean).toEqual({ over: 1, leftOut: ['MI', 'STTC'] });
    expect(group?.metrics.averaging.aucMacro).toEqual({ over: 1, leftOut: ['MI', 'STTC'] });
    expect(group?.ci.f1Macro?.high).toBeGreaterThan(group?.ci.f1Macro?.low ?? 1);
    expect(group?.metrics.gmean).toBeCloseTo(norm?.gmean ?? Number.NaN, 10);
  });

  it('prints each subgroup figure with the classes it averages over', () => {
    const lines = subgroupLines(subgroupReports(young, labels, probs, classes, [0.5, 0.5, 0.5], 20));
    const line = lines.find((l) => l.startsWith('  age < 40 (n = 12)'));
    expect(line).toMatch(/aucMacro \d\.\d{3} \[[\d.]+, [\d.]+\] \(over 1 of 3 classes; left out: MI, STTC \(undefined on these records\)\)/);
    expect(line).toMatch(/f1Macro 0\.833 \[[\d.]+, [\d.]+\] \(over 1 of 3 classes; left out: MI, STTC/);
    expect(line).toMatch(/gmean \d\.\d{3} \[[\d.]+, [\d.]+\] \(over 1 of 3 classes/);
  });

  it('leaves F1 undefined, without an interval, in a subgroup with no positives of any class', () => {
    const none = subgroupReports(young, young.map(() => [0, 0, 0]), probs, classes, [0.5, 0.5, 0.5], 20).find((g) => g.name === 'age < 40');
    expect(none?.metrics.f1Macro).toBeNaN();
    expect(none?.ci.f1Macro).toBeUndefined();
    expect(none?.metrics.averaging.f1Macro).toEqual({ over: 0, leftOut: classes });
  });
});
