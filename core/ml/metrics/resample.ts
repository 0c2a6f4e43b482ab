import { EinthovenError } from '../../errors';
import { createRng, type Rng } from '../../signal/rng';

/**
 * Stratified, patient-grouped bootstrap resampling.
 *
 * - The unit drawn with replacement is a patient when patient ids are given (every record of a
 *   drawn patient comes along, so a patient's correlated ECGs never split across the resample),
 *   otherwise a record.
 * - Units are stratified: each unit belongs to the stratum of the rarest class among its
 *   positives (or to the "no positive" stratum), and each stratum is resampled to its own size,
 *   so class prevalences stay close to the evaluated set's and the rarest classes are always drawn.
 * - A draw that still lost every positive (or every negative) of a class that has them in the
 *   evaluated set is drawn again (bounded), so every macro average in every resample is over the
 *   same classes as the point estimate.
 */
export interface ResamplePlan {
  /** Record indices of each unit (patient or record). */
  readonly units: readonly (readonly number[])[];
  /** Unit indices of each stratum. */
  readonly strata: readonly (readonly number[])[];
  /** Per class: whether the evaluated set holds at least one positive and one negative. */
  readonly defined: readonly boolean[];
  /** Labels, records × classes, as 0/1, kept to check draws. */
  readonly labels: readonly (readonly number[])[];
  /** True when units are patients. */
  readonly grouped: boolean;
}

const MAX_REDRAWS = 100;

/** Groups record indices by patient id (first-appearance order); one unit per record without ids. */
function unitsOf(n: number, groups: ArrayLike<string> | undefined): number[][] {
  if (groups === undefined) return Array.from({ length: n }, (_, i) => [i]);
  if (groups.length !== n) {
    throw new EinthovenError('E_VALIDATION', `bootstrap groups have ${groups.length} entries for ${n} records`);
  }
  const byId = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const id = groups[i] as string;
    const unit = byId.get(id);
    if (unit) unit.push(i);
    else byId.set(id, [i]);
  }
  return [...byId.values()];
}

/** Builds the plan for labels given as records × classes (a single class: one column). */
export function resamplePlan(labels: readonly (readonly number[])[], groups?: ArrayLike<string>): ResamplePlan {
  const n = labels.length;
  if (n === 0) throw new EinthovenError('E_VALIDATION', 'a bootstrap needs at least one record');
  const c = (labels[0] as readonly number[]).length;
  const units = unitsOf(n, groups);
  const positiveUnits = new Array<number>(c).fill(0);
  const unitPositives = units.map((rows) => {
    const has = new Array<boolean>(c).fill(false);
    for (const i of rows) for (let j = 0; j < c; j++) if ((labels[i] as readonly number[])[j] === 1) has[j] = true;
    has.forEach((h, j) => {
      if (h) positiveUnits[j] = (positiveUnits[j] as number) + 1;
    });
    return has;
  });
  const stratumOf = unitPositives.map((has) => {
    let rarest = -1;
    has.forEach((h, j) => {
      if (h && (rarest < 0 || (positiveUnits[j] as number) < (positiveUnits[rarest] as number))) rarest = j;
    });
    return rarest;
  });
  const strata = [-1, ...Array.from({ length: c }, (_, j) => j)]
    .map((key) => stratumOf.flatMap((s, u) => (s === key ? [u] : [])))
    .filter((s) => s.length > 0);
  const defined = Array.from({ length: c }, (_, j) => {
    let pos = false;
    let neg = false;
    for (const row of labels) {
      if (row[j] === 1) pos = true;
      else neg = true;
    }
    return pos && neg;
  });
  return { units, strata, defined, labels, grouped: groups !== undefined };
}

function drawOnce(plan: ResamplePlan, rng: Rng): number[] {
  const rows: number[] = [];
  for (const stratum of plan.strata) {
    for (let k = 0; k < stratum.length; k++) {
      const unit = plan.units[stratum[Math.floor(rng.next() * stratum.length)] as number] as readonly number[];
      for (const i of unit) rows.push(i);
    }
  }
  return rows;
}

/** True when every class defined on the evaluated set has a positive and a negative in the draw. */
function keepsEveryClass(plan: ResamplePlan, rows: readonly number[]): boolean {
  return plan.defined.every((isDefined, j) => {
    if (!isDefined) return true;
    let pos = false;
    let neg = false;
    for (const i of rows) {
      if ((plan.labels[i] as readonly number[])[j] === 1) pos = true;
      else neg = true;
      if (pos && neg) return true;
    }
    return false;
  });
}

/**
 * Seeded resamples of record indices following the plan. With patient groups a resample's
 * length varies (patients hold different numbers of records).
 */
export function drawResamples(plan: ResamplePlan, resamples: number, seed: number): Int32Array[] {
  if (!Number.isInteger(resamples) || resamples < 1 || resamples > 100_000) {
    throw new EinthovenError('E_VALIDATION', `bootstrap resamples must be 1..100000, got ${resamples}`);
  }
  const rng = createRng(seed);
  return Array.from({ length: resamples }, () => {
    let rows = drawOnce(plan, rng);
    for (let attempt = 0; attempt < MAX_REDRAWS && !keepsEveryClass(plan, rows); attempt++) rows = drawOnce(plan, rng);
    return Int32Array.from(rows);
  });
}
