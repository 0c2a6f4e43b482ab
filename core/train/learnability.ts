import { counted, isAre } from '../contract/counted';
import { defaultMinExamples } from '../contract/training-schemas';
import { EinthovenError } from '../errors';

/** The minimums a job uses unless overridden: positives and negatives per class, in training and in validation (the contract's, which the app's forms show). */
export { defaultMinExamples };
export type MinExamples = { readonly train: number; readonly val: number };

const splitWords = { train: 'training', val: 'validation' } as const;

/** "at least 1 is needed", "at least 3 are needed". */
function atLeast(needed: number): string {
  return `at least ${needed} ${isAre(needed)} needed`;
}

/**
 * Why the classes cannot be learned from these splits, one sentence per shortfall naming the
 * class and the split: a class needs at least `minimum.train` positive and as many negative
 * records in training, and `minimum.val` of each in validation (where its threshold, the epoch
 * kept and the calibration are chosen). Empty when every class can be learned.
 */
export function learnabilityProblems(classes: readonly string[], labels: { readonly train: readonly (readonly number[])[]; readonly val: readonly (readonly number[])[] }, minimum: MinExamples): string[] {
  const problems: string[] = [];
  for (const split of ['train', 'val'] as const) {
    const rows = labels[split];
    const needed = minimum[split];
    classes.forEach((name, j) => {
      const positives = rows.filter((r) => r[j] === 1).length;
      const negatives = rows.length - positives;
      if (positives < needed) problems.push(`class ${name} has ${counted(positives, `positive ${splitWords[split]} record`)}; ${atLeast(needed)}`);
      if (negatives < needed) problems.push(`class ${name} has ${counted(negatives, `negative ${splitWords[split]} record`)}; ${atLeast(needed)}`);
    });
  }
  return problems;
}

/** Refuses, before the first epoch, a dataset whose classes cannot be learned (E_VALIDATION naming class and split). */
export function assertLearnable(datasetName: string, classes: readonly string[], labels: Parameters<typeof learnabilityProblems>[1], minimum: MinExamples): void {
  const problems = learnabilityProblems(classes, labels, minimum);
  if (problems.length === 0) return;
  const more = problems.length > 3 ? ` (and ${problems.length - 3} more)` : '';
  throw new EinthovenError('E_VALIDATION', `${datasetName}: cannot train: ${problems.slice(0, 3).join('; ')}${more}`);
}

/** A sentence for the log and the manifest when the minimums were lowered below the defaults; null otherwise. */
export function minimumOverride(minimum: MinExamples): string | null {
  if (minimum.train >= defaultMinExamples.train && minimum.val >= defaultMinExamples.val) return null;
  return `override: minimum examples per class lowered to ${minimum.train} in training and ${minimum.val} in validation (defaults ${defaultMinExamples.train} and ${defaultMinExamples.val}); figures from so few examples are unreliable`;
}
