import { describe, expect, it } from 'vitest';
import type { Dataset, DatasetItem } from '../data/types';
import { crossValidationPlan, foldDataset, summariseFolds, type FoldPredictions } from './cv';

const item = (id: string, labels: number[], extra: Partial<DatasetItem> = {}): DatasetItem => ({ id, files: [], labels, split: 'train', ...extra });

describe('cross-validation folds', () => {
  it("uses PTB-XL's strat_fold 1–9, merging folds for K < 9 without splitting a fold, and leaves the locked test fold 10 out", () => {
    const items = Array.from({ length: 40 }, (_, i) => item(String(i), [i % 2, 1 - (i % 2)], { fold: (i % 10) + 1, split: i % 10 === 9 ? 'test' : i % 10 === 8 ? 'val' : 'train' }));
    const development = items.filter((i) => i.fold !== 10);
    const ds: Dataset = { name: 'ptbxl-superclass-500hz', root: '', classes: ['a', 'b'], items, dropped: [] };
    const nine = crossValidationPlan(ds, 9);
    expect([...nine.folds.keys()]).toEqual(development.map((i) => i.id));
    expect([...nine.folds.values()]).toEqual(development.map((i) => i.fold));
    // It read fold 10, the locked test split read once per model, as a tenth fold.
    expect(nine.excluded).toEqual({ count: 4, reason: 'the locked test split (strat_fold 10) is never read by cross-validation' });
    expect(nine.source).toBe('PTB-XL strat_fold 1–9 (patient-disjoint)');
    const five = crossValidationPlan(ds, 5);
    development.forEach((i) => expect(five.folds.get(i.id)).toBe((((i.fold as number) - 1) % 5) + 1));
    expect(five.folds.has('9')).toBe(false);
    expect(() => crossValidationPlan(ds, 10)).toThrow(/9 strat_folds outside its locked test fold 10/);
  });

  it('tests each fold once, validates on the next, trains on the rest', () => {
    const items = Array.from({ length: 30 }, (_, i) => item(`A${i}`, [i % 3 === 0 ? 1 : 0], { fold: (i % 10) + 1 }));
    const ds: Dataset = { name: 'cpsc2018', root: '', classes: ['x'], items, dropped: [] };
    const plan = crossValidationPlan(ds, 10);
    expect(plan.source).toMatch(/loader’s own/);
    const tested = new Set<string>();
    for (let fold = 1; fold <= 10; fold++) {
      const d = foldDataset(ds, plan, fold);
      expect(d.name).toBe(`cpsc2018 (CV fold ${fold} of 10)`);
      // Marked, so its package says its test rows are this fold's held-out rows; the loader's own folds were dealt by no seed here.
      expect(d.cvFold).toEqual({ k: 10, fold });
      const of = (s: string) => d.items.filter((i) => i.split === s).map((i) => plan.folds.get(i.id));
      expect(new Set(of('test'))).toEqual(new Set([fold]));
      expect(new Set(of('val'))).toEqual(new Set([(fold % 10) + 1]));
      expect(of('train')).toHaveLength(24);
      d.items.filter((i) => i.split === 'test').forEach((i) => tested.add(i.id));
    }
    expect(tested.size).toBe(30);
  });

  it("keeps a hospital patient's records in one fold and its locked test split out", () => {
    const items = Array.from({ length: 60 }, (_, i) => item(`f${i}`, [i % 4 === 0 ? 1 : 0], { patientId: `p${Math.floor(i / 3)}`, split: i >= 54 ? 'test' : 'train' }));
    const ds: Dataset = { name: 'hospital:ward', root: '', classes: ['PE'], items, dropped: [] };
    const plan = crossValidationPlan(ds, 5, 7);
    expect(plan.excluded).toEqual({ count: 6, reason: expect.stringMatching(/locked test/) });
    expect(foldDataset(ds, plan, 2).cvFold).toEqual({ k: 5, fold: 2, seed: 7 });
    expect(plan.folds.size).toBe(54);
    for (let p = 0; p < 18; p++) expect(new Set([0, 1, 2].map((k) => plan.folds.get(`f${3 * p + k}`))).size).toBe(1);
  });
});

describe('copies of one recording under other rows', () => {
  it("keeps them in one PTB-XL fold (the first row's, with their patients' records) and says so, where train --cv refused a PTB-XL folder", () => {
    // Rows 3 (strat_fold 4) and 19 (strat_fold 2) hold one recording; row 10 (strat_fold 2) is row 19's patient's other record.
    const items = Array.from({ length: 30 }, (_, i) => item(String(i), [i % 2], { fold: (i % 9) + 1, patientId: i === 10 ? 'p19' : `p${i}` }));
    const ds: Dataset = { name: 'ptbxl-superclass-500hz', root: '', classes: ['a'], items, dropped: [] };
    expect(crossValidationPlan(ds, 9).copiesKept).toBeUndefined();
    const plan = crossValidationPlan(ds, 9, 2018, [['3', '19']]);
    expect([plan.folds.get('3'), plan.folds.get('19'), plan.folds.get('10')]).toEqual([4, 4, 4]);
    expect(items.filter((i) => !['19', '10'].includes(i.id)).every((i) => plan.folds.get(i.id) === i.fold)).toBe(true);
    expect(plan.copiesKept).toBe("1 recording listed under rows of different folds kept in one fold, the first row's (2 rows moved), so no fold is tested on a copy of its training: 3 = 19");
    // Copies that share a fold already move nothing and are not reported here (the job warns that they weigh twice).
    expect(crossValidationPlan(ds, 9, 2018, [['3', '12']]).copiesKept).toBeUndefined();
  });

  it("deals a hospital's copies to one fold as one patient's records, with both patients' other records", () => {
    const items = Array.from({ length: 60 }, (_, i) => item(`f${i}`, [i % 4 === 0 ? 1 : 0], { patientId: `p${Math.floor(i / 3)}` }));
    const ds: Dataset = { name: 'hospital:ward', root: '', classes: ['PE'], items, dropped: [] };
    const apart = crossValidationPlan(ds, 5, 7);
    const a = items.map((i) => i.id).find((id) => apart.folds.get(id) !== apart.folds.get('f0')) as string;
    const plan = crossValidationPlan(ds, 5, 7, [['f0', a]]);
    const together = ['f0', 'f1', 'f2', ...items.filter((i) => i.patientId === items.find((j) => j.id === a)?.patientId).map((i) => i.id)];
    expect(new Set(together.map((id) => plan.folds.get(id))).size).toBe(1);
    expect(plan.copiesKept).toBe(`1 recording listed under rows of different patients dealt to one fold with their patients' records, so no fold is tested on a copy of its training: f0 = ${a}`);
  });
});

describe('pooled out-of-fold summary', () => {
  it('pools every record once, reports mean ± SD over folds and threshold figures at each fold model’s own thresholds', () => {
    const fold = (f: number, probs: number[][], labels: number[][], thresholds: number[]): FoldPredictions => ({ fold: f, ids: probs.map((_, i) => `${f}-${i}`), patients: probs.map(() => undefined), labels, probs, thresholds });
    const folds = [
      fold(1, [[0.9], [0.2], [0.6], [0.1]], [[1], [0], [1], [0]], [0.5]),
      fold(2, [[0.4], [0.3], [0.8], [0.35]], [[1], [0], [1], [0]], [0.37]),
      fold(3, [[0.7], [0.6], [0.2], [0.9]], [[1], [0], [0], [1]], [0.65]),
    ];
    const s = summariseFolds(folds, ['x'], { resamples: 200, seed: 1 });
    expect(s.pooled.n).toBe(12);
    expect(s.perFold.map((f) => f.metrics.accuracy)).toEqual([1, 1, 1]); // each fold perfect at its own threshold
    expect(s.perFold.map((f) => f.metrics['accuracy@0.5'])).toEqual([1, 0.75, 0.75]);
    expect(s.pooled.metrics.accuracy).toBe(1);
    expect(s.meanSd['accuracy@0.5'].mean).toBeCloseTo(2.5 / 3, 12);
    expect(s.meanSd['accuracy@0.5'].sd).toBeCloseTo(Math.sqrt(((1 - 2.5 / 3) ** 2 + 2 * (0.75 - 2.5 / 3) ** 2) / 2), 12);
    expect(s.pooled.metrics.aucMacro).toBeLessThan(1); // pooled ranks mix folds' calibrations
    expect(s.pooled.ci.aucMacro.low).toBeLessThanOrEqual(s.pooled.metrics.aucMacro);
  });
});
