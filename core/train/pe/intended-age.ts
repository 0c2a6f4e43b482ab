import { ageOutsideReason, type IntendedInput } from '../scope';

/** An ECG model's intended ages, from its package's manifest (intendedInputOf). */
export type AgeRange = IntendedInput['ageYears'];

/**
 * Why a PE model's probability is withheld for a patient the PE score entry gives as `ageYears`, its
 * package's range being `range`; null inside it. One decision, one wording, wherever a PE probability is
 * shown: the app's PE panel, predictions panel, worklist and printed page (PeDesk), and ecg predict.
 */
export function withheldBecause(model: { readonly name: string }, ageYears: number, range: AgeRange): string | null {
  const reason = ageOutsideReason(ageYears, range);
  return reason ? `outside ${model.name}'s intended use by the PE score entry's age (${reason}): no ECG, pre-test or fused probability` : null;
}
