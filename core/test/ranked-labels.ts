import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DatasetItem } from '../data/types';
import { indexDataset } from '../train/jobs/prepare';
import { scoreItems } from '../train/jobs/score-items';
import { loadPackage } from '../train/package/archive';

/**
 * The validation rows' labels, by each class's own ranking of the model's outputs, highest
 * first: 5 positives among 12 at ranks 1, 3, 4, 6, 8. AUC 28/35 = 0.8, which the one-sided
 * Mann–Whitney test accepts (z = 1.70), so every class gets a threshold and the rule decides it:
 * sensitivity ≥ 0.8 flags the top 6 (4 of 5 positives, 2 negatives: specificity 5/7); specificity
 * ≥ 0.8 allows one flagged negative and flags the top 4 (sensitivity 3/5, specificity 6/7).
 */
export const rankedValidationPattern = [1, 0, 1, 1, 0, 1, 0, 1, 0, 0, 0, 0];
const testPattern = [1, 0, 1, 0, 0, 1];
const trainPattern = [1, 0, 0, 1, 0, 0];

function ranksDescending(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => b[0] - a[0]);
  const rank = new Array<number>(values.length);
  order.forEach(([, i], r) => (rank[i] = r));
  return rank;
}

/** What the labels were made from: the model's classes and temperature, and its outputs on the validation rows with their labels. */
export interface RankedLabels {
  readonly file: string;
  readonly classes: string[];
  readonly baseTemperature: number;
  readonly validation: { readonly probs: number[][]; readonly labels: number[][] };
}

/**
 * Which fixture records the labels CSV makes its 6 test rows. 'unseen': the fixture's PTB-XL test
 * split (fold 10), which a model trained on the fixture never saw (folds 1–8 trained it, fold 9
 * chose its epoch and thresholds), so the rows are a locked test for it. 'seen': the 13th to 18th
 * records by id, 4 of which such a model trained on: a site's split made without the model's, whose
 * test figures are no locked test.
 */
export type RankedTestRows = 'unseen' | 'seen';

/** The 24 fixture records in row order: 12 validation, 6 test, then 6 training rows. */
function rowOrder(items: readonly DatasetItem[], testRows: RankedTestRows): DatasetItem[] {
  const byId = [...items].sort((a, b) => a.id.localeCompare(b.id));
  if (testRows === 'seen') return byId;
  const foldTen = byId.filter((i) => i.split === 'test');
  if (foldTen.length !== 6) throw new Error(`expected the fixture's 6 fold-10 records, found ${foldTen.length}`);
  const rest = byId.filter((i) => i.split !== 'test');
  return [...rest.slice(0, 12), ...foldTen, ...rest.slice(12)];
}

/**
 * A hospital labels CSV over the 24 real records of the PTB-XL fixture at `root`: 12 validation,
 * 6 test and 6 training rows, labelled from the model's own rankings (`rankedValidationPattern`),
 * so that a threshold rule, not luck, decides what a site operating point flags. Its test rows
 * are `testRows` (RankedTestRows; by default ones a model trained on the fixture never saw).
 */
export async function rankedLabelsCsv(model: string, root: string, file: string, testRows: RankedTestRows = 'unseen'): Promise<RankedLabels> {
  const loaded = await loadPackage(model);
  const classes = [...loaded.manifest.classes];
  try {
    const dataset = await indexDataset({ kind: 'ptbxl', root }, loaded.manifest.preprocessing, false);
    const items = rowOrder(dataset.items, testRows);
    const { kept, probs } = await scoreItems(loaded, items, {});
    if (kept.length !== 24) throw new Error(`expected the 24 fixture records, read ${kept.length}`);
    const rowLabels = kept.map(() => [] as string[]);
    for (const [lo, hi, pattern] of [[0, 12, rankedValidationPattern], [12, 18, testPattern], [18, 24, trainPattern]] as const) {
      classes.forEach((c, j) => {
        ranksDescending(probs.slice(lo, hi).map((r) => r[j] as number)).forEach((r, k) => {
          if (pattern[r] === 1) rowLabels[lo + k]?.push(c);
        });
      });
    }
    const splitOf = (i: number) => (i < 12 ? 'val' : i < 18 ? 'test' : 'train');
    const header = (i: number) => path.relative(root, kept[i]?.files.find((f) => f.endsWith('.hea')) as string);
    const lines = kept.map((_, i) => `${header(i)},${rowLabels[i]?.length ? rowLabels[i]?.join('|') : '-'},${splitOf(i)}`);
    await writeFile(file, `file,label,split\n${lines.join('\n')}\n`);
    const labels = rowLabels.slice(0, 12).map((ls) => classes.map((c) => (ls.includes(c) ? 1 : 0)));
    return { file, classes, baseTemperature: loaded.manifest.operatingPoint.temperature, validation: { probs: probs.slice(0, 12), labels } };
  } finally {
    loaded.model.dispose();
  }
}

/**
 * A copy of a labels CSV (file,label,split) in which only the first `keep` validation positives
 * of `className` stay positive: a class too thin for the default validation minimum, the case a
 * small site meets and the minimum-examples override is for. Written to `file`, returned.
 */
export async function thinnedLabelsCsv(from: string, className: string, keep: number, file: string): Promise<string> {
  let kept = 0;
  const lines = (await readFile(from, 'utf8')).split('\n').map((line, i) => {
    if (i === 0 || !line.endsWith(',val')) return line;
    const [record, label] = line.split(',');
    const classes = (label ?? '-').split('|').filter((c) => c !== '-');
    if (!classes.includes(className) || ++kept <= keep) return line;
    const rest = classes.filter((c) => c !== className);
    return `${record},${rest.length ? rest.join('|') : '-'},val`;
  });
  await writeFile(file, lines.join('\n'));
  return file;
}
