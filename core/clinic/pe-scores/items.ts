/**
 * The items of the clinical pre-test scores for pulmonary embolism, as a clinician reads them
 * at the bedside. Each is entered once and feeds every score that uses it; a score is computed
 * from its items only, never typed as a total. An item left out is "not assessed", which is not
 * the same as "absent": a score with an item not assessed is incomplete and names it.
 */

/** Yes/no items. `true` present, `false` assessed and absent; a missing key is not assessed. */
export const peBooleanItems = [
  'dvtSigns',
  'peMostLikely',
  'immobilisationOrSurgery4w',
  'previousVte',
  'haemoptysis',
  'activeCancer',
  'surgeryOrFracture1m',
  'unilateralLegPain',
] as const;
export type PeBooleanItem = (typeof peBooleanItems)[number];

/** Measured items. D-dimer is in ng/mL fibrinogen-equivalent units (FEU, = µg/L FEU). */
export const peNumberItems = ['ageYears', 'heartRateBpm', 'dDimerNgMlFeu'] as const;
export type PeNumberItem = (typeof peNumberItems)[number];

export type PeItemId = PeBooleanItem | PeNumberItem;
export const peItemIds: readonly PeItemId[] = [...peNumberItems, ...peBooleanItems];

/** One patient's item readings; every key optional (not assessed). */
export type PeItems = Partial<Record<PeBooleanItem, boolean> & Record<PeNumberItem, number>>;

/** Plausible ranges: a value outside is refused as a typing error, not clamped. */
export const peNumberRanges: Readonly<Record<PeNumberItem, { readonly min: number; readonly max: number; readonly unit: string }>> = {
  ageYears: { min: 0, max: 130, unit: 'years' },
  heartRateBpm: { min: 10, max: 350, unit: 'beats/min' },
  dDimerNgMlFeu: { min: 0, max: 200_000, unit: 'ng/mL FEU' },
};

/** Wording shown in the form and the CLI; where the scores word an item differently, both are given. */
export const peItemLabels: Readonly<Record<PeItemId, string>> = {
  ageYears: 'Age (years)',
  heartRateBpm: 'Heart rate (beats/min)',
  dDimerNgMlFeu: 'D-dimer (ng/mL FEU = µg/L FEU)',
  dvtSigns: 'Clinical signs of DVT (leg swelling and pain on palpation of the deep veins; Geneva: unilateral oedema with pain on deep venous palpation)',
  peMostLikely: 'PE the most likely diagnosis (an alternative diagnosis is less likely than PE)',
  immobilisationOrSurgery4w: 'Immobilisation ≥ 3 days or surgery within the previous 4 weeks',
  previousVte: 'Previous DVT or PE',
  haemoptysis: 'Haemoptysis',
  activeCancer: 'Active cancer (treated within 6 months, palliative, or considered cured < 1 year)',
  surgeryOrFracture1m: 'Surgery under general anaesthesia or lower-limb fracture within 1 month',
  unilateralLegPain: 'Unilateral lower-limb pain',
};

/** The items a score needs; with any of them not assessed it is incomplete. */
export function missingItems(items: PeItems, needed: readonly PeItemId[]): PeItemId[] {
  return needed.filter((id) => items[id] === undefined);
}
