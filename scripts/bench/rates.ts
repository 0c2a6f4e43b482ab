import { wilson } from '../../core/train/pe/comparison';

/** Two decimals, or "n/a" where the rate is undefined (nothing to divide by). */
export const twoDecimals = (v: number): string => (Number.isFinite(v) ? v.toFixed(2) : 'n/a');

/** k of n as "0.88 (0.53–0.98)": the rate with its Wilson 95 % interval, as every statement table prints it. */
export function rateWithCi(k: number, n: number): string {
  const w = wilson(k, n);
  return `${twoDecimals(w.value)} (${twoDecimals(w.low)}–${twoDecimals(w.high)})`;
}
