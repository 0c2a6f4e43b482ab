import { EinthovenError } from '../../errors';

/** Rows are samples, columns are classes. Targets hold 0/1; scores hold probabilities or logits. */
export type Matrix = readonly (readonly number[])[];

/** Shape of a validated pair of target and score matrices. */
export interface Shape {
  readonly n: number;
  readonly c: number;
}

/** Checks that targets and scores are non-empty, rectangular, the same shape, and targets are 0/1. */
export function checkPair(yTrue: Matrix, yScore: Matrix): Shape {
  const n = yTrue.length;
  if (n === 0) throw new EinthovenError('E_VALIDATION', 'metrics need at least one sample');
  if (yScore.length !== n) {
    throw new EinthovenError('E_VALIDATION', `targets have ${n} rows but scores have ${yScore.length}`);
  }
  const c = (yTrue[0] as readonly number[]).length;
  if (c === 0) throw new EinthovenError('E_VALIDATION', 'metrics need at least one class');
  for (let i = 0; i < n; i++) {
    const t = yTrue[i] as readonly number[];
    const s = yScore[i] as readonly number[];
    if (t.length !== c || s.length !== c) {
      throw new EinthovenError('E_VALIDATION', `row ${i} has ${t.length} targets and ${s.length} scores, expected ${c}`);
    }
    for (let j = 0; j < c; j++) {
      const v = t[j] as number;
      if (v !== 0 && v !== 1) throw new EinthovenError('E_VALIDATION', `target [${i}][${j}] is ${v}, expected 0 or 1`);
      if (Number.isNaN(s[j] as number)) throw new EinthovenError('E_VALIDATION', `score [${i}][${j}] is NaN`);
    }
  }
  return { n, c };
}

/** Column j of a matrix as a plain array. */
export function column(m: Matrix, j: number): number[] {
  return m.map((row) => row[j] as number);
}

/** Turns scores into 0/1 decisions: positive when score > threshold (strict, as the paper's code). */
export function binarize(yScore: Matrix, thresholds: number | readonly number[]): number[][] {
  return yScore.map((row) =>
    row.map((s, j) => {
      const t = typeof thresholds === 'number' ? thresholds : (thresholds[j] ?? Number.NaN);
      if (Number.isNaN(t)) throw new EinthovenError('E_VALIDATION', `no threshold for class ${j}`);
      return s > t ? 1 : 0;
    }),
  );
}

/** Mean of the finite values; NaN when there is none. */
export function finiteMean(values: readonly number[]): number {
  let sum = 0;
  let k = 0;
  for (const v of values) {
    if (Number.isFinite(v)) {
      sum += v;
      k++;
    }
  }
  return k === 0 ? Number.NaN : sum / k;
}
