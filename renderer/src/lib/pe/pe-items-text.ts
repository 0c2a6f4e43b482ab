import { dDimerDoubt, dDimerNeedsUnitConfirmation, ngMlFeuFrom, peBooleanItems, peItemLabels, peNumberRanges, recomputedNote, type DdimerDoubt, type HeartRateSource, type PeItems, type PeScoreResultInfo } from '../../../../core/contract/pe-schemas';

/**
 * A PE score entry's items in one compact line, for paper and the panel: with only the totals,
 * nobody could check a score against the chart. Yes answers and items not assessed are named;
 * more than two no answers are counted ("no: the other 6"), since naming every item would not fit the page.
 */

const short = (id: (typeof peBooleanItems)[number]) => peItemLabels[id].replace(/ \(.*$/, '');
const numberNames = { ageYears: 'age', heartRateBpm: 'heart rate', dDimerNgMlFeu: 'D-dimer' } as const;

/**
 * The D-dimer as stored; one stored before the floor or the ceiling were checked (mg/L FEU typed
 * as ng/mL; ng/mL typed as mg/L FEU), or before a D-dimer of 20–100 ng/mL FEU needed its unit
 * confirmed, is flagged, not silently shown; one confirmed says so, since it is rarely real.
 */
function dDimerText(value: number, dDimerUnitConfirmed: true | undefined): string {
  const { min, max, unit } = peNumberRanges.dDimerNgMlFeu;
  const doubt = dDimerDoubt({ dDimerNgMlFeu: value, dDimerUnitConfirmed });
  if (doubt === 'below floor') return `D-dimer ${value} ${unit} (below ${min}: not plausible, likely mg/L FEU typed as ng/mL; correct the entry)`;
  if (doubt === 'above ceiling') return `D-dimer ${value} ${unit} (above ${max}: not plausible, likely ng/mL typed as mg/L FEU; correct the entry)`;
  if (doubt === 'unit not confirmed') return `D-dimer ${value} ${unit} (unit not confirmed: possibly ${value} mg/L FEU typed as ng/mL, which is ${ngMlFeuFrom(value, 'mg/L FEU')} ${unit}; correct the entry)`;
  return dDimerNeedsUnitConfirmation(value, 'ng/mL FEU') ? `D-dimer ${value} ${unit} (unit confirmed at entry)` : `D-dimer ${value} ${unit}`;
}

/**
 * Where the heart rate came from, as the entry recorded it: Wells counts a rate above 100, and the
 * ECG's 10 s rate is not necessarily the clinical one. Entries made before it was recorded say so.
 */
const heartRateSourceText: Readonly<Record<HeartRateSource | 'unknown', string>> = { ecg: 'from the ECG', entered: 'entered', unknown: 'source not recorded' };

/**
 * Where the rate came from, and, for one taken from the ECG that the ECG no longer measures (its
 * beats or boundaries corrected since the entry), what it measures now: "from the ECG" alone was
 * true at entry but read as the ECG's rate today. `ecgRateNow`: the ECG's rate as the form would
 * offer it now (ecgHeartRate), null when it has none; undefined while the measurements are unread.
 */
function heartRateSourceSaid(rate: number, source: HeartRateSource | null, ecgRateNow: number | null | undefined): string {
  if (source !== 'ecg' || ecgRateNow === undefined || ecgRateNow === rate) return heartRateSourceText[source ?? 'unknown'];
  return `from the ECG at entry; ${ecgRateNow === null ? 'it has no measured rate now' : `it now measures ${ecgRateNow}/min`}`;
}

/** The measured items entered; an age that differs from the record header's says both, a rate no longer the ECG's both. */
function numberParts(items: PeItems, recordAgeYears: number | null, heartRateSource: HeartRateSource | null, ecgRateNow: number | null | undefined): string[] {
  const parts: string[] = [];
  if (items.ageYears !== undefined) parts.push(`age ${items.ageYears} years${recordAgeYears !== null && recordAgeYears !== items.ageYears ? ` (record header: ${recordAgeYears})` : ''}`);
  if (items.heartRateBpm !== undefined) parts.push(`heart rate ${items.heartRateBpm}/min (${heartRateSourceSaid(items.heartRateBpm, heartRateSource, ecgRateNow)})`);
  if (items.dDimerNgMlFeu !== undefined) parts.push(dDimerText(items.dDimerNgMlFeu, items.dDimerUnitConfirmed));
  return parts;
}

/**
 * "Items: age 72 years, heart rate 112/min (from the ECG), D-dimer 640 ng/mL FEU; yes: Clinical signs of DVT; no: the other 7." Null with no items.
 * `ecgRateNow`: the record's measured rate now (null: none; undefined: not read), set beside a rate taken from the ECG that it no longer equals.
 */
export function peItemsText(items: PeItems, recordAgeYears: number | null = null, heartRateSource: HeartRateSource | null = null, ecgRateNow?: number | null): string | null {
  const yes = peBooleanItems.filter((id) => items[id] === true).map(short);
  const no = peBooleanItems.filter((id) => items[id] === false).map(short);
  const notAssessed = [
    ...(Object.keys(numberNames) as (keyof typeof numberNames)[]).filter((id) => items[id] === undefined).map((id) => numberNames[id]),
    ...peBooleanItems.filter((id) => items[id] === undefined).map(short),
  ];
  const numbers = numberParts(items, recordAgeYears, heartRateSource, ecgRateNow);
  if (numbers.length === 0 && yes.length === 0 && no.length === 0) return null;
  const parts = [
    numbers.join(', '),
    yes.length ? `yes: ${yes.join(', ')}` : '',
    no.length === 0 ? '' : no.length <= 2 ? `no: ${no.join(', ')}` : `no: ${yes.length || notAssessed.length ? 'the other' : 'all'} ${no.length}`,
    notAssessed.length ? `not assessed: ${notAssessed.join(', ')}` : '',
  ];
  return `Items: ${parts.filter((p) => p).join('; ')}.`;
}

/** The rules whose decision reads the D-dimer; the point scores (Wells, the Genevas) do not. */
const dDimerRules: readonly PeScoreResultInfo['score'][] = ['years', 'peged', 'ageAdjustedDdimer'];

/**
 * Why a stored entry's D-dimer is not to be taken at its word, as its items line flags it (below
 * the floor, above the ceiling, or of 20–100 ng/mL FEU without its unit confirmed: core's
 * dDimerDoubt, the rule the engine's PE panel refuses to fuse such a D-dimer by); null when it is.
 */
const dDimerDoubtText: Readonly<Record<DdimerDoubt, string>> = {
  'below floor': 'the D-dimer is not plausible',
  'above ceiling': 'the D-dimer is not plausible',
  'unit not confirmed': "the D-dimer's unit was not confirmed",
};

/**
 * What a rule's decision on such a D-dimer is worth, said beside the decision: an entry stored
 * before the checks read "PE excluded without imaging (…, D-dimer 24 < 1000 ng/mL)" unqualified,
 * its flag only in the items line, which the page prints after every score. Null for a score that
 * does not read the D-dimer, one still incomplete, and a D-dimer the items line does not flag.
 */
export function dDimerDecisionCaveat(score: Pick<PeScoreResultInfo, 'score' | 'imagingIndicated'>, items: PeItems): string | null {
  const doubt = dDimerDoubt(items);
  if (doubt === null || score.imagingIndicated === null || !dDimerRules.includes(score.score)) return null;
  return `not to be relied on: ${dDimerDoubtText[doubt]} (see the items); correct the entry`;
}

/** A score's one-line summary as printed, with the caveat its decision carries (dDimerDecisionCaveat). */
export function peScoreSummary(score: PeScoreResultInfo, items: PeItems): string {
  const caveat = dDimerDecisionCaveat(score, items);
  return caveat ? `${score.summary} [${caveat}]` : score.summary;
}

/**
 * The note a stored entry's recomputed score carries, where the panel's list does not show its
 * summary: beside a points total or the items still missing. A decision's summary, shown as it
 * is, ends with the note already.
 */
export function scoreListRecomputedNote(score: Pick<PeScoreResultInfo, 'name' | 'entered' | 'missing' | 'total'>): string | null {
  const summaryShown = score.missing.length === 0 && score.total === null;
  return summaryShown ? null : recomputedNote(score);
}
