import type { DatasetItem } from '../data/types';
import type { Interval, MetricsReport } from '../ml/metrics/index';
import { patientIdsOf, scoreWithCi } from './finalize';

/** A subgroup's headline metrics with bootstrap intervals (per-class figures stay with the whole split). */
export interface SubgroupReport {
  readonly name: string;
  readonly n: number;
  readonly metrics: Pick<MetricsReport, 'accuracy' | 'f1Macro' | 'mapMacro' | 'gmean' | 'aucMacro'>;
  readonly ci: Record<string, Interval>;
}

/** The subgroups reported: sex, and three age bands (PTB-XL lists ages above 89 as 90). */
export const subgroupDefinitions: readonly { readonly name: string; readonly member: (item: DatasetItem) => boolean }[] = [
  { name: 'sex: female', member: (i) => i.demographics?.sex === 'F' },
  { name: 'sex: male', member: (i) => i.demographics?.sex === 'M' },
  { name: 'age < 40', member: (i) => (i.demographics?.ageYears ?? Number.NaN) < 40 },
  { name: 'age 40–64', member: (i) => ((a) => a >= 40 && a < 65)(i.demographics?.ageYears ?? Number.NaN) },
  { name: 'age ≥ 65', member: (i) => (i.demographics?.ageYears ?? Number.NaN) >= 65 },
];

/**
 * Metrics per subgroup at the same operating point as the whole split: whether a model works
 * as well for women as for men, for the old as for the young. Subgroups with no member are
 * left out; a class absent from a subgroup makes its AUC null, as for any split.
 */
export function subgroupReports(
  items: readonly DatasetItem[],
  labels: readonly number[][],
  probs: readonly number[][],
  classes: readonly string[],
  thresholds: readonly number[],
  seed: number,
): SubgroupReport[] {
  const reports: SubgroupReport[] = [];
  for (const group of subgroupDefinitions) {
    const rows = items.flatMap((item, k) => (group.member(item) ? [k] : []));
    if (rows.length === 0) continue;
    const members = rows.map((k) => items[k] as DatasetItem);
    const { metrics, ci } = scoreWithCi(rows.map((k) => labels[k] as number[]), rows.map((k) => probs[k] as number[]), classes, thresholds, seed, patientIdsOf(members, members.map((i) => i.id)));
    const { accuracy, f1Macro, mapMacro, gmean, aucMacro } = metrics;
    reports.push({ name: group.name, n: rows.length, metrics: { accuracy, f1Macro, mapMacro, gmean, aucMacro }, ci: pick(ci, ['accuracy', 'f1Macro', 'mapMacro', 'gmean', 'aucMacro']) });
  }
  return reports;
}

function pick(ci: Record<string, Interval>, keys: readonly string[]): Record<string, Interval> {
  return Object.fromEntries(keys.flatMap((k) => (ci[k] ? [[k, ci[k]]] : [])));
}
