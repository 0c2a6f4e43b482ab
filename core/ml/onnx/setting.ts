/**
 * The setting that keeps onnxruntime out (`off`: tfjs runs every forward pass and every kernel,
 * for comparisons and as a way round a faulty install) or requires it (`on`: an error where
 * onnxruntime-node cannot load, instead of falling back to tfjs).
 */
export const onnxSettingName = 'EINTHOVEN_ONNXRUNTIME';

/** Why onnxruntime is not to be used here by setting, or undefined when it may be. */
export function onnxDisabledReason(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env[onnxSettingName]?.trim() === 'off' ? `${onnxSettingName}=off` : undefined;
}

/** Whether a missing onnxruntime-node is an error here. */
export function onnxRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[onnxSettingName]?.trim() === 'on';
}
