import { dDimerFeuUnits, dDimerLooksLikeNgMl, dDimerMixUp, dDimerNeedsUnitConfirmation, dDimerUnitQuestion, ngMlFeuFrom, peBooleanItems, peItemLabels, peNumberItems, peNumberRanges, readDecimal, type HeartRateSource, type PeItems } from '../../../../core/contract/pe-schemas';
import { wordFor } from '../../../../core/contract/counted';

type BooleanItem = (typeof peBooleanItems)[number];
type NumberItem = (typeof peNumberItems)[number];

/**
 * The units a D-dimer may be typed in. Labs report FEU as ng/mL (= µg/L) or as mg/L (= µg/mL),
 * 1000 times apart; the item is stored in ng/mL FEU whatever it was typed in. The labels CSV
 * accepts the same units (core/data/pe-ddimer-columns.ts), so both convert alike.
 */
export const dDimerUnits = dDimerFeuUnits;
export type DdimerUnit = (typeof dDimerUnits)[number];

/**
 * The form's state: yes / no / not assessed ('') per yes-no item, typed text per measured item,
 * the D-dimer's unit, where the heart rate came from ('ecg' once the ECG's rate is taken with a
 * click, 'entered' as soon as the field is typed in), and the D-dimer in ng/mL FEU whose unit the
 * clinician confirmed (dDimerToConfirm), null for none: the confirmation holds for that value
 * only, so a D-dimer changed after the tick is asked about again.
 */
export interface PeDraft {
  answers: Record<BooleanItem, 'yes' | 'no' | ''>;
  numbers: Record<NumberItem, string>;
  dDimerUnit: DdimerUnit;
  heartRateSource: HeartRateSource;
  dDimerConfirmed: number | null;
}

export function emptyDraft(): PeDraft {
  return {
    answers: Object.fromEntries(peBooleanItems.map((id) => [id, ''])) as PeDraft['answers'],
    numbers: Object.fromEntries(peNumberItems.map((id) => [id, ''])) as PeDraft['numbers'],
    dDimerUnit: 'ng/mL FEU',
    heartRateSource: 'entered',
    dDimerConfirmed: null,
  };
}

/**
 * A draft from stored items (to correct an entry), keeping where its heart rate came from and
 * whether its D-dimer's unit was confirmed. An entry saved before the source was recorded reopens
 * as 'entered': whoever saves the correction vouches for the rate as typed in the form; one saved
 * before a low D-dimer was confirmed reopens unconfirmed, asking.
 */
export function draftOf(items: PeItems, heartRateSource: HeartRateSource | null = null): PeDraft {
  const draft = emptyDraft();
  draft.heartRateSource = heartRateSource ?? 'entered';
  if (items.dDimerUnitConfirmed && items.dDimerNgMlFeu !== undefined) draft.dDimerConfirmed = items.dDimerNgMlFeu;
  for (const id of peBooleanItems) {
    const v = items[id];
    draft.answers[id] = v === undefined ? '' : v ? 'yes' : 'no';
  }
  for (const id of peNumberItems) {
    const v = items[id];
    draft.numbers[id] = v === undefined ? '' : String(v);
  }
  return draft;
}

/** A typed value the form cannot send, and why in the clinician's words. */
export interface RejectedValue {
  readonly id: NumberItem;
  readonly reason: string;
}

/** The D-dimer in ng/mL FEU the draft's typed value and unit come to. */
function dDimerNgMl(draft: PeDraft, typed: number): number {
  return ngMlFeuFrom(typed, draft.dDimerUnit);
}

/** Why a D-dimer outside the accepted range is refused; below the floor in ng/mL, the likely mix-up with mg/L is named. */
function dDimerReason(draft: PeDraft, text: string, typed: number): string {
  const { min, max, unit } = peNumberRanges.dDimerNgMlFeu;
  const ngMl = dDimerNgMl(draft, typed);
  const as = draft.dDimerUnit === 'mg/L FEU' ? `${text} mg/L FEU is ${ngMl} ${unit},` : `${text} ${unit} is`;
  if (ngMl > max && draft.dDimerUnit === 'mg/L FEU') return `D-dimer: ${text} mg/L FEU is ${dDimerLooksLikeNgMl(typed)}: choose ng/mL FEU`;
  if (ngMl > max) return `D-dimer: ${as} outside ${min}–${max} ${unit}`;
  const hint = draft.dDimerUnit === 'ng/mL FEU' && typed > 0 ? `; ${dDimerMixUp(typed)}: choose mg/L FEU` : '';
  return `D-dimer: ${as} below ${min} ${unit}, which is not plausible${hint}`;
}

/**
 * What the form will store for the D-dimer when it was typed in mg/L FEU ("= 650 ng/mL FEU"),
 * so the converted figure is seen before it is saved; null in ng/mL or when the value is refused.
 */
export function dDimerConversion(draft: PeDraft): string | null {
  const stored = itemsOf(draft).items.dDimerNgMlFeu;
  return draft.dDimerUnit === 'mg/L FEU' && stored !== undefined ? `= ${stored} ${peNumberRanges.dDimerNgMlFeu.unit}` : null;
}

/**
 * The D-dimer typed in ng/mL FEU when it is low enough to be a result in mg/L FEU typed as ng/mL
 * (dDimerNeedsUnitConfirmation: 24 for 24 mg/L FEU), which the form asks to confirm; else null.
 */
export function dDimerToConfirm(draft: PeDraft): number | null {
  const read = draft.numbers.dDimerNgMlFeu.trim() ? readDecimal(draft.numbers.dDimerNgMlFeu, true) : null;
  return read?.ok && dDimerNeedsUnitConfirmation(read.value, draft.dDimerUnit) ? read.value : null;
}

/** What the tick beside such a D-dimer states: the value is the lab's, in ng/mL, not the mg/L result it may be. */
export function dDimerConfirmText(value: number): string {
  return `The lab reported ${value} ng/mL FEU, not ${value} mg/L FEU (= ${ngMlFeuFrom(value, 'mg/L FEU')} ng/mL FEU)`;
}

/** The clinician's tick (or untick) that the D-dimer shown for confirmation is in ng/mL FEU, as the lab reported it. */
export function confirmDdimer(draft: PeDraft, confirmed: boolean): void {
  draft.dDimerConfirmed = confirmed ? dDimerToConfirm(draft) : null;
}

/** Why a D-dimer that needs its unit confirmed is not taken yet: the mix-up it may be, and the two ways on. */
function unconfirmedReason(typed: number): string {
  return `D-dimer: ${dDimerUnitQuestion(typed)}: choose mg/L FEU, or confirm that the lab reported ${typed} ng/mL FEU`;
}

/** One measured item's value as stored (undefined: not assessed), or why the typed text is refused. */
function readNumberItem(draft: PeDraft, id: NumberItem): { value: number | undefined } | { reason: string } {
  const raw = draft.numbers[id].trim();
  if (!raw) return { value: undefined };
  const label = peItemLabels[id].replace(/ \(.*$/, '');
  // A form field holds one number, so a decimal comma is read as a point ('0,65' is 0.65, in
  // ng/mL then refused as below the floor); a number that may be grouped in thousands is refused.
  const read = readDecimal(raw, true);
  if (!read.ok) return { reason: `${label}: '${raw}' ${read.why}` };
  const typed = read.value;
  const text = String(typed);
  const v = id === 'dDimerNgMlFeu' ? dDimerNgMl(draft, typed) : typed;
  const { min, max, unit } = peNumberRanges[id];
  if (v < min || v > max) return { reason: id === 'dDimerNgMlFeu' ? dDimerReason(draft, text, typed) : `${label}: ${text} ${unit} is outside ${min}–${max} ${unit}` };
  if (id === 'dDimerNgMlFeu' && dDimerNeedsUnitConfirmation(typed, draft.dDimerUnit) && draft.dDimerConfirmed !== typed) return { reason: unconfirmedReason(typed) };
  return { value: v };
}

/**
 * The items a draft says. A value that is not a number, or lies outside what the engine accepts
 * (peNumberRanges: a D-dimer of −5 or of 0.65 ng/mL, an age of 400), or is a D-dimer of 20–100
 * ng/mL FEU not yet confirmed as ng/mL, is returned apart with the reason and left out of the
 * items, so the form marks it and says why instead of the engine's refusal of the request. A
 * D-dimer typed in mg/L FEU is converted to the stored ng/mL FEU.
 */
export function itemsOf(draft: PeDraft): { items: PeItems; unreadable: NumberItem[]; rejected: RejectedValue[] } {
  const items: PeItems = {};
  const rejected: RejectedValue[] = [];
  for (const id of peBooleanItems) if (draft.answers[id]) items[id] = draft.answers[id] === 'yes';
  for (const id of peNumberItems) {
    const read = readNumberItem(draft, id);
    if ('reason' in read) rejected.push({ id, reason: read.reason });
    else if (read.value !== undefined) items[id] = read.value;
  }
  // A D-dimer that low reached here typed in mg/L FEU (its unit chosen, the ng/mL figure shown)
  // or ticked as ng/mL: either way its unit was confirmed, which the engine requires and keeps.
  const dDimer = items.dDimerNgMlFeu;
  if (dDimer !== undefined && dDimerNeedsUnitConfirmation(dDimer, 'ng/mL FEU')) items.dDimerUnitConfirmed = true;
  return { items, unreadable: rejected.map((r) => r.id), rejected };
}

/** Where the draft's heart rate came from, to send with it; undefined when no heart rate is read (the engine refuses a source without one). */
export function heartRateSourceOf(draft: PeDraft): HeartRateSource | undefined {
  return itemsOf(draft).items.heartRateBpm === undefined ? undefined : draft.heartRateSource;
}

/**
 * Why Save is held, in words; null when the draft may be saved. `held`: values the draft reads
 * but the form holds for a reason outside the draft (a rate marked as the ECG's that no longer is
 * its rate, pe-record-items heldEcgRate), marked and said like a refused value.
 */
export function saveHeldReason(draft: PeDraft, assessor: string, held: readonly RejectedValue[] = []): string | null {
  const { items, rejected } = itemsOf(draft);
  const marked = [...rejected, ...held];
  if (marked.length > 0) return `correct the marked ${wordFor(marked.length, 'value')}: ${marked.map((r) => r.reason).join('; ')}`;
  if (Object.keys(items).length === 0) return 'enter at least one item';
  if (!assessor.trim()) return 'type your name';
  return null;
}
