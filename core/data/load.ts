import { EinthovenError } from '../errors';
import { loadCinc, readSnomedMapping } from './cinc';
import { loadCpsc } from './cpsc';
import { loadHospital } from './hospital';
import { loadPtbxl, type PtbxlTask } from './ptbxl';
import type { Dataset } from './types';

export const datasetKinds = ['ptbxl', 'cpsc', 'cinc', 'csv'] as const;
export type DatasetKind = (typeof datasetKinds)[number];

/** Everything needed to index a dataset; what the CLI flags and the UI's job requests carry. */
export interface DatasetSpec {
  readonly kind: DatasetKind;
  readonly root: string;
  readonly task?: PtbxlTask;
  readonly fs?: 100 | 500;
  readonly keepUnlabeled?: boolean;
  /** csv: the labels CSV; cinc: an optional SNOMED mapping CSV. */
  readonly labels?: string;
  readonly testLabels?: string;
  readonly mapping?: string;
  readonly positiveClass?: string;
  readonly seed?: number;
  /**
   * One cross-validation fold's view of the dataset (core/train/cv.ts): its records split into
   * train / validation / test by fold instead of the dataset's own split.
   */
  readonly cvFold?: {
    readonly k: number;
    readonly fold: number;
    readonly seed?: number;
    /** Rows holding one recording, by id, kept in one fold (found by hashing the records before the first fold). */
    readonly copies?: readonly (readonly string[])[];
  };
}

/** Indexes a dataset of any supported kind. */
export async function loadDataset(spec: DatasetSpec): Promise<Dataset> {
  switch (spec.kind) {
    case 'ptbxl':
      return loadPtbxl(spec.root, { ...(spec.task ? { task: spec.task } : {}), ...(spec.fs ? { fs: spec.fs } : {}), keepUnlabeled: spec.keepUnlabeled ?? false });
    case 'cpsc':
      return loadCpsc(spec.root, spec.seed === undefined ? {} : { seed: spec.seed });
    case 'cinc':
      return loadCinc(spec.root, { ...(spec.mapping ? { mapping: await readSnomedMapping(spec.mapping) } : {}), keepUnlabeled: spec.keepUnlabeled ?? false });
    case 'csv':
      if (!spec.labels) throw new EinthovenError('E_VALIDATION', 'a csv dataset needs a labels CSV (--labels)');
      return loadHospital(spec.root, {
        labels: spec.labels,
        ...(spec.testLabels ? { testLabels: spec.testLabels } : {}),
        ...(spec.positiveClass ? { positiveClass: spec.positiveClass } : {}),
        ...(spec.seed === undefined ? {} : { seed: spec.seed }),
      });
  }
}
