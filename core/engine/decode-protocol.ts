import type { ErrorInfo } from '../errors';
import type { DecodeOptions, DecodeOutcome } from '../formats/index';

/** One file of a record for a decode worker: a path it reads itself, or bytes already in memory. */
export interface WorkerFile {
  readonly name: string;
  readonly path?: string;
  readonly bytes?: Uint8Array;
}

export interface DecodeJob {
  readonly id: number;
  readonly files: readonly WorkerFile[];
  readonly options: DecodeOptions;
}

export type DecodeReply = { readonly id: number; readonly outcomes: DecodeOutcome[] } | { readonly id: number; readonly error: ErrorInfo };
