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

/**
 * One patient's item readings; every key optional (not assessed). `dDimerUnitConfirmed` is no
 * score item: it records that whoever entered a D-dimer low enough to be mg/L FEU typed as ng/mL
 * confirmed its unit (dDimerNeedsUnitConfirmation), and is kept with the entry to say so.
 */
export type PeItems = Partial<Record<PeBooleanItem, boolean> & Record<PeNumberItem, number>> & { dDimerUnitConfirmed?: true };

/**
 * The lowest D-dimer accepted, in ng/mL FEU. Quantitative assays in use report nothing below
 * about 45 ng/mL FEU (VIDAS D-Dimer Exclusion II's lower limit; Innovance D-Dimer's is
 * 170 ng/mL FEU), so every real result passes, while a result reported in mg/L FEU (= µg/mL
 * FEU) and typed as ng/mL — 0.65 for 650, 1000 times too small — falls below it. Unchecked, such
 * a value read as ng/mL excluded PE without imaging in YEARS, PEGeD and the age-adjusted rule.
 * A high result in mg/L FEU (20–100) typed as ng/mL lies above the floor: such values must have
 * their unit confirmed (dDimerNeedsUnitConfirmation).
 */
export const dDimerFloorNgMlFeu = 20;

/**
 * The highest D-dimer accepted, in mg/L FEU (= 100 000 ng/mL FEU). Automated quantitative assays
 * report up to a few tens of mg/L FEU, their own dilution included: STA-Liatest D-Di Plus up to
 * 20 mg/L FEU, Innovance D-Dimer up to 35.2 mg/L FEU (the manufacturers' inserts; the assays'
 * ranges are reviewed by Wauthier et al., Diagnostics 2022;12:2770). 100 leaves room for a
 * manually diluted result in DIC, about three times the highest reportable one, while a result in
 * ng/mL given as mg/L — 500 for 500 ng/mL, read as 500 mg/L — is refused: the earlier ceiling of
 * 200 mg/L FEU let ng/mL results up to 200 through as mg/L, 1000 times too large.
 */
export const dDimerCeilingMgLFeu = 100;

/** Plausible ranges: a value outside is refused as a typing error, not clamped. */
export const peNumberRanges: Readonly<Record<PeNumberItem, { readonly min: number; readonly max: number; readonly unit: string }>> = {
  ageYears: { min: 0, max: 130, unit: 'years' },
  heartRateBpm: { min: 10, max: 350, unit: 'beats/min' },
  dDimerNgMlFeu: { min: dDimerFloorNgMlFeu, max: dDimerCeilingMgLFeu * 1000, unit: 'ng/mL FEU' },
};

/** The ceiling entries stored before dDimerCeilingMgLFeu were checked against: they must still be listed. */
export const storedDdimerCeilingNgMlFeu = 200_000;

/** ng/mL FEU from mg/L FEU (= µg/mL FEU), without the float residue of × 1000 (1.1 → 1100, not 1100.0000000000002). */
export function ngMlFromMgL(mgL: number): number {
  return Number((mgL * 1000).toPrecision(12));
}

/**
 * The FEU units a D-dimer is accepted in, by the form's unit selector and by the labels CSV:
 * ng/mL (= µg/L) as stored, and mg/L (= µg/mL), 1000 times larger. D-dimer units (DDU) are not
 * among them: FEU is about twice DDU, but the factor depends on the assay and its calibrator.
 */
export const dDimerFeuUnits = ['ng/mL FEU', 'mg/L FEU'] as const;
export type DdimerFeuUnit = (typeof dDimerFeuUnits)[number];

/** The D-dimer in the stored ng/mL FEU from a value in one of the accepted FEU units. */
export function ngMlFeuFrom(value: number, unit: DdimerFeuUnit): number {
  return unit === 'mg/L FEU' ? ngMlFromMgL(value) : value;
}

/**
 * The lowest result, in ng/mL FEU, that quantitative assays in use report: VIDAS D-Dimer
 * Exclusion II's lower limit (Innovance D-Dimer's is 170 ng/mL FEU). A lab reporting "< 45" is
 * entered as 45: every D-dimer cut-off of the scores is 500 ng/mL FEU or more (YEARS and PEGeD
 * 500 and 1000, the age-adjusted one 500 or age × 10), so no decision changes.
 */
export const dDimerLowestReportedNgMlFeu = 45;

/**
 * Whether a D-dimer given in `unit` must have its unit confirmed before it is accepted: one in
 * ng/mL FEU from the floor up to the mg/L ceiling's figure (20–100). Each such number is also a
 * result in mg/L FEU the app accepts — 24 mg/L FEU in a massive PE, typed in ng/mL, is 24 ng/mL,
 * 1000 times too small — and each lies under every cut-off (500 ng/mL FEU and above), so read as
 * ng/mL it excluded PE without imaging in YEARS, PEGeD and the age-adjusted rule. Real results
 * that low come only from the most sensitive assays (from 45 ng/mL FEU), so the confirmation costs
 * a real result a tick, never its entry. Below the floor a value is refused outright; above 100
 * none is a result in mg/L FEU the app accepts. A value typed in mg/L FEU needs no confirmation:
 * its unit was chosen, not left as it was.
 */
export function dDimerNeedsUnitConfirmation(value: number, unit: DdimerFeuUnit): boolean {
  return unit === 'ng/mL FEU' && value >= dDimerFloorNgMlFeu && value <= dDimerCeilingMgLFeu;
}

/** What is wrong with a stored D-dimer (dDimerDoubt): each reader words it its own way. */
export type DdimerDoubt = 'below floor' | 'above ceiling' | 'unit not confirmed';

/**
 * Why a stored entry's D-dimer is not to be taken at its word: 'below floor' or 'above ceiling'
 * (outside peNumberRanges: an entry stored before the floor or the ceiling were checked, likely
 * mg/L FEU typed as ng/mL or ng/mL typed as mg/L FEU), 'unit not confirmed' (20–100 ng/mL FEU
 * stored before such a value needed its unit confirmed: possibly 24 mg/L FEU typed as 24); null
 * when it is to be taken, or there is none. No entry made now can hold one (PeItemsSchema refuses
 * it), but old entries stay on file, shown, printed and offered to the fusion: the one rule for
 * what the renderer flags and what the engine's PE panel refuses to fuse. Only for stored entries' items, which
 * carry dDimerUnitConfirmed: a labels CSV keeps its confirmation in its own column.
 */
export function dDimerDoubt(items: { readonly dDimerNgMlFeu?: number | undefined; readonly dDimerUnitConfirmed?: true | undefined }): DdimerDoubt | null {
  const value = items.dDimerNgMlFeu;
  if (value === undefined) return null;
  const { min, max } = peNumberRanges.dDimerNgMlFeu;
  if (value < min) return 'below floor';
  if (value > max) return 'above ceiling';
  return dDimerNeedsUnitConfirmation(value, 'ng/mL FEU') && items.dDimerUnitConfirmed !== true ? 'unit not confirmed' : null;
}

/**
 * What a D-dimer needing confirmation asks, naming the mix-up with the value itself: "24 ng/mL
 * FEU is below what most assays report (the most sensitive from 45 ng/mL FEU; …); if the lab
 * reported 24 mg/L FEU, that is 24000 ng/mL FEU". Not "below what assays report": the same
 * screen offers to confirm that the lab reported it.
 */
export function dDimerUnitQuestion(ngMl: number): string {
  const lowest = dDimerLowestReportedNgMlFeu;
  const low = ngMl < lowest ? `below what most assays report (the most sensitive from ${lowest} ng/mL FEU; a result reported as "< ${lowest}" is entered as ${lowest})` : 'lower than most assays report';
  return `${ngMl} ng/mL FEU is ${low}; if the lab reported ${ngMl} mg/L FEU, that is ${ngMlFromMgL(ngMl)} ng/mL FEU`;
}

/**
 * Why a D-dimer below the floor is refused, naming the likely unit mix-up with the value itself:
 * "below 20 ng/mL FEU is not plausible; 0.65 mg/L FEU is 650 ng/mL".
 */
export function dDimerMixUp(value: number): string {
  const example = value > 0 ? value : 0.65;
  return `${example} mg/L FEU is ${ngMlFromMgL(example)} ng/mL`;
}

/**
 * Why a D-dimer above the ceiling is refused when it was given in mg/L FEU: it looks like a
 * result in ng/mL ("500 mg/L FEU looks like 500 ng/mL FEU").
 */
export function dDimerLooksLikeNgMl(mgL: number): string {
  return `above ${dDimerCeilingMgLFeu} mg/L FEU, which no assay reports: it looks like ${mgL} ng/mL FEU`;
}

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
