import { category, computePoints, when, type PointsDefinition, type ScoreResult } from './points';
import type { PeItems } from './items';

/**
 * Wells score for PE. Source: Wells PS, Anderson DR, Rodger M, et al. Derivation of a simple
 * clinical model to categorize patients probability of pulmonary embolism: increasing the
 * models utility with the SimpliRED D-dimer. Thromb Haemost 2000;83:416-20. Points: clinical
 * signs of DVT 3; PE the most likely diagnosis 3; heart rate > 100/min 1.5; immobilisation
 * ≥ 3 days or surgery in the previous 4 weeks 1.5; previous DVT/PE 1.5; haemoptysis 1;
 * malignancy (treatment within 6 months or palliative) 1.
 * Three levels (Wells 2000): low < 2, moderate 2–6, high > 6; two levels: PE unlikely ≤ 4,
 * PE likely > 4 (Wells 2000; van Belle A et al., Christopher Study, JAMA 2006;295:172-9).
 */
export const wellsSource = 'Wells PS et al., Thromb Haemost 2000;83:416-20 (two levels: van Belle A et al., JAMA 2006;295:172-9)';
const prevalenceSource = 'Wells 2000, validation cohort';

export const wellsDefinition: PointsDefinition = {
  score: 'wells',
  name: 'Wells',
  source: wellsSource,
  needs: ['dvtSigns', 'peMostLikely', 'heartRateBpm', 'immobilisationOrSurgery4w', 'previousVte', 'haemoptysis', 'activeCancer'],
  lines: (i) => [
    when('dvtSigns', i.dvtSigns, 3),
    when('peMostLikely', i.peMostLikely, 3),
    when('heartRateBpm', i.heartRateBpm > 100, 1.5),
    when('immobilisationOrSurgery4w', i.immobilisationOrSurgery4w, 1.5),
    when('previousVte', i.previousVte, 1.5),
    when('haemoptysis', i.haemoptysis, 1),
    when('activeCancer', i.activeCancer, 1),
  ],
  categorise: (total) => [wellsThreeLevel(total), category(total > 4 ? 'PE likely' : 'PE unlikely', 'two-level')],
};

/** Wells' three levels (Wells 2000). PEGeD bounds its C-PTP otherwise: see pegedPretestProbability in rules.ts. */
export function wellsThreeLevel(total: number) {
  if (total < 2) return category('low', 'three-level', 0.013, prevalenceSource);
  if (total <= 6) return category('moderate', 'three-level', 0.162, prevalenceSource);
  return category('high', 'three-level', 0.406, prevalenceSource);
}

export function wells(items: PeItems): ScoreResult {
  return computePoints(wellsDefinition, items);
}

/**
 * The lowest and highest Wells total the items given allow: every item not assessed absent (a
 * heart rate not above 100), then every one present. Each item only adds points, so every
 * filling lies between the two, and a rule monotone in Wells decided at both ends is decided.
 */
export function wellsBounds(items: PeItems): { readonly min: number; readonly max: number } {
  const missing = wells(items).missing;
  const fill = (present: boolean): PeItems => Object.fromEntries(missing.map((id) => [id, id === 'heartRateBpm' ? (present ? 101 : 100) : present]));
  return { min: wells({ ...items, ...fill(false) }).total as number, max: wells({ ...items, ...fill(true) }).total as number };
}
