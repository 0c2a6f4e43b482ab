/**
 * Wording of a paired model comparison (A − B on the same records). Pure, so what the screen
 * claims about "better" is unit-tested: a difference is only called one when its 95 % interval
 * excludes zero.
 */

export interface PairedFigure {
  readonly diff: number | null;
  readonly ci95: readonly [number | null, number | null];
  readonly p: number | null;
}

const f3 = (v: number | null) => (v === null || !Number.isFinite(v) ? '—' : v.toFixed(3));

/** "+0.042 (0.011 to 0.078)". */
export function differenceText(d: PairedFigure): string {
  if (d.diff === null || !Number.isFinite(d.diff)) return '—';
  return `${d.diff >= 0 ? '+' : ''}${d.diff.toFixed(3)} (${f3(d.ci95[0])} to ${f3(d.ci95[1])})`;
}

/** "p = 0.031", "p < 0.001", "—". */
export function pText(p: number | null): string {
  if (p === null || !Number.isFinite(p)) return '—';
  return p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`;
}

/** Which model the data favour, or that they do not tell the two apart. */
export function verdictText(d: PairedFigure, nameA: string, nameB: string): string {
  const [low, high] = d.ci95;
  if (low === null || high === null || !Number.isFinite(low) || !Number.isFinite(high)) return 'not defined on these records';
  if (low > 0) return `${nameA} better`;
  if (high < 0) return `${nameB} better`;
  return 'no difference shown';
}
