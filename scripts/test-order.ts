import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Seconds each slow unit-test file's tests took in a fresh clone's `npm test` on CI's 2-core
 * machine (vitest's per-file figure, imports not included), largest first. vitest runs the files
 * it has timed before longest first, but a fresh clone has no timings: it then starts the largest
 * files by bytes, and the webgpu parity suites (a few hundred bytes each, 90 s and 36 s) came
 * last, one core running them alone for the last minute and a half. Rounded; refresh the figures
 * when a file's time changes much (scripts/test-order.test.ts checks that each file still exists).
 */
export const measuredSeconds: Readonly<Record<string, number>> = {
  'core/interop/pytorch-roundtrip.test.ts': 142,
  'core/ml/backend/webgpu-parity-cnn.test.ts': 90,
  'core/interop/ddp.test.ts': 50,
  'core/ml/onnx/onnx.test.ts': 39,
  'core/ml/models/training.test.ts': 37,
  'core/ml/backend/webgpu-parity-seq.test.ts': 36,
  'core/cli/commands/protocol-cli.test.ts': 34,
  'core/ml/backend/wasm-kernels.test.ts': 33,
  'core/storage/backup.test.ts': 25,
  'core/engine/crash-safety.test.ts': 22,
  'core/ml/backend/webgpu-training.test.ts': 21,
  'core/cli/commands/interrupt.test.ts': 20,
  'core/cli/commands/train-cli.test.ts': 18,
  'electron/engine-client.test.ts': 17,
  'core/parallel/data-parallel.test.ts': 16,
  'core/parallel/record-files.test.ts': 13,
  'core/engine/fiducial-channels.test.ts': 13,
  'core/db/audit-verify-thread.test.ts': 12,
  'core/train/pe/pe.test.ts': 11,
  'core/ml/backend/webgpu-dispatch.test.ts': 10,
  'core/formats/fuzz.test.ts': 10,
  'core/ml/models/serialise.test.ts': 10,
  'core/cli/commands/operating-point.test.ts': 9,
  'scripts/train/starter-presets.test.ts': 9,
  'core/engine/viewer-channels.test.ts': 9,
  'core/ml/backend/webgpu-kernels.test.ts': 7,
  'core/engine/record-removal.test.ts': 7,
  'core/train/service/service.test.ts': 7,
  'core/db/read-only.test.ts': 7,
  'core/cli/commands/models-backend.test.ts': 7,
  'core/ml/models/registry.test.ts': 7,
  'core/engine/readings-dataset.test.ts': 7,
  'core/engine/import-engine.test.ts': 7,
  'core/cli/commands/record.test.ts': 6,
  'core/cli/commands/convert.test.ts': 6,
  'core/train/loop.test.ts': 6,
  'core/parallel/inference.test.ts': 6,
  'core/parallel/prediction-pool.test.ts': 5,
  'core/engine/engine.test.ts': 5,
  'electron/browser-mode/server.test.ts': 5,
  'core/train/memory-estimate.test.ts': 5,
  'core/engine/import.test.ts': 5,
  'core/engine/prediction-channels.test.ts': 5,
  'core/ml/backend/webgpu-batch-norm.test.ts': 4,
  'core/engine/record-measurements.test.ts': 4,
  'core/engine/audit-channels.test.ts': 4,
  'core/signal/statements.test.ts': 4,
};

/**
 * The files in this order: those in `measuredSeconds` first, longest first, then the rest in the
 * order given (stable), so both workers stay busy to the end instead of one waiting on a late long file.
 */
export function slowestFirst<T>(files: readonly T[], relativePathOf: (file: T) => string): T[] {
  const seconds = (file: T) => measuredSeconds[relativePathOf(file).split(path.sep).join('/')] ?? 0;
  return [...files].sort((a, b) => seconds(b) - seconds(a));
}

/** vitest's own order (failed and longest first when it has timings from an earlier run here), the slow files of `measuredSeconds` moved to the front. */
export class SlowestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return slowestFirst(await super.sort(files), (spec) => path.relative(spec.project.config.root, spec.moduleId));
  }
}
