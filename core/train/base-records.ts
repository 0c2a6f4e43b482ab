import type { ModelManifest } from './package/manifest';
import type { BaseRecordFilter, RecordFilter } from './record-filter';

/**
 * A model's training-record filters: its own, and those of every package whose weights its own
 * started from (nearest first). The network learned all of their records, so a record any of them
 * holds is one the model has seen.
 */
export interface ModelRecords {
  readonly own: RecordFilter | undefined;
  readonly bases: readonly BaseRecordFilter[];
}

/** Fine-tuning modes that start from the base's weights ('scratch' starts from random ones). */
const inheritsWeights = (mode: unknown): boolean => mode === 'head' || mode === 'full';

type Recorded = Pick<ModelManifest, 'id' | 'name' | 'provenance' | 'hyperParameters'>;

/**
 * The bases of a package written before packages kept theirs (provenance.baseTrainingRecords):
 * a head or full fine-tuning's base, or, for an operating-point or fusion package of such a
 * fine-tuning (whose weights, and so hyper-parameters, are the fine-tuning's), the base of that
 * fine-tuning, which it does not name. Their training records are unknown (`records` null).
 */
function basesNotKept(manifest: Recorded): BaseRecordFilter[] {
  const { base } = manifest.provenance;
  if (!base) return [];
  if (inheritsWeights(base.mode)) return [{ id: base.id, name: base.name, records: null }];
  const derived = base.mode === 'operating-point' || base.mode === 'fusion';
  return derived && inheritsWeights(manifest.hyperParameters.finetuneMode) ? [{ id: base.id, name: `${base.name}'s base`, records: null }] : [];
}

/** A package's own training-record filter and its bases': as it keeps them, or, written before it kept its bases', unknown for them. */
export function trainingRecordsOf(manifest: Recorded): ModelRecords {
  const { provenance } = manifest;
  return { own: provenance.trainingRecords, bases: provenance.baseTrainingRecords ?? basesNotKept(manifest) };
}

/**
 * What a package whose weights start from `base` keeps as its bases' filters: the base's own
 * (null where it kept none), then the base's bases.
 */
export function baseTrainingRecordsFrom(base: Recorded): BaseRecordFilter[] {
  const { own, bases } = trainingRecordsOf(base);
  return [{ id: base.id, name: base.name, records: own ?? null }, ...bases];
}
