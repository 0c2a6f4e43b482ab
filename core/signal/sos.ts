import { EinthovenError } from '../errors';

/**
 * Second-order sections in SciPy's layout: one row `[b0, b1, b2, a0, a1, a2]` per section,
 * applied in order. Plain arrays so a design serialises to JSON unchanged.
 */
export type Sos = readonly (readonly number[])[];

/** Row-major copy for the filter loops; rejects rows whose a0 is not 1 (as SciPy does). */
export function flattenSos(sos: Sos): Float64Array {
  const flat = new Float64Array(sos.length * 6);
  sos.forEach((row, s) => {
    if (row.length !== 6 || row[3] !== 1) throw new EinthovenError('E_VALIDATION', `SOS row ${s} must have 6 coefficients with a0 = 1`);
    flat.set(row, s * 6);
  });
  return flat;
}
