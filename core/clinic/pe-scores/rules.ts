import { missingItems, peItemLabels, peNumberRanges, type PeItemId, type PeItems } from './items';
import type { PeScoreId, ScoreResult } from './points';
import { wells, wellsBounds } from './wells';
import { counted, listed } from '../../contract/counted';

/**
 * YEARS. Source: van der Hulle T, Cheung WY, Kooij S, et al. Simplified diagnostic management
 * of suspected pulmonary embolism (the YEARS study): a prospective, multicentre, cohort study.
 * Lancet 2017;390:289-97. Three items (clinical signs of DVT, haemoptysis, PE the most likely
 * diagnosis); PE is excluded without imaging when no item is present and the D-dimer is
 * < 1000 ng/mL, or one or more items are present and the D-dimer is < 500 ng/mL; otherwise CTPA.
 */
export const yearsSource = 'van der Hulle T et al., Lancet 2017;390:289-97';

/**
 * PEGeD. Source: Kearon C, de Wit K, Parpia S, et al. Diagnosis of pulmonary embolism with
 * D-dimer adjusted to clinical probability. N Engl J Med 2019;381:2125-34. Clinical pre-test
 * probability (C-PTP) by the Wells score with the study's own bounds: low 0–4.0, moderate
 * 4.5–6.0, high > 6.0 — not Wells' three levels (< 2, 2–6, > 6): PEGeD's low C-PTP is Wells'
 * "PE unlikely" (87 % of its patients), which is what lets it exclude PE below 1000 ng/mL. PE is
 * excluded without imaging with low C-PTP and D-dimer < 1000 ng/mL, or moderate C-PTP and
 * D-dimer < 500 ng/mL; high C-PTP (or a D-dimer at or above the threshold) goes to imaging.
 */
export const pegedSource = 'Kearon C et al., N Engl J Med 2019;381:2125-34';

/** PEGeD's clinical pre-test probability from the Wells total: low ≤ 4, moderate 4.5–6, high > 6. */
export function pegedPretestProbability(wellsTotal: number): 'low' | 'moderate' | 'high' {
  if (wellsTotal <= 4) return 'low';
  return wellsTotal <= 6 ? 'moderate' : 'high';
}

/**
 * Age-adjusted D-dimer cut-off. Source: Righini M, Van Es J, Den Exter PL, et al. Age-adjusted
 * D-dimer cutoff levels to rule out pulmonary embolism: the ADJUST-PE study. JAMA
 * 2014;311:1117-24. Cut-off: age × 10 µg/L (FEU) above 50 years, 500 µg/L otherwise, applied to
 * patients whose clinical probability is not high. Here with the two-level Wells score: PE
 * unlikely (≤ 4) and D-dimer below the cut-off excludes PE; otherwise imaging.
 */
export const ageAdjustedSource = 'Righini M et al., JAMA 2014;311:1117-24 (ADJUST-PE), with the two-level Wells score';

const dDimer = 'dDimerNgMlFeu';

function incomplete(score: PeScoreId, name: string, source: string, missing: PeItemId[]): ScoreResult {
  return { score, name, source, missing, total: null, points: [], categories: [], imagingIndicated: null, summary: `${name}: incomplete (${counted(missing.length, 'item')} not assessed)` };
}

function decided(score: PeScoreId, name: string, source: string, imagingIndicated: boolean, why: string): ScoreResult {
  return { score, name, source, missing: [], total: null, points: [], categories: [], imagingIndicated, summary: `${name}: ${imagingIndicated ? 'imaging indicated' : 'PE excluded without imaging'} (${why})` };
}

/** Items not assessed in words, as a settled decision names them: "heart rate and haemoptysis not assessed". */
function notAssessed(missing: readonly PeItemId[]): string {
  const name = (id: PeItemId) => peItemLabels[id].split(' (')[0] as string;
  // Lower-case within the sentence, but not an initialism ("PE the most likely diagnosis", "D-dimer").
  return `${listed(missing.map((id) => name(id).replace(/^[A-Z](?=[a-z])/, (c) => c.toLowerCase())))} not assessed`;
}

/** Wells as a decision's reason gives it: its total, or the range its items allow and what was not assessed. */
function wellsText(items: PeItems): string {
  const score = wells(items);
  if (score.total !== null) return `Wells ${score.total}`;
  const { min, max } = wellsBounds(items);
  return `Wells ${min}–${max}, ${notAssessed(score.missing)}`;
}

/** Two ends in words: "low" where both are, "low to moderate" otherwise. */
function span(low: string, high: string): string {
  return low === high ? low : `${low} to ${high}`;
}

const compare = (value: number, threshold: number) => `${value} ${value >= threshold ? '≥' : '<'} ${threshold} ng/mL`;

/**
 * YEARS. Its decision is monotone in the number of items present (one lowers the D-dimer
 * threshold from 1000 to 500), so it is settled, items not assessed or not, when the fewest and
 * the most items the row allows decide alike: a D-dimer of 1000 or more images and one below 500
 * excludes whatever the items, one of 500–999 images once one item is present.
 */
export function years(items: PeItems): ScoreResult {
  const yearsItems = ['dvtSigns', 'haemoptysis', 'peMostLikely'] as const;
  const missing = missingItems(items, [...yearsItems, dDimer]);
  const value = items.dDimerNgMlFeu;
  if (value === undefined) return incomplete('years', 'YEARS', yearsSource, missing);
  const fewest = yearsItems.filter((id) => items[id] === true).length;
  const most = fewest + missing.length;
  const threshold = (present: number) => (present === 0 ? 1000 : 500);
  const imaging = value >= threshold(fewest);
  if (imaging !== value >= threshold(most)) return incomplete('years', 'YEARS', yearsSource, missing);
  // Imaging holds from the fewest items (the higher threshold), exclusion up to the most (the lower).
  const present = missing.length === 0 ? counted(fewest, 'YEARS item') : `${fewest}–${most} YEARS items, ${notAssessed(missing)}`;
  return decided('years', 'YEARS', yearsSource, imaging, `${present}, D-dimer ${compare(value, threshold(imaging ? fewest : most))}`);
}

/**
 * PEGeD. Its decision is monotone in Wells (a higher C-PTP lowers the D-dimer threshold, and a
 * high one images), so it is settled with Wells items not assessed where the lowest and highest
 * Wells they allow decide alike: high C-PTP from the items given images without a D-dimer; a
 * D-dimer of 1000 or more images, and one below 500 excludes where Wells cannot exceed 6.
 */
export function peged(items: PeItems): ScoreResult {
  const score = wells(items);
  const { min, max } = wellsBounds(items);
  const lowest = pegedPretestProbability(min);
  const highest = pegedPretestProbability(max);
  if (lowest === 'high') return decided('peged', 'PEGeD', pegedSource, true, `high C-PTP (${wellsText(items)})`);
  const value = items.dDimerNgMlFeu;
  if (value === undefined) return incomplete('peged', 'PEGeD', pegedSource, [...score.missing, dDimer]);
  const threshold = (cptp: 'low' | 'moderate' | 'high') => (cptp === 'low' ? 1000 : cptp === 'moderate' ? 500 : 0);
  const imaging = value >= threshold(lowest);
  if (imaging !== value >= threshold(highest)) return incomplete('peged', 'PEGeD', pegedSource, score.missing);
  return decided('peged', 'PEGeD', pegedSource, imaging, `${span(lowest, highest)} C-PTP (${wellsText(items)}), D-dimer ${compare(value, threshold(imaging ? lowest : highest))}`);
}

/** The age-adjusted cut-off in ng/mL FEU: age × 10 above 50 years, else 500. */
export function ageAdjustedCutoff(ageYears: number): number {
  return ageYears > 50 ? ageYears * 10 : 500;
}

/**
 * The age-adjusted rule is monotone in Wells (PE likely images) and in age (an older patient's
 * higher cut-off excludes more), so with items not assessed it is settled where the highest
 * Wells with the lowest cut-off and the lowest Wells with the highest cut-off decide alike: PE
 * likely from the items given images without age or D-dimer; a D-dimer below 500 excludes
 * whatever the age where Wells cannot exceed 4.
 */
export function ageAdjustedDdimer(items: PeItems): ScoreResult {
  const name = 'Age-adjusted D-dimer';
  const score = wells(items);
  const { min, max } = wellsBounds(items);
  const missing = [...score.missing, ...missingItems(items, ['ageYears', dDimer])];
  // PE likely goes to imaging whatever the D-dimer: age and D-dimer are then not needed.
  if (min > 4) return decided('ageAdjustedDdimer', name, ageAdjustedSource, true, `PE likely (${wellsText(items)})`);
  const value = items.dDimerNgMlFeu;
  if (value === undefined) return incomplete('ageAdjustedDdimer', name, ageAdjustedSource, missing);
  const ages = items.ageYears === undefined ? peNumberRanges.ageYears : { min: items.ageYears, max: items.ageYears };
  const imaging = value >= ageAdjustedCutoff(ages.max);
  if (imaging !== (max > 4 || value >= ageAdjustedCutoff(ages.min))) return incomplete('ageAdjustedDdimer', name, ageAdjustedSource, missing.filter((id) => id !== dDimer));
  // Imaging with Wells ≤ 4 possible holds at the highest cut-off, exclusion at the lowest.
  const cutoff = ageAdjustedCutoff(imaging ? ages.max : ages.min);
  const age = items.ageYears === undefined ? `age not assessed: the cut-off is ${imaging ? 'at most' : 'at least'} ${cutoff} ng/mL` : `age ${items.ageYears}`;
  const likely = max <= 4 ? 'PE unlikely' : 'PE unlikely or likely';
  return decided('ageAdjustedDdimer', name, ageAdjustedSource, imaging, `${likely} (${wellsText(items)}), D-dimer ${compare(value, cutoff)} (${age})`);
}
