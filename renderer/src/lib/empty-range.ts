import type { WorklistFilter } from '../../../core/contract/worklist-schemas';

/**
 * What the worklist says when its range filters leave nothing between their bounds: a "from"
 * after the "to" (or a minimum age above the maximum) lists no record, which would otherwise
 * read as "no record matches" rather than as a range typed the wrong way round.
 */
export function emptyRangeText(filters: Pick<WorklistFilter, 'recordedFrom' | 'recordedTo' | 'ageMin' | 'ageMax'>): string | null {
  const { recordedFrom: from, recordedTo: to, ageMin, ageMax } = filters;
  if (from && to && from > to) return `Recorded from ${from} is after ${to}: no record can match; swap the dates`;
  if (ageMin !== undefined && ageMax !== undefined && ageMin > ageMax) return `Age from ${ageMin} is above ${ageMax}: no record can match; swap the ages`;
  return null;
}
