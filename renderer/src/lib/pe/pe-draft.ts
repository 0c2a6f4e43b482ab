import { peBooleanItems, peNumberItems, type PeItems } from '../../../../core/contract/pe-schemas';

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

/** The items a draft says; a number that does not parse is returned apart (the form flags it). */
export function itemsOf(draft: PeDraft): { items: PeItems; unreadable: NumberItem[] } {
  const items: PeItems = {};
  const unreadable: NumberItem[] = [];
  for (const id of peBooleanItems) if (draft.answers[id]) items[id] = draft.answers[id] === 'yes';
  for (const id of peNumberItems) {
    const text = draft.numbers[id].trim().replace(',', '.');
    if (!text) continue;
    const v = Number(text);
    if (Number.isFinite(v)) items[id] = v;
    else unreadable.push(id);
  }
  return { items, unreadable };
}
