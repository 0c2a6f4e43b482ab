import { defaultMinExamples, rateIntervalWords, type OperatingPointResult } from '../../../../core/contract/training-schemas';
import { wholeNumberOf } from '../forms/whole-number';

/** The engine's own default, as the field shows it: fewer validation positives or negatives of a class than this is refused. */
export const defaultMinVal = String(defaultMinExamples.val);

/** The typed minimum as a whole number from 1, or null when it is not one (the contract's bounds). */
export function minValOf(text: string): number | null {
  const value = wholeNumberOf(text);
  return value !== null && value >= 1 && value <= 1_000_000 ? value : null;
}

/** What the request carries: nothing at the engine's default (it applies its own), the typed minimum otherwise. */
export function minValRequest(text: string): { minValExamples?: number } {
  const value = minValOf(text);
  return value === null || value === defaultMinExamples.val ? {} : { minValExamples: value };
}

/** Below the engine's default: an override, which the form warns about before it is sent. */
export function isMinValOverride(text: string): boolean {
  const value = minValOf(text);
  return value !== null && value < defaultMinExamples.val;
}

/** The engine's override statement ("override: …") as a sentence of the result line. */
export function overrideSentence(override: string): string {
  return `${override.charAt(0).toUpperCase()}${override.slice(1)}.`;
}

const sentence = (text: string) => `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;

/**
 * What the result says of the records the base model trained or validated on, as sentences: on
 * validation its thresholds are optimistic; on test its figures are no locked test (the engine
 * then did not record them as this site's evaluation), as `ecg operating-point` warns.
 */
export function overlapWarnings(result: Pick<OperatingPointResult, 'trainingOverlap' | 'notLockedTest'>): { validation: string | null; test: string | null } {
  const { validation } = result.trainingOverlap;
  return { validation: validation.inTraining ? sentence(validation.note) : null, test: result.notLockedTest ? sentence(result.notLockedTest) : null };
}

/**
 * The caption over the result's test figures. Their sensitivity and specificity intervals are not
 * the bootstrap's alone but widened to at least Wilson's (rateIntervalWords, as `ecg operating-point`
 * prints over the same figures), so the caption names the rule rather than "bootstrap".
 */
export function testFiguresCaption(result: { readonly evaluatedOn: { readonly name: string }; readonly test: { readonly n: number } }, notLockedTest: boolean): string {
  const records = notLockedTest ? 'Test records (not a locked test, see above)' : 'Locked test records';
  return `${records} of ${result.evaluatedOn.name} (n = ${result.test.n}), read once after every choice: sensitivity and specificity with 95 % intervals, ${rateIntervalWords},`;
}
