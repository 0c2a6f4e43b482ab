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

/**
 * Stored figures with each class's sensitivity, specificity, PPV and NPV interval widened to at
 * least Wilson's on its counts, as scoreWithCi now reports them (rateInterval says why). Packages
 * and site evaluations made before kept the percentile bootstrap alone, which shows 52 of 52 as
 * "100–100 %"; their seals cover the stored bytes, so the interval is widened where it is read,
 * never written back. A class without a support keeps what it has.
 */
export function withRateIntervals<T extends StoredFigures>(figures: T): T {
  const ci: Record<string, StoredInterval> = { ...figures.ci };
  const perClass = figures.metrics.perClass;
  if (!isObject(perClass)) return figures;
  for (const [name, figure] of Object.entries(perClass)) {
    const counts = isObject(figure) ? rateCounts(figure, figures.n) : undefined;
    for (const [key, [k, n]] of Object.entries(counts ?? {})) {
      const was = figures.ci[`${name}.${key}`];
      const widened = rateInterval(was ? { low: asNumber(was.low), high: asNumber(was.high) } : undefined, k, n);
      ci[`${name}.${key}`] = { low: stored(widened.low), high: stored(widened.high) };
    }
  }
  return { ...figures, ci };
}
