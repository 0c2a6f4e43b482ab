import { readingsTaskWords, type ReadingsDataset } from '../../../../core/contract/clinic-schemas';
import { counted } from '../../../../core/contract/counted';

/**
 * What a dataset made from the signed readings holds, and every count of readings it left out, so a
 * reader who signed some can tell where each went: those that say nothing of the task's classes,
 * and those signed on the bundled demonstration records (public samples, never a site label).
 */
export function readingsDatasetText(made: ReadingsDataset): string {
  const classes = Object.entries(made.classes)
    .filter(([, n]) => n > 0)
    .map(([c, n]) => `${c} ${n}`)
    .concat(made.negativeForEveryClass > 0 ? [`negative for every class ${made.negativeForEveryClass}`] : [])
    .join(', ');
  const { train, val, test } = made.splits;
  return `${counted(made.records, 'record')} from signed readings (${classes}; splits train ${train}, validation ${val}, locked test ${test})` + leftOutText(made);
}

function leftOutText({ skipped, task, withPredictionOnScreen }: ReadingsDataset): string {
  const unlabelled = skipped.unlabelled > 0 ? `; ${counted(skipped.unlabelled, 'reading')} ${readingsTaskWords[task].unlabelled} left out` : '';
  const demonstration = skipped.demonstration > 0 ? `; ${counted(skipped.demonstration, 'reading')} of the bundled demonstration records left out` : '';
  const leaning = withPredictionOnScreen > 0 ? `; ${withPredictionOnScreen} signed with a model's prediction on screen, whose labels may lean towards that model` : '';
  return unlabelled + demonstration + leaning;
}
