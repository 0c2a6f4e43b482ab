/**
 * How a computed statement the physician adopts enters the reading's draft. By its SCP-ECG
 * code when the statement library has that code, so the signed reading is coded; as typed
 * text otherwise. A borderline statement ("Borderline first-degree AV block": the value lies
 * within the measurement tolerance of the limit) goes in as its text even when its code is
 * known: the code (1AVB) states the finding without the doubt, and a signed reading must say
 * what the physician adopted, not something firmer. So does one whose code says less than its
 * text ("Atrial fibrillation or flutter suspected" is coded AFIB, "atrial fibrillation";
 * "Ventricular premature or aberrantly conducted complex" is coded PVC).
 */
export interface AdoptedStatement {
  readonly code: string;
  readonly text: string;
  readonly borderline: boolean;
  readonly partialCode: boolean;
}

export type DraftEntry = { readonly kind: 'code'; readonly code: string } | { readonly kind: 'text'; readonly text: string };

export function draftEntryFor(statement: AdoptedStatement, libraryHas: (code: string) => boolean): DraftEntry {
  return !statement.borderline && !statement.partialCode && libraryHas(statement.code) ? { kind: 'code', code: statement.code } : { kind: 'text', text: statement.text };
}
