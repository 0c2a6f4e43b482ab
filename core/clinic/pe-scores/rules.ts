import { missingItems, type PeItemId, type PeItems } from './items';
import type { PeScoreId, ScoreResult } from './points';
import { wells } from './wells';
import { counted } from '../../contract/counted';

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

export function years(items: PeItems): ScoreResult {
  const missing = missingItems(items, ['dvtSigns', 'haemoptysis', 'peMostLikely', dDimer]);
  if (missing.length > 0) return incomplete('years', 'YEARS', yearsSource, missing);
  const present = [items.dvtSigns, items.haemoptysis, items.peMostLikely].filter(Boolean).length;
  const threshold = present === 0 ? 1000 : 500;
  const value = items.dDimerNgMlFeu as number;
  return decided('years', 'YEARS', yearsSource, value >= threshold, `${counted(present, 'YEARS item')}, D-dimer ${value} ${value >= threshold ? '≥' : '<'} ${threshold} ng/mL`);
}

export function peged(items: PeItems): ScoreResult {
  const score = wells(items);
  if (score.total === null) return incomplete('peged', 'PEGeD', pegedSource, [...score.missing, ...missingItems(items, [dDimer])]);
  const cptp = pegedPretestProbability(score.total);
  if (cptp === 'high') return decided('peged', 'PEGeD', pegedSource, true, `high C-PTP (Wells ${score.total})`);
  if (items.dDimerNgMlFeu === undefined) return incomplete('peged', 'PEGeD', pegedSource, [dDimer]);
  const threshold = cptp === 'low' ? 1000 : 500;
  const value = items.dDimerNgMlFeu;
  return decided('peged', 'PEGeD', pegedSource, value >= threshold, `${cptp} C-PTP (Wells ${score.total}), D-dimer ${value} ${value >= threshold ? '≥' : '<'} ${threshold} ng/mL`);
}

/** The age-adjusted cut-off in ng/mL FEU: age × 10 above 50 years, else 500. */
export function ageAdjustedCutoff(ageYears: number): number {
  return ageYears > 50 ? ageYears * 10 : 500;
}

export function ageAdjustedDdimer(items: PeItems): ScoreResult {
  const name = 'Age-adjusted D-dimer';
  const score = wells(items);
  const missing = [...score.missing, ...missingItems(items, ['ageYears', dDimer])];
  if (score.total === null || missing.length > 0) {
    // PE likely goes to imaging whatever the D-dimer: age and D-dimer are then not needed.
    if (score.total !== null && score.total > 4) return decided('ageAdjustedDdimer', name, ageAdjustedSource, true, `PE likely (Wells ${score.total})`);
    return incomplete('ageAdjustedDdimer', name, ageAdjustedSource, missing);
  }
  if (score.total > 4) return decided('ageAdjustedDdimer', name, ageAdjustedSource, true, `PE likely (Wells ${score.total})`);
  const cutoff = ageAdjustedCutoff(items.ageYears as number);
  const value = items.dDimerNgMlFeu as number;
  return decided('ageAdjustedDdimer', name, ageAdjustedSource, value >= cutoff, `PE unlikely (Wells ${score.total}), D-dimer ${value} ${value >= cutoff ? '≥' : '<'} ${cutoff} ng/mL (age ${items.ageYears})`);
}
