import { describe, expect, it } from 'vitest';
import type { ReadingsDataset } from '../../../../core/contract/clinic-schemas';
import { readingsDatasetText } from './readings-export-text';

const made: ReadingsDataset = {
  folder: '/data/exports/readings-dataset-1',
  labels: '/data/exports/readings-dataset-1/labels.csv',
  task: 'ptbxl-superclass',
  records: 2,
  classes: { NORM: 1, MI: 1, STTC: 0 },
  negativeForEveryClass: 0,
  splits: { train: 1, val: 1, test: 0 },
  skipped: { unlabelled: 3, demonstration: 2 },
  withPredictionOnScreen: 0,
};

describe('the summary of a dataset made from signed readings', () => {
  it('says how many readings of the bundled demonstration records it left out, beside those without a statement', () => {
    expect(readingsDatasetText(made)).toBe(
      '2 records from signed readings (NORM 1, MI 1; splits train 1, validation 1, locked test 0); 3 readings without a diagnostic statement left out; 2 readings of the bundled demonstration records left out',
    );
    expect(readingsDatasetText({ ...made, skipped: { unlabelled: 0, demonstration: 1 } })).toMatch(/\); 1 reading of the bundled demonstration records left out$/);
  });

  it('says nothing of demonstration records where none was left out', () => {
    expect(readingsDatasetText({ ...made, skipped: { unlabelled: 0, demonstration: 0 }, withPredictionOnScreen: 1 })).toBe(
      "2 records from signed readings (NORM 1, MI 1; splits train 1, validation 1, locked test 0); 1 signed with a model's prediction on screen, whose labels may lean towards that model",
    );
  });
});
