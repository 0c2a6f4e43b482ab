import type { RequestOf } from '../../../../core/contract/channels';
import { isAbsoluteEnginePath } from '../../../../core/contract/training-schemas';

/** A dataset as every training-side request carries it. */
type DatasetSpec = RequestOf<'models:evaluate'>['dataset'];

/** Where a site's labelled records are, as a form types it: a hospital labels CSV, or PTB-XL, CPSC 2018 or CinC in their own layout. */
export interface DatasetForm {
  kind: DatasetSpec['kind'];
  root: string;
  /** csv datasets: the labels CSV. */
  labels: string;
}

/** What keeps the typed dataset from being sent, in words; null when it may be. */
export function datasetFormProblem(form: DatasetForm): string | null {
  if (!isAbsoluteEnginePath(form.root)) return 'give the data folder as an absolute path on the computer running the engine';
  if (form.kind === 'csv' && !isAbsoluteEnginePath(form.labels)) return 'a labels CSV (absolute path) is needed for a hospital dataset';
  return null;
}

/** The dataset as a request carries it: paths trimmed, the labels CSV only for a csv dataset. */
export function datasetSpecOf(form: DatasetForm): Pick<DatasetSpec, 'kind' | 'root' | 'labels'> {
  return { kind: form.kind, root: form.root.trim(), ...(form.kind === 'csv' ? { labels: form.labels.trim() } : {}) };
}
