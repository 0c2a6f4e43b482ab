import { ecgHeartRate, noEcgHeartRateBecause } from '../../../../core/contract/ecg-heart-rate';
import type { HeartRateSource, PeItems } from '../../../../core/contract/pe-schemas';
import { ecgRateRefused, peNumberRanges, readDecimal } from '../../../../core/contract/pe-schemas';
import type { ErrorInfo } from '../../../../core/contract/result';
import type { RecordDetail } from '../../../../core/contract/schemas';
import type { RecordMeasurements } from '../../../../core/contract/viewer-schemas';
import { draftOf, emptyDraft, type PeDraft, type RejectedValue } from './pe-draft';

/**
 * What the record itself says about two PE items: the age in its header, which the form starts
 * from, and the ECG's measured rate, which the form only offers. Wells' heart rate is the
 * clinical one at assessment, not necessarily the rate during the 10 s of the ECG, so it is never
 * filled without the clinician's click.
 */

/** The header's age, when it is one the form accepts (an anonymised "300" is not an age); else null. */
export function recordAge(patient: RecordDetail['patient']): number | null {
  const age = patient.ageYears;
  const { min, max } = peNumberRanges.ageYears;
  return age !== undefined && Number.isFinite(age) && age >= min && age <= max ? age : null;
}

/** The form's draft when it opens: the current entry's items and heart-rate source (or none), with the record's age where the age is not given. */
export function startingDraft(current: PeItems | undefined, age: number | null, heartRateSource: HeartRateSource | null = null): PeDraft {
  const draft = current ? draftOf(current, heartRateSource) : emptyDraft();
  if (age !== null && !draft.numbers.ageYears.trim()) draft.numbers.ageYears = String(age);
  return draft;
}

/** The number typed as the form reads it (pe-draft itemsOf); null when empty or not read. */
function typed(text: string): number | null {
  const read = text.trim() ? readDecimal(text, true) : null;
  return read?.ok ? read.value : null;
}

/** Beside the age: that it is the record's, or that the age typed differs from the record's (say which is right). */
export function ageRemark(text: string, age: number | null): { readonly kind: 'from-record' | 'differs'; readonly text: string } | null {
  const value = typed(text);
  if (age === null || value === null || !Number.isFinite(value)) return null;
  return value === age ? { kind: 'from-record', text: 'from the record' } : { kind: 'differs', text: `differs from the record's age (${age} years)` };
}

/**
 * The ECG's measured rate, rounded, to offer for the heart-rate item; null when it was not
 * measured or its intervals are withheld. The engine checks a rate saved as the ECG's against the
 * same function, so the offer and the check cannot drift apart.
 */
export function ecgRate(m: RecordMeasurements | null): number | null {
  return m ? ecgHeartRate(m) : null;
}

/**
 * The ECG's rate as the PE form knows it once the record's measurements are read: the rate, or
 * none and why (its intervals withheld for signal quality, or no rate measured). Before they are
 * read the form is given undefined instead: nothing is known yet, which is not "no rate", so a
 * rate taken from the ECG is neither said to be unmeasured nor held from saving on that account.
 */
export type EcgRateNow = { readonly rate: number } | { readonly rate: null; readonly because: string };

/** The read measurements' rate (ecgRate) for the PE form, with why there is none. */
export function ecgRateNow(m: RecordMeasurements): EcgRateNow {
  const rate = ecgRate(m);
  return rate === null ? { rate: null, because: noEcgHeartRateBecause(m) } : { rate };
}

/**
 * The open record's rate for the PE form from what the viewer holds: the rate (or none and why)
 * once its measurements are read; none, saying so, where reading them failed (the engine, which
 * measures the record itself on saving, would not find the rate either); undefined while they are
 * being read, or are another record's.
 */
export function viewerEcgRate(recordId: number, measurements: RecordMeasurements | null, measureError: string | null): EcgRateNow | undefined {
  if (measurements?.recordId === recordId) return ecgRateNow(measurements);
  return measureError === null ? undefined : { rate: null, because: `its measurements could not be read: ${measureError}` };
}

/** The one-click offer beside the heart rate, while the typed rate is not already the ECG's. */
export function rateOffer(text: string, rate: number | null): string | null {
  return rate === null || typed(text) === rate ? null : `use the ECG's rate (${rate} /min)`;
}

/** The clinician's click on the offer: the ECG's rate becomes the heart rate, its source the ECG. */
export function takeEcgRate(draft: PeDraft, rate: number): void {
  draft.numbers.heartRateBpm = String(rate);
  draft.heartRateSource = 'ecg';
}

/** Anything typed in the heart-rate field makes it the clinician's own, even a rate equal to the ECG's. */
export function heartRateTyped(draft: PeDraft): void {
  draft.heartRateSource = 'entered';
}

/**
 * Beside a heart rate the draft marks as the ECG's that is not the ECG's rate now: an entry saved
 * with the ECG's rate, reopened after a correction of the record's beats changed the measured
 * rate (or the rate taken, then the beats corrected with the form open), or withheld it. The mark
 * no longer holds and the engine refuses it; the form may neither relabel the old rate as typed
 * (the clinician did not type it) nor replace it unasked, so it says what happened and what to do.
 * Null while the mark holds, or the rate is typed, or there is none, or the ECG's measurements are
 * not read yet (`now` undefined: ecgRateRemark says so, and the save is not held on it).
 */
export function ecgRateChanged(draft: PeDraft, now: EcgRateNow | undefined): string | null {
  if (draft.heartRateSource !== 'ecg' || now === undefined) return null;
  const taken = typed(draft.numbers.heartRateBpm);
  if (taken === null || taken === now.rate) return null;
  const at = `taken from the ECG at entry (${taken} /min)`;
  if (now.rate === null) return `${at}, but the ECG has no measured rate now (${now.because}): type the clinical rate`;
  return `${at}; the ECG now measures ${now.rate} /min, its beats or boundaries having been corrected since: use ${now.rate} /min, or type the clinical rate`;
}

/**
 * Beside a heart rate the draft marks as the ECG's when nothing is wrong with it: that it is the
 * ECG's, or, while the ECG's measurements are still being read, that it cannot be checked against
 * them yet. Null where ecgRateChanged speaks, or the rate is typed or empty.
 */
export function ecgRateRemark(draft: PeDraft, now: EcgRateNow | undefined): string | null {
  const taken = typed(draft.numbers.heartRateBpm);
  if (draft.heartRateSource !== 'ecg' || taken === null) return null;
  if (now === undefined) return "from the ECG at entry (reading the ECG's measurements…)";
  return taken === now.rate ? 'from the ECG' : null;
}

/** The heart rate held from saving while `ecgRateChanged` says it is no longer the ECG's, with that reason; none otherwise (nor while the measurements are being read). */
export function heldEcgRate(draft: PeDraft, now: EcgRateNow | undefined): RejectedValue[] {
  const changed = ecgRateChanged(draft, now);
  return changed === null ? [] : [{ id: 'heartRateBpm', reason: `Heart rate: ${changed}` }];
}

/**
 * Whether the engine refused a rate sent as the ECG's because it measures another (or none): the
 * beats or boundaries corrected since this window read the rate (in another window; in this one the
 * form holds the save first, ecgRateChanged). Known by the refusal's reason (the contract's
 * ecgRateRefused), not by matching the engine's message, whose wording may change.
 */
export { ecgRateRefused };

/**
 * The form's words for a save the engine refused, before the engine's own: a rate refused as the
 * ECG's is refused in the API's terms ("send heartRateSource 'entered'"), which tell a clinician
 * nothing. The viewer reads the measurements again on it (pe-scores), so the rate beside the
 * field becomes the ECG's current one. Other refusals are shown as the engine words them.
 */
export function saveRefusal(error: ErrorInfo): string {
  if (!ecgRateRefused(error)) return error.message;
  return `Not saved: the heart rate is marked as taken from the ECG, but the ECG no longer measures that rate (its beats or boundaries were corrected since this window read it, perhaps in another window). Its measurements are read again: then use the ECG's current rate, or type the clinical rate. (${error.message})`;
}
