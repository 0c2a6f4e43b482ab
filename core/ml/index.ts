/**
 * core/ml: compute backends, the model zoo, losses, optimiser and metrics (core/ml/metrics).
 * Call initBackend() once at engine start, before building or loading any model.
 */
export { initBackend, backendReport, backendNames, backendNameSchema, backendFromSetting, backendSettingName } from './backend/init';
export type { BackendName, BackendAttempt, BackendReport } from './backend/init';
export { registerWasmTrainingKernels, wasmTrainingKernels } from './backend/wasm-kernels';
export {
  architectureNames,
  architectureInfo,
  buildModel,
  buildOptionsSchema,
  countTrainableParams,
  listArchitectures,
} from './models/registry';
export type { ArchitectureInfo, ArchitectureName, BuildOptions } from './models/registry';
export { bceWithLogitsLoss, lossNames, makeLoss, sigmoidFocalLoss } from './loss/losses';
export type { LossName } from './loss/losses';
export { AdamW } from './optim/adamw';
export type { AdamWConfig } from './optim/adamw';
