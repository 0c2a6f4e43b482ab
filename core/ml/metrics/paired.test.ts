// Golden values from numpy/scipy: regenerate with `python3 scripts/fixtures/metrics_paired.py`.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../../test/shared-data';
import { delongPaired, pairedBootstrapDiff, pairedFromIndices, twoSidedNormalP } from './paired';
import { drawResamples, resamplePlan } from './resample';
import { compareFromIndices, compareModels } from './comparison';
import { rocAuc } from './ranking';

interface Bootstrap {
  diff: number;
  ci95: [number, number];
  p: number;
}
interface Case {
  name: string;
  yTrue: number[];
  scoreA: number[];
  scoreB: number[];
  groups: string[] | null;
  delong: { aucA: number; aucB: number; diff: number; se: number; z: number; p: number; ci95: [number, number] };
  indices: number[][];
  bootstrapAuc: Bootstrap;
  bootstrapSensitivity: Bootstrap;
}

interface Compare {
  yTrue: number[][];
  probsA: number[][];
  probsB: number[][];
  thresholdsA: number[];
  thresholdsB: number[];
  indices: number[][];
  perClass: { aucA: number; aucB: number; delong: Case['delong']; auc: Bootstrap; f1A: number; f1B: number; f1: Bootstrap }[];
  macro: Record<'aucMacro' | 'f1Macro' | 'mapMacro', Bootstrap>;
}

interface Clustered {
  name: string;
  yTrue: number[];
  scoreA: number[];
  scoreB: number[];
  groups: string[];
  clustered: Case['delong'];
  delong: Case['delong'];
}

const fixture = JSON.parse(readFileSync(fixturePath('metrics', 'paired.json'), 'utf8')) as { cases: Case[]; compare: Compare; clustered: Clustered[] };
const close = (a: number, b: number, digits = 10) => expect(a).toBeCloseTo(b, digits);

const sensitivity = (y: readonly number[], s: readonly number[]): number => {
  const positives = y.filter((v) => v === 1).length;
  return positives === 0 ? Number.NaN : y.filter((v, i) => v === 1 && (s[i] as number) > 0.5).length / positives;
};

function checkBootstrap(got: Bootstrap, want: Bootstrap): void {
  close(got.diff, want.diff);
  close(got.ci95[0], want.ci95[0]);
  close(got.ci95[1], want.ci95[1]);
  close(got.p, want.p);
}

describe.each(fixture.cases)('paired comparison vs numpy: $name', (c) => {
  it("gives DeLong's difference, standard error, p-value and interval", () => {
    checkDelong(delongPaired(c.yTrue, c.scoreA, c.scoreB), c.delong);
  });

  it('gives the paired bootstrap interval and p-value over the same resamples', () => {
    checkBootstrap(pairedFromIndices(c.yTrue, c.scoreA, c.scoreB, rocAuc, c.indices), c.bootstrapAuc);
    checkBootstrap(pairedFromIndices(c.yTrue, c.scoreA, c.scoreB, sensitivity, c.indices), c.bootstrapSensitivity);
  });
});

function checkDelong(got: ReturnType<typeof delongPaired>, want: Case['delong']): void {
  for (const key of ['aucA', 'aucB', 'diff', 'se', 'z', 'p'] as const) close(got[key], want[key]);
  close(got.ci95[0], want.ci95[0]);
  close(got.ci95[1], want.ci95[1]);
}

describe.each(fixture.clustered)('DeLong clustered by patient (Obuchowski 1997) vs numpy: $name', (c) => {
  it("gives Obuchowski's difference, standard error, p-value and interval over patients", () => {
    const got = delongPaired(c.yTrue, c.scoreA, c.scoreB, c.groups);
    checkDelong(got, c.clustered);
    expect(got.unit).toBe('patient');
    // Without patient ids the same records are taken as independent: DeLong's own figures.
    const independent = delongPaired(c.yTrue, c.scoreA, c.scoreB);
    checkDelong(independent, c.delong);
    expect(independent.unit).toBe('record');
  });
});

describe('DeLong clustered by patient', () => {
  const one = fixture.clustered.find((k) => k.name === 'one ECG per patient') as Clustered;
  const several = fixture.clustered.find((k) => k.name === '2-4 ECGs per patient') as Clustered;

  it("is DeLong's test when every patient has one record", () => {
    checkDelong(delongPaired(one.yTrue, one.scoreA, one.scoreB, one.groups), one.delong);
  });

  it('widens the interval where patients have several correlated ECGs', () => {
    const clustered = delongPaired(several.yTrue, several.scoreA, several.scoreB, several.groups);
    const independent = delongPaired(several.yTrue, several.scoreA, several.scoreB);
    expect(clustered.se).toBeGreaterThan(independent.se * 1.1);
    expect(clustered.p).toBeGreaterThan(independent.p);
  });

  it('needs one id per record, and positives and negatives from two patients each', () => {
    expect(() => delongPaired([1, 1, 0, 0], [0.9, 0.8, 0.1, 0.2], [0.7, 0.8, 0.3, 0.2], ['a', 'b', 'c'])).toThrow(/one patient id per record/);
    expect(() => delongPaired([1, 1, 0, 0], [0.9, 0.8, 0.1, 0.2], [0.7, 0.8, 0.3, 0.2], ['a', 'a', 'b', 'c'])).toThrow(/at least 2 patients/);
  });
});

describe('paired bootstrap resampling', () => {
  const c = fixture.cases.find((k) => k.name === 'grouped') as Case;
  const groups = c.groups as string[];

  it('draws whole patients and keeps both outcomes in every resample', () => {
    const plan = resamplePlan(c.yTrue.map((y) => [y]), groups);
    expect(plan.units.length).toBe(new Set(groups).size);
    for (const rows of drawResamples(plan, 50, 3)) {
      const perPatient = new Map<string, number>();
      for (const i of rows) perPatient.set(groups[i] as string, (perPatient.get(groups[i] as string) ?? 0) + 1);
      // Three ECGs per patient: a drawn patient contributes a multiple of three records.
      for (const count of perPatient.values()) expect(count % 3).toBe(0);
      const ys = Array.from(rows, (i) => c.yTrue[i]);
      expect(ys).toContain(1);
      expect(ys).toContain(0);
    }
  });

  it('keeps a single positive in every resample (stratified)', () => {
    const y = [1, ...new Array<number>(39).fill(0)];
    const plan = resamplePlan(y.map((v) => [v]));
    for (const rows of drawResamples(plan, 200, 5)) expect(Array.from(rows, (i) => y[i])).toContain(1);
  });

  it('is seeded, and agrees with DeLong on a large sample', () => {
    const big = fixture.cases.find((k) => k.name === 'continuous') as Case;
    const opts = { resamples: 400, seed: 11 };
    const a = pairedBootstrapDiff(big.yTrue, big.scoreA, big.scoreB, rocAuc, opts);
    expect(pairedBootstrapDiff(big.yTrue, big.scoreA, big.scoreB, rocAuc, opts)).toEqual(a);
    const d = delongPaired(big.yTrue, big.scoreA, big.scoreB);
    close(a.diff, d.diff);
    // Two estimates of the same sampling spread: the interval widths agree within a third.
    const ratio = (a.ci95[1] - a.ci95[0]) / (d.ci95[1] - d.ci95[0]);
    expect(ratio).toBeGreaterThan(0.67);
    expect(ratio).toBeLessThan(1.5);
  });

  it('rejects unequal lengths, non-binary labels and too few cases for DeLong', () => {
    expect(() => delongPaired([0, 1], [0.1], [0.2, 0.3])).toThrow(/equal lengths/);
    expect(() => delongPaired([0, 2, 1, 0], [0, 0, 0, 0], [0, 0, 0, 0])).toThrow(/0 or 1/);
    expect(() => delongPaired([1, 0, 0, 0], [0.9, 0.1, 0.2, 0.3], [0.8, 0.1, 0.2, 0.3])).toThrow(/2 positives/);
    expect(() => pairedBootstrapDiff([0, 1], [0.1, 0.2], [0.2, 0.3], rocAuc, { resamples: 10, seed: 1, groups: ['a'] })).toThrow(/groups/);
  });

  it('computes normal tail probabilities accurately far in the tail', () => {
    close(twoSidedNormalP(1.959963984540054), 0.05, 14);
    expect(twoSidedNormalP(8) / 1.244192114854348e-15).toBeCloseTo(1, 12);
  });
});

describe('two models compared per class and macro vs numpy', () => {
  const c = fixture.compare;
  const options = { classes: ['common', 'less common', 'rare'], thresholdsA: c.thresholdsA, thresholdsB: c.thresholdsB };

  it('gives DeLong and paired bootstrap differences per class, and macro AUC / F1 / MAP differences', () => {
    const got = compareFromIndices(c.yTrue, c.probsA, c.probsB, options, c.indices);
    c.perClass.forEach((want, j) => {
      const k = got.perClass[j];
      if (!k?.delong) throw new Error(`class ${j} missing DeLong`);
      close(k.aucA, want.aucA);
      close(k.aucB, want.aucB);
      close(k.delong.p, want.delong.p);
      close(k.delong.ci95[0], want.delong.ci95[0]);
      close(k.delong.ci95[1], want.delong.ci95[1]);
      checkBootstrap(k.auc, want.auc);
      close(k.f1A, want.f1A);
      close(k.f1B, want.f1B);
      checkBootstrap(k.f1, want.f1);
    });
    for (const m of got.macro) checkBootstrap(m, c.macro[m.metric]);
    expect(got.macro.map((m) => m.over)).toEqual([3, 3, 3]);
  });

  it("tests each class's AUC difference over patients when patient ids are given", () => {
    const groups = c.yTrue.map((_, k) => `p${Math.floor(k / 2)}`); // two ECGs per patient
    const got = compareModels(c.yTrue, c.probsA, c.probsB, { ...options, resamples: 20, seed: 9, groups });
    expect(got.bootstrap.unit).toBe('patient');
    got.perClass.forEach((k, j) => {
      const column = (m: number[][]) => m.map((r) => r[j] as number);
      expect(k.delong).toEqual(delongPaired(column(c.yTrue), column(c.probsA), column(c.probsB), groups));
      expect(k.delong?.unit).toBe('patient');
    });
  });

  it('draws stratified resamples itself, reproducibly, and says so', () => {
    const a = compareModels(c.yTrue, c.probsA, c.probsB, { ...options, resamples: 100, seed: 9 });
    expect(a.bootstrap).toEqual({ resamples: 100, seed: 9, unit: 'record', stratified: true });
    expect(compareModels(c.yTrue, c.probsA, c.probsB, { ...options, resamples: 100, seed: 9 })).toEqual(a);
    close(a.macro[0]?.diff as number, c.macro.aucMacro.diff);
  });
});
