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

/**
 * The dataset as a request carries it: paths trimmed, the labels CSV only for a csv dataset. For a
 * one-output model (`modelClasses` of one) a hospital CSV's 0/1 label is that model's class: the
 * loader would otherwise call it "positive", and no output of the model would match it.
 */
export function datasetSpecOf(form: DatasetForm, modelClasses: readonly string[] = []): Pick<DatasetSpec, 'kind' | 'root' | 'labels' | 'positiveClass'> {
  if (form.kind !== 'csv') return { kind: form.kind, root: form.root.trim() };
  const [only] = modelClasses;
  return { kind: form.kind, root: form.root.trim(), labels: form.labels.trim(), ...(modelClasses.length === 1 && only ? { positiveClass: only } : {}) };
}
