import { missingItems, type PeItemId, type PeItems } from './items';
import { counted } from '../../contract/counted';

/** Identifiers of the scores and rules, in the order the app shows them. */
export const peScoreIds = ['wells', 'revisedGeneva', 'simplifiedGeneva', 'years', 'peged', 'ageAdjustedDdimer'] as const;
export type PeScoreId = (typeof peScoreIds)[number];

/** One item's contribution to a points score. */
export interface PointsLine {
  readonly item: PeItemId;
  readonly points: number;
}

/** A category of clinical probability and the PE prevalence its source reports for it, when it does. */
export interface ProbabilityCategory {
  readonly name: string;
  /** "low", "intermediate", "high", or for a two-level rule "PE unlikely" / "PE likely". */
  readonly scheme: 'three-level' | 'two-level';
  /** Prevalence of PE in this category as reported by `prevalenceSource`; null where none is quoted. */
  readonly reportedPrevalence: number | null;
  readonly prevalenceSource: string | null;
}

/** What every score and rule returns: complete with its result, or incomplete naming what is missing. */
export interface ScoreResult {
  readonly score: PeScoreId;
  readonly name: string;
  readonly source: string;
  /** Items not assessed that this score needs (empty when complete). */
  readonly missing: PeItemId[];
  /** Points (points scores) or null (decision rules, or incomplete). */
  readonly total: number | null;
  readonly points: PointsLine[];
  /** Clinical probability in the score's own three-level and two-level schemes (points scores). */
  readonly categories: ProbabilityCategory[];
  /** Decision rules (YEARS, PEGeD, age-adjusted D-dimer): true when imaging is indicated, false when PE is excluded; null for points scores or incomplete. */
  readonly imagingIndicated: boolean | null;
  /** In words, for the form and the printed report. */
  readonly summary: string;
}

/** A points score's definition: items with their weights (a function, for banded items like heart rate). */
export interface PointsDefinition {
  readonly score: PeScoreId;
  readonly name: string;
  readonly source: string;
  readonly needs: readonly PeItemId[];
  readonly lines: (items: Required<PeItems>) => PointsLine[];
  readonly categorise: (total: number) => ProbabilityCategory[];
}

/** Sums a points score from its items; incomplete (total null) when any needed item is not assessed. */
export function computePoints(definition: PointsDefinition, items: PeItems): ScoreResult {
  const missing = missingItems(items, definition.needs);
  const base = { score: definition.score, name: definition.name, source: definition.source, missing, imagingIndicated: null };
  if (missing.length > 0) return { ...base, total: null, points: [], categories: [], summary: `${definition.name}: incomplete (${counted(missing.length, 'item')} not assessed)` };
  const points = definition.lines(items as Required<PeItems>).filter((l) => l.points !== 0);
  // Half points (Wells) summed in tenths so 1.5 + 1.5 + 3 is exactly 6.
  const total = Math.round(points.reduce((s, l) => s + l.points * 10, 0)) / 10;
  const categories = definition.categorise(total);
  return { ...base, total, points, categories, summary: `${definition.name} ${total}: ${categories.map((c) => c.name).join(', ')}` };
}

/** A line worth `points` when the yes/no item is present. */
export function when(item: PeItemId, present: boolean, points: number): PointsLine {
  return { item, points: present ? points : 0 };
}

export function category(name: string, scheme: ProbabilityCategory['scheme'], reportedPrevalence: number | null = null, prevalenceSource: string | null = null): ProbabilityCategory {
  return { name, scheme, reportedPrevalence, prevalenceSource };
}
