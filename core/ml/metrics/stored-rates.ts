import { aucInterval, macroAucInterval, type ClassAucIntervals } from './auc-interval';
import { rateInterval } from './proportion';

type Bound = number | null;
type StoredInterval = { readonly low: Bound; readonly high: Bound };

/** Figures as they are stored: a package's validation or locked test, a site evaluation. */
export interface StoredFigures {
  readonly n: number;
  /** `perClass`: class → its figures (`support`, `sensitivity`, …), as metricsReport writes them. */
  readonly metrics: { readonly perClass?: unknown; readonly [figure: string]: unknown };
  readonly ci: Readonly<Record<string, StoredInterval>>;
}

const isObject = (v: unknown): v is Readonly<Record<string, unknown>> => typeof v === 'object' && v !== null && !Array.isArray(v);
const rate = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const asNumber = (b: Bound): number => (b === null ? Number.NaN : b);
const stored = (b: number): Bound => (Number.isFinite(b) ? b : null);

/**
 * The counts behind one class's sensitivity, specificity, PPV and NPV, as [cases, of how many],
 * from its rates, support (positives) and the records scored: rates of whole records, so the
 * counts come back exactly. Undefined when the figures lack a support.
 */
export function rateCounts(figure: Readonly<Record<string, unknown>>, n: number): Record<string, [number, number]> | undefined {
  const positives = rate(figure['support']);
  if (positives === null || positives > n) return undefined;
  const negatives = n - positives;
  const tp = Math.round((rate(figure['sensitivity']) ?? 0) * positives);
  const tn = Math.round((rate(figure['specificity']) ?? 0) * negatives);
  return { sensitivity: [tp, positives], specificity: [tn, negatives], ppv: [tp, tp + negatives - tn], npv: [tn, tn + positives - tp] };
}

/** One stored interval widened by `widen`, given it as numbers (NaN for a missing bound) and stored back (null). */
function widenStored(was: StoredInterval | undefined, widen: (bootstrap: { low: number; high: number } | undefined) => { low: number; high: number }): StoredInterval {
  const widened = widen(was ? { low: asNumber(was.low), high: asNumber(was.high) } : undefined);
  return { low: stored(widened.low), high: stored(widened.high) };
}

/**
 * Each class's AUC interval (`auc:<class>`, `<class>.auc`) widened to at least Newcombe's on its
 * positives and negatives (aucInterval says why), a one-class macro AUC to its class's, and a
 * macro over several by the variance its classes' stored bootstraps lacked (macroAucInterval),
 * as scoreWithCi now reports them. Stored figures keep no patient ids, so the counts are records':
 * an interval stored since, on patients (fewer, so wider), is left as it is. Figures stored
 * between the classes' widening and the macro's keep widened classes beside a bootstrap macro,
 * and cannot tell it from one whose classes needed nothing: their macro is left as stored.
 */
function widenAucs(ci: Record<string, StoredInterval>, perClass: Readonly<Record<string, unknown>>, n: number, macro: number | null): void {
  const classes = Object.entries(perClass).filter((entry): entry is [string, Readonly<Record<string, unknown>>] => isObject(entry[1]));
  const behind: ClassAucIntervals[] = [];
  for (const [name, figure] of classes) {
    const positives = rate(figure['support']);
    const auc = rate(figure['auc']);
    if (auc === null) continue;
    const bootstrap = ci[`auc:${name}`] ?? ci[`${name}.auc`];
    const asNumbers = bootstrap && { low: asNumber(bootstrap.low), high: asNumber(bootstrap.high) };
    if (positives === null || positives > n) {
      // Counted in the macro's K, with nothing to add: its counts are unknown.
      behind.push({ auc, bootstrap: asNumbers, widened: asNumbers ?? { low: Number.NaN, high: Number.NaN } });
      continue;
    }
    for (const key of [`auc:${name}`, `${name}.auc`]) ci[key] = widenStored(ci[key], (b) => aucInterval(b, auc, positives, n - positives));
    behind.push({ auc, bootstrap: asNumbers, widened: aucInterval(asNumbers, auc, positives, n - positives) });
    if (classes.length === 1) ci['aucMacro'] = widenStored(ci['aucMacro'], (b) => aucInterval(b, auc, positives, n - positives));
  }
  if (classes.length > 1 && macro !== null && ci['aucMacro']) ci['aucMacro'] = widenStored(ci['aucMacro'], (b) => macroAucInterval(b, macro, behind));
}

/**
 * Stored figures with each class's sensitivity, specificity, PPV and NPV interval widened to at
 * least Wilson's on its counts, and each class's AUC interval to at least Newcombe's (widenAucs),
 * as scoreWithCi now reports them (rateInterval says why). Packages and site evaluations made
 * before kept the percentile bootstrap alone, which shows 52 of 52 as "100–100 %" and 4 positives
 * ranked perfectly as AUC "1.000 [1.000, 1.000]"; their seals cover the stored bytes, so the
 * interval is widened where it is read, never written back. A class without a support keeps what it has.
 */
export function withWidenedIntervals<T extends StoredFigures>(figures: T): T {
  const ci: Record<string, StoredInterval> = { ...figures.ci };
  const perClass = figures.metrics.perClass;
  if (!isObject(perClass)) return figures;
  for (const [name, figure] of Object.entries(perClass)) {
    const counts = isObject(figure) ? rateCounts(figure, figures.n) : undefined;
    for (const [key, [k, n]] of Object.entries(counts ?? {})) ci[`${name}.${key}`] = widenStored(figures.ci[`${name}.${key}`], (b) => rateInterval(b, k, n));
  }
  widenAucs(ci, perClass, figures.n, rate(figures.metrics['aucMacro']));
  return { ...figures, ci };
}
