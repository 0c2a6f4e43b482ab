import type { RecordDetail } from '../contract/schemas';
import type { StoredCorrection } from '../contract/measurement-schemas';
import type { RecordMeasurements } from '../contract/viewer-schemas';
import type { ErrorInfo } from '../errors';
import type { DecodeOptions, DecodeOutcome } from '../formats/index';

/** One file of a record for a decode worker: a path it reads itself, or bytes already in memory. */
export interface WorkerFile {
  readonly name: string;
  readonly path?: string;
  readonly bytes?: Uint8Array;
}

export interface DecodeJob {
  readonly kind: 'decode';
  readonly id: number;
  readonly files: readonly WorkerFile[];
  readonly options: DecodeOptions;
}

/** Measure a stored record (beats, intervals, statements): bounded in time like a decode. */
export interface MeasureJob {
  readonly kind: 'measure';
  readonly id: number;
  readonly record: RecordDetail;
  /** The reader's current boundary correction of the record, if any. */
  readonly correction?: StoredCorrection | undefined;
}

export type WorkerJob = DecodeJob | MeasureJob;

export type DecodeReply =
  | { readonly id: number; readonly outcomes: DecodeOutcome[] }
  | { readonly id: number; readonly measurements: RecordMeasurements }
  | { readonly id: number; readonly error: ErrorInfo };
