import type { PeItems } from '../clinic/pe-scores/items';
import type { PeScoreId } from '../clinic/pe-scores/points';
import { counted } from '../contract/counted';

/** Dataset splits. `test` is locked: training, selection, tuning and search never read it. */
export const splitNames = ['train', 'val', 'test'] as const;
export type Split = (typeof splitNames)[number];

/** One labelled recording of a dataset. */
export interface DatasetItem {
  /** Stable identifier (PTB-XL ecg_id, CPSC recording name, relative file path …). */
  readonly id: string;
  /** Absolute paths of every file the record needs (a WFDB header and its signal files). */
  readonly files: readonly string[];
  /** Multi-hot targets in the dataset's class order. */
  readonly labels: readonly number[];
  readonly patientId?: string;
  /** Sex and age when the dataset lists them (PTB-XL), for subgroup evaluation. */
  readonly demographics?: Demographics;
  /** Clinical pre-test scores for PE when the labels CSV carries them (hospital datasets). */
  readonly peScores?: PeRecordScores;
  readonly split: Split;
  /** The dataset's own fold (PTB-XL strat_fold, CPSC/CinC stratified fold), for cross-validation. */
  readonly fold?: number;
}

/** A score's value on one record: a points total or a decision (1 imaging, 0 excluded), and whether it was computed from items or given as a total. */
export interface PeScoreValue {
  readonly value: number;
  readonly provenance: 'items' | 'total';
}

/** A record's PE score items and the value of every score they (or a given total) define. */
export interface PeRecordScores {
  readonly items: PeItems;
  readonly values: Partial<Record<PeScoreId, PeScoreValue>>;
  /** Where the site says the scores came from (the CSV's pe_scores_source). */
  readonly source?: string;
}

export interface Demographics {
  readonly sex?: 'M' | 'F';
  readonly ageYears?: number;
}

/** An indexed dataset: class names and items, each already assigned to a split. */
export interface Dataset {
  readonly name: string;
  readonly root: string;
  readonly classes: readonly string[];
  readonly items: readonly DatasetItem[];
  /** Records left out while indexing, with why (e.g. no diagnostic superclass). */
  readonly dropped: readonly { readonly id: string; readonly reason: string }[];
  /**
   * Set on one cross-validation fold's view of a dataset (core/train/cv.ts `foldDataset`): its
   * `test` rows are that fold's held-out rows, not a locked test split, and its package says so.
   */
  readonly cvFold?: CvFold;
}

/** Which fold of a K-fold cross-validation, and the seed that dealt the folds where one did. */
export interface CvFold {
  readonly k: number;
  readonly fold: number;
  readonly seed?: number;
}

/** A left-out list as the contract carries it: the count, and the first `shown` named with why. */
export function leftOutSummary(entries: readonly { readonly id: string; readonly reason: string }[], shown = 5): { count: number; examples: { id: string; reason: string }[] } {
  return { count: entries.length, examples: entries.slice(0, shown).map(({ id, reason }) => ({ id, reason })) };
}

/** Records the index left out, said in one line for a progress log: "2 listed records left out: a.hea (file not found), …". */
export function leftOutText(entries: readonly { readonly id: string; readonly reason: string }[], shown = 5): string | undefined {
  if (entries.length === 0) return undefined;
  const { count, examples } = leftOutSummary(entries, shown);
  const more = count > examples.length ? `, and ${count - examples.length} more` : '';
  return `${counted(count, 'listed record')} left out: ${examples.map((e) => `${e.id} (${e.reason})`).join(', ')}${more}`;
}

/** Items of one split. */
export function itemsOf(dataset: Dataset, split: Split): DatasetItem[] {
  return dataset.items.filter((item) => item.split === split);
}

/** Per-class positive counts of a list of items, in class order. */
export function classCounts(items: readonly DatasetItem[], classCount: number): number[] {
  const counts = new Array<number>(classCount).fill(0);
  for (const item of items) item.labels.forEach((v, j) => (counts[j] = (counts[j] as number) + v));
  return counts;
}
