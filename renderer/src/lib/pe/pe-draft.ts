import { peBooleanItems, peItemLabels, peNumberItems, peNumberRanges, type PeItems } from '../../../../core/contract/pe-schemas';

type BooleanItem = (typeof peBooleanItems)[number];
type NumberItem = (typeof peNumberItems)[number];

/** The form's state: yes / no / not assessed ('') per yes-no item, typed text per measured item. */
export interface PeDraft {
  answers: Record<BooleanItem, 'yes' | 'no' | ''>;
  numbers: Record<NumberItem, string>;
}

export function emptyDraft(): PeDraft {
  return {
    answers: Object.fromEntries(peBooleanItems.map((id) => [id, ''])) as PeDraft['answers'],
    numbers: Object.fromEntries(peNumberItems.map((id) => [id, ''])) as PeDraft['numbers'],
  };
}

/** A draft from stored items (to correct an entry). */
export function draftOf(items: PeItems): PeDraft {
  const draft = emptyDraft();
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

/**
 * The items a draft says. A value that is not a number, or lies outside what the engine accepts
 * (peNumberRanges: a D-dimer of −5, an age of 400), is returned apart with the reason and left out
 * of the items, so the form marks it and says why instead of the engine's refusal of the request.
 */
export function itemsOf(draft: PeDraft): { items: PeItems; unreadable: NumberItem[]; rejected: RejectedValue[] } {
  const items: PeItems = {};
  const rejected: RejectedValue[] = [];
  for (const id of peBooleanItems) if (draft.answers[id]) items[id] = draft.answers[id] === 'yes';
  for (const id of peNumberItems) {
    const text = draft.numbers[id].trim().replace(',', '.');
    if (!text) continue;
    const v = Number(text);
    const { min, max, unit } = peNumberRanges[id];
    const label = peItemLabels[id].replace(/ \(.*$/, '');
    if (!Number.isFinite(v)) rejected.push({ id, reason: `${label}: '${draft.numbers[id].trim()}' is not a number` });
    else if (v < min || v > max) rejected.push({ id, reason: `${label}: ${text} ${unit} is outside ${min}–${max} ${unit}` });
    else items[id] = v;
  }
  return { items, unreadable: rejected.map((r) => r.id), rejected };
}
