import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fixturePath } from './shared-data';

/**
 * A copy at `root` of the PTB-XL fixture (24 real records) with strat_fold 1 and 10 swapped, as
 * another site's labels file could split the same records: its test split (fold 10) is then
 * fold 1's two records, which a model trained on the fixture, or the starter, trained on. The
 * fold is the third field from the end of each row (strat_fold, filename_lr, filename_hr).
 */
export function ptbxlFixtureWithFoldsSwapped(root: string): string {
  cpSync(fixturePath('train', 'ptbxl'), root, { recursive: true });
  const index = path.join(root, 'ptbxl_database.csv');
  const swap: Record<string, string> = { '1': '10', '10': '1' };
  const rows = readFileSync(index, 'utf8').split('\n');
  const swapped = rows.map((row, i) => (i === 0 ? row : row.replace(/,(\d+),(records100\/[^,]+,records500\/[^,]+)$/, (_m, fold: string, files: string) => `,${swap[fold] ?? fold},${files}`)));
  const changed = swapped.filter((row, i) => row !== rows[i]).length;
  // Fold 1's 2 records and fold 10's 6: a fixture laid out otherwise would make this copy something else.
  if (changed !== 8) throw new Error(`the PTB-XL fixture's folds 1 and 10 hold ${changed} records, not 8`);
  writeFileSync(index, swapped.join('\n'));
  return root;
}
