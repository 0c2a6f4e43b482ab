import type { RecordFilter } from './record-filter';
import { recordFilterTest } from './record-filter';

export interface TrainingOverlap {
  /** Records whose content hash was checked. */
  readonly checked: number;
  /** How many of them the model trained or validated on; null when it keeps no record of those. */
  readonly inTraining: number | null;
  readonly note: string;
}

/**
 * How many evaluated records a model already saw, by its training-record filter (the content
 * hashes of its training and validation records, kept in its package): figures on those are
 * optimistic. `consequence` ends the note when some were seen; `what` names the records checked.
 */
export function trainingOverlap(modelName: string, filter: RecordFilter | undefined, hashes: readonly (string | undefined)[], consequence = 'its figures on them are optimistic', what = 'test records'): TrainingOverlap {
  const checked = hashes.filter((h): h is string => h !== undefined);
  if (!filter) return { checked: checked.length, inTraining: null, note: `${modelName} keeps no record of its training records (written before packages kept one): overlap with its training data is unknown` };
  const seen = recordFilterTest(filter);
  const inTraining = checked.filter(seen).length;
  const note =
    inTraining === 0
      ? // The filter holds exact content hashes: the same ECG at another sampling rate is not recognised, so absence is claimed no further.
        `by exact content, none of the ${checked.length} ${what} is among ${modelName}'s ${filter.count} training and validation records (a copy at another sampling rate would not be recognised)`
      : `${inTraining} of the ${checked.length} ${what} are among ${modelName}'s training and validation records: ${consequence}`;
  return { checked: checked.length, inTraining, note };
}
