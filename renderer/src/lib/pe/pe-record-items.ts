import { ecgHeartRate } from '../../../../core/contract/ecg-heart-rate';
import type { HeartRateSource, PeItems } from '../../../../core/contract/pe-schemas';
import { peNumberRanges, readDecimal } from '../../../../core/contract/pe-schemas';
import type { RecordDetail } from '../../../../core/contract/schemas';
import type { RecordMeasurements } from '../../../../core/contract/viewer-schemas';
import { draftOf, emptyDraft, type PeDraft } from './pe-draft';

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
