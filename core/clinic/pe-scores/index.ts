/** Clinical pre-test scores for pulmonary embolism, computed from their items (pure functions). */
import { peScoreIds, type PeScoreId, type ScoreResult } from './points';
import { revisedGeneva, simplifiedGeneva } from './geneva';
import { ageAdjustedDdimer, peged, years } from './rules';
import { wells } from './wells';
import type { PeItems } from './items';

export * from './items';
export { peScoreIds, type PeScoreId, type PointsLine, type ProbabilityCategory, type ScoreResult } from './points';
export { wells, wellsThreeLevel, wellsSource } from './wells';
export { revisedGeneva, simplifiedGeneva, revisedGenevaSource, simplifiedGenevaSource } from './geneva';
export { ageAdjustedCutoff, ageAdjustedDdimer, ageAdjustedSource, peged, pegedSource, years, yearsSource } from './rules';
export { atCutOff, peCutOffs, scoreValue, type PeCutOff } from './cut-offs';

const compute: Readonly<Record<PeScoreId, (items: PeItems) => ScoreResult>> = { wells, revisedGeneva, simplifiedGeneva, years, peged, ageAdjustedDdimer };

/** Every score and rule for one patient's items, in display order. */
export function computePeScores(items: PeItems): ScoreResult[] {
  return peScoreIds.map((id) => compute[id](items));
}
