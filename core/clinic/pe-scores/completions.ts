import { revisedGeneva, simplifiedGeneva } from './geneva';
import { peNumberRanges, type PeItemId, type PeItems } from './items';
import { scoreValue } from './cut-offs';
import type { PeScoreId, ScoreResult } from './points';
import { ageAdjustedDdimer, peged, years } from './rules';
import { wells } from './wells';

/**
 * What a score could still come to when some of its items were not assessed: its value under
 * every way of filling them in. A total or decision recorded beside incomplete items must lie
 * within these, or the items and the total cannot both be right (one YEARS item present and a
 * D-dimer of 800 make "excluded" impossible whatever the other two were).
 *
 * Each item not assessed takes values that reach every band a score cuts it into: yes and no; a
 * heart rate in each of Geneva's bands (< 75, 75–94, ≥ 95) and on each side of Wells' 100; an
 * age on each side of Geneva's 65 at the ends of the accepted range, and a D-dimer at the ends of
 * its range. The rules are monotone in age (a higher age-adjusted cut-off) and D-dimer (a higher
 * value images), so their ends reach every decision a value between them does.
 */
function trials(id: PeItemId): readonly (number | boolean)[] {
  if (id === 'heartRateBpm') return [60, 80, 97, 110];
  if (id === 'ageYears' || id === 'dDimerNgMlFeu') return [peNumberRanges[id].min, peNumberRanges[id].max];
  return [false, true];
}

const compute: Readonly<Record<PeScoreId, (items: PeItems) => ScoreResult>> = { wells, revisedGeneva, simplifiedGeneva, years, peged, ageAdjustedDdimer };

function fillings(items: PeItems, missing: readonly PeItemId[]): PeItems[] {
  return missing.reduce<PeItems[]>((partial, id) => partial.flatMap((filled) => trials(id).map((value) => ({ ...filled, [id]: value }))), [{ ...items }]);
}

/**
 * The lowest and highest value (a total, or 1/0 for a decision, as on the ROC) a score can take
 * over every filling of the items it lacks; undefined when the score is complete, or none of its
 * items was assessed (then any recorded value is possible).
 */
export function possibleScoreRange(id: PeScoreId, items: PeItems): { readonly min: number; readonly max: number } | undefined {
  const missing = compute[id](items).missing;
  if (missing.length === 0 || compute[id]({}).missing.every((item) => missing.includes(item))) return undefined;
  const values = fillings(items, missing).flatMap((filled) => {
    const value = scoreValue(compute[id](filled));
    return value === null ? [] : [value];
  });
  return { min: Math.min(...values), max: Math.max(...values) };
}

export type PointsScoreId = Extract<PeScoreId, 'wells' | 'revisedGeneva' | 'simplifiedGeneva'>;

/** The scores that give a total of points, where the others (YEARS, PEGeD, age-adjusted) give a decision. */
export function isPointsScore(id: PeScoreId): id is PointsScoreId {
  return id === 'wells' || id === 'revisedGeneva' || id === 'simplifiedGeneva';
}

/**
 * Every total a points score's items can give (Wells: sums of 3, 3, 1.5, 1.5, 1.5, 1 and 1, so
 * half points but never 0.5 or 12; Geneva: whole points), smallest first. A total recorded
 * without its items must be one of them: 2.3 or 0.5 for Wells is a typing or transcription error
 * that would otherwise go into the score's ROC curve as given.
 */
export function reachableTotals(id: PointsScoreId): readonly number[] {
  const totals = fillings({}, compute[id]({}).missing).map((filled) => compute[id](filled).total as number);
  return [...new Set(totals)].sort((a, b) => a - b);
}
