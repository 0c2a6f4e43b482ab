import { category, computePoints, when, type PointsDefinition, type ScoreResult } from './points';
import type { PeItems } from './items';

/**
 * Revised Geneva score. Source: Le Gal G, Righini M, Roy PM, et al. Prediction of pulmonary
 * embolism in the emergency department: the revised Geneva score. Ann Intern Med
 * 2006;144:165-71. Points: age > 65 years 1; previous DVT or PE 3; surgery under general
 * anaesthesia or lower-limb fracture within 1 month 2; active malignant condition 2;
 * unilateral lower-limb pain 3; haemoptysis 2; heart rate 75–94/min 3, ≥ 95/min 5; pain on
 * lower-limb deep venous palpation and unilateral oedema 4. Three levels: low 0–3,
 * intermediate 4–10, high ≥ 11 (PE prevalence 8 %, 28 %, 74 % in the validation set). Two
 * levels (2019 ESC guidelines, Konstantinides SV et al., Eur Heart J 2020;41:543-603, Table 5):
 * PE unlikely 0–5, PE likely ≥ 6.
 */
export const revisedGenevaSource = 'Le Gal G et al., Ann Intern Med 2006;144:165-71 (two levels: 2019 ESC guidelines, Eur Heart J 2020;41:543-603)';

/**
 * Simplified revised Geneva score: one point per item, heart rate 75–94/min 1 and ≥ 95/min 2.
 * Source: Klok FA, Mos IC, Nijkeuter M, et al. Simplification of the revised Geneva score for
 * assessing clinical probability of pulmonary embolism. Arch Intern Med 2008;168:2131-6. Three
 * levels: low 0–1, intermediate 2–4, high ≥ 5 (PE prevalence 9.7 %, 22.4 %, 45.5 % in the
 * prospective validation of Robert-Ebadi H et al., J Thromb Haemost 2017;15:1764-9); two levels:
 * PE unlikely 0–2, PE likely ≥ 3.
 */
export const simplifiedGenevaSource = 'Klok FA et al., Arch Intern Med 2008;168:2131-6 (prevalence: Robert-Ebadi H et al., J Thromb Haemost 2017;15:1764-9)';

const genevaNeeds = ['ageYears', 'previousVte', 'surgeryOrFracture1m', 'activeCancer', 'unilateralLegPain', 'haemoptysis', 'heartRateBpm', 'dvtSigns'] as const;

export const revisedGenevaDefinition: PointsDefinition = {
  score: 'revisedGeneva',
  name: 'Revised Geneva',
  source: revisedGenevaSource,
  needs: genevaNeeds,
  lines: (i) => [
    when('ageYears', i.ageYears > 65, 1),
    when('previousVte', i.previousVte, 3),
    when('surgeryOrFracture1m', i.surgeryOrFracture1m, 2),
    when('activeCancer', i.activeCancer, 2),
    when('unilateralLegPain', i.unilateralLegPain, 3),
    when('haemoptysis', i.haemoptysis, 2),
    { item: 'heartRateBpm', points: i.heartRateBpm >= 95 ? 5 : i.heartRateBpm >= 75 ? 3 : 0 },
    when('dvtSigns', i.dvtSigns, 4),
  ],
  categorise: (total) => {
    const source = 'Le Gal 2006, validation set';
    const three = total <= 3 ? category('low', 'three-level', 0.08, source) : total <= 10 ? category('intermediate', 'three-level', 0.28, source) : category('high', 'three-level', 0.74, source);
    return [three, category(total >= 6 ? 'PE likely' : 'PE unlikely', 'two-level')];
  },
};

export const simplifiedGenevaDefinition: PointsDefinition = {
  score: 'simplifiedGeneva',
  name: 'Simplified revised Geneva',
  source: simplifiedGenevaSource,
  needs: genevaNeeds,
  lines: (i) => [
    when('ageYears', i.ageYears > 65, 1),
    when('previousVte', i.previousVte, 1),
    when('surgeryOrFracture1m', i.surgeryOrFracture1m, 1),
    when('activeCancer', i.activeCancer, 1),
    when('unilateralLegPain', i.unilateralLegPain, 1),
    when('haemoptysis', i.haemoptysis, 1),
    { item: 'heartRateBpm', points: i.heartRateBpm >= 95 ? 2 : i.heartRateBpm >= 75 ? 1 : 0 },
    when('dvtSigns', i.dvtSigns, 1),
  ],
  categorise: (total) => {
    const source = 'Robert-Ebadi 2017';
    const three = total <= 1 ? category('low', 'three-level', 0.097, source) : total <= 4 ? category('intermediate', 'three-level', 0.224, source) : category('high', 'three-level', 0.455, source);
    return [three, category(total >= 3 ? 'PE likely' : 'PE unlikely', 'two-level')];
  },
};

export function revisedGeneva(items: PeItems): ScoreResult {
  return computePoints(revisedGenevaDefinition, items);
}

export function simplifiedGeneva(items: PeItems): ScoreResult {
  return computePoints(simplifiedGenevaDefinition, items);
}
