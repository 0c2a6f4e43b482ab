import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Seconds each slow unit-test file's tests took in a fresh clone's `npm test` on CI's 2-core
 * machine (vitest's per-file figure, imports not included), largest first. vitest runs the files
 * it has timed before longest first, but a fresh clone has no timings: it then starts the largest
 * files by bytes, and the webgpu parity suites (a few hundred bytes each, 90 s and 36 s) came
 * last, one core running them alone for the last minute and a half. Rounded; refresh the figures
 * when a file's time changes much (scripts/test-order.test.ts checks that each file still exists);
 * last refreshed from a fresh clone's run on 2026-12-06.
 */
export const measuredSeconds: Readonly<Record<string, number>> = {
  'core/interop/pytorch-roundtrip.test.ts': 69,
  'core/ml/backend/webgpu-parity-cnn.test.ts': 30,
  'core/ml/onnx/onnx.test.ts': 29,
  'core/cli/commands/protocol-cli.test.ts': 28,
  'scripts/train/starter-presets.test.ts': 25,
  'core/interop/ddp.test.ts': 24,
  'core/cli/commands/train-cli.test.ts': 24,
  'core/ml/backend/webgpu-training.test.ts': 22,
  'core/cli/commands/interrupt.test.ts': 22,
  'core/ml/models/training.test.ts': 20,
  'core/train/service/service.test.ts': 18,
  'core/engine/crash-safety.test.ts': 18,
  'electron/engine-client.test.ts': 16,
  'core/ml/backend/webgpu-parity-seq.test.ts': 15,
  'core/ml/backend/wasm-kernels.test.ts': 15,
  'core/storage/backup.test.ts': 13,
  'core/parallel/data-parallel.test.ts': 13,
  'core/train/pe/pe.test.ts': 12,
  'core/parallel/record-files.test.ts': 12,
  'core/ml/backend/webgpu-dispatch.test.ts': 11,
  'core/engine/fiducial-channels.test.ts': 11,
  'core/formats/fuzz.test.ts': 10,
  'electron/browser-mode/unreadable-policy.test.ts': 9,
  'electron/browser-mode/policy-data-dir.test.ts': 9,
  'core/cli/npm-caller.test.ts': 9,
  'core/train/jobs/closing-scope.test.ts': 8,
  'core/cli/data-folder.test.ts': 8,
  'core/cli/commands/convert.test.ts': 8,
  'core/engine/record-removal.test.ts': 7,
  'core/engine/import.test.ts': 7,
  'core/engine/import-engine.test.ts': 7,
  'core/db/audit-verify-thread.test.ts': 7,
  'core/train/memory-estimate.test.ts': 6,
  'core/train/loop.test.ts': 6,
  'core/parallel/prediction-pool.test.ts': 6,
  'core/ml/models/serialise.test.ts': 6,
  'core/ml/models/registry.test.ts': 6,
  'core/ml/backend/webgpu-kernels.test.ts': 6,
  'core/engine/viewer-channels.test.ts': 6,
  'core/engine/readings-dataset.test.ts': 6,
  'core/engine/engine.test.ts': 6,
  'core/db/read-only.test.ts': 6,
  'core/cli/commands/record.test.ts': 6,
  'core/cli/commands/operating-point.test.ts': 6,
  'electron/browser-mode/server.test.ts': 5,
  'core/train/rate-copies.test.ts': 5,
  'core/train/duplicates.test.ts': 5,
  'core/signal/statements.test.ts': 5,
  'core/parallel/inference.test.ts': 5,
  'core/ml/models/init.test.ts': 5,
  'core/ml/backend/webgpu-rnn.test.ts': 5,
  'core/ml/backend/webgpu-batch-norm.test.ts': 5,
  'core/engine/prediction-channels.test.ts': 5,
  'core/cli/commands/models-backend.test.ts': 5,
  'core/cli/closed-output.test.ts': 5,
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
