import type { Migration } from './types';

/**
 * How many records of the locked test split a site evaluation could not read (a damaged or
 * unsupported file), and so are in none of its figures: an admin promoting a model on "5 locked
 * test records" should know that 6 were labelled. NULL where it was not counted (evaluations
 * recorded before this migration, and closing evaluations of packages fine-tuned before their
 * manifests counted them); 0 where every record was read.
 */
export const migration0016: Migration = {
  version: 16,
  name: 'evaluation-unreadable',
  sql: `
    ALTER TABLE model_evaluations ADD COLUMN unreadable INTEGER CHECK (unreadable IS NULL OR unreadable >= 0);
  `,
};
