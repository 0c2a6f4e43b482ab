import * as tf from '@tensorflow/tfjs';
import { EinthovenError } from '../../errors';
import { probeAdapters, type DawnDevice, type FoundAdapter, type GpuAdapterReport } from './webgpu-adapter';
import { registerWebgpuKernels } from './webgpu-kernels';
import { probeAdaptersQuietly } from './webgpu-quiet-probe';

/**
 * Starts tfjs's webgpu backend (@tensorflow/tfjs-backend-webgpu) on a Dawn adapter in Node or
 * Electron's engine process. A software adapter is taken only when the caller says so (a forced
 * backend): llvmpipe and SwiftShader compute correctly but slower than wasm on the same CPU.
 */

export interface WebgpuStart {
  ok: boolean;
  detail?: string;
  error?: string;
  /** The adapter found, whether or not it was taken. */
  adapter?: GpuAdapterReport;
  /** What Dawn's native code wrote while the adapters were looked for, kept from the user's stderr (webgpu-quiet-probe.ts). */
  dawnMessages?: string[];
}

/** Why the current device was lost, once it is (driver reset, GPU removed, out of memory). */
let lostReason: string | undefined;
let lostSignal: Promise<string> | undefined;

/** The reason the webgpu device was lost, if it was; undefined while it works (or on other backends). */
export function webgpuDeviceLost(): string | undefined {
  return tf.getBackend() === 'webgpu' ? lostReason : undefined;
}

/** Resolves with the loss reason when the webgpu device is lost; undefined when no device was started. */
export function webgpuLostSignal(): Promise<string> | undefined {
  return lostSignal;
}

/** The device limits of the running webgpu backend (for micro-batch planning); undefined elsewhere. */
let activeReport: GpuAdapterReport | undefined;
export function activeWebgpuAdapter(): GpuAdapterReport | undefined {
  return tf.getBackend() === 'webgpu' ? activeReport : undefined;
}

/** What the tfjs webgpu backend needs of `navigator.gpu`: adapters requested with our options. */
function installNavigatorGpu(found: FoundAdapter): void {
  for (const [name, value] of Object.entries(found.globals)) {
    if (!(name in globalThis)) Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
  }
  const gpu = {
    requestAdapter: (options?: Record<string, unknown>) => found.gpu.requestAdapter({ ...options, ...found.requestOptions }),
    getPreferredCanvasFormat: () => 'rgba8unorm',
    wgslLanguageFeatures: new Set<string>(),
  };
  const holder = globalThis as { navigator?: object };
  // Node 21+ and Electron define a read-only navigator: add gpu to it rather than replace it.
  if (holder.navigator) Object.defineProperty(holder.navigator, 'gpu', { value: gpu, configurable: true, writable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
}

/** The device descriptor tfjs-backend-webgpu itself asks for: the adapter's full limits. */
function deviceDescriptor(adapter: FoundAdapter['adapter']): Record<string, unknown> {
  const l = adapter.limits;
  return {
    requiredFeatures: adapter.features.has('timestamp-query') ? ['timestamp-query'] : [],
    requiredLimits: {
      maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      maxBufferSize: l.maxBufferSize,
      maxComputeWorkgroupSizeX: (l as unknown as Record<string, number>)['maxComputeWorkgroupSizeX'],
      maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
    },
  };
}

function watchDevice(device: DawnDevice): void {
  lostReason = undefined;
  // A validation or out-of-memory error invalidates a whole command buffer: the kernels in it
  // silently leave zeros. A job must not train on that, so the first such error ends it.
  device.addEventListener('uncapturederror', (event) => {
    const first = (event.error?.message ?? 'unknown error').split('\n')[0];
    lostReason ??= `the GPU reported an error (${first})`;
  });
  lostSignal = device.lost.then((info) => {
    // 'destroyed' is our own dispose at exit or on a backend switch, not a failure.
    if (info.reason === 'destroyed' && tf.getBackend() !== 'webgpu') return new Promise<string>(() => undefined);
    lostReason = `the GPU device was lost (${info.reason ?? 'unknown'}${info.message ? `: ${info.message}` : ''})`;
    return lostReason;
  });
}

/**
 * Registers (or re-registers) the 'webgpu' tfjs backend on the found adapter. Registered at the
 * lowest priority so tfjs never picks it by itself: the engine chooses backends explicitly.
 */
async function registerBackend(found: FoundAdapter): Promise<void> {
  installNavigatorGpu(found);
  // Imported only now: the module registers its own factory at import when navigator.gpu exists,
  // and its kernels read GPUBufferUsage & co. from globalThis.
  const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
  tf.registerBackend(
    'webgpu',
    async () => {
      const adapter = await found.gpu.requestAdapter(found.requestOptions);
      if (!adapter) throw new Error(`the ${found.report.dawnBackend} adapter '${found.report.description}' is no longer available`);
      const device = await adapter.requestDevice(deviceDescriptor(adapter));
      watchDevice(device);
      return new WebGPUBackend(device as unknown as ConstructorParameters<typeof WebGPUBackend>[0], adapter.info as unknown as ConstructorParameters<typeof WebGPUBackend>[1]);
    },
    0,
  );
  registerWebgpuKernels();
}

function describe(report: GpuAdapterReport): string {
  const who = [report.vendor, report.architecture].filter(Boolean).join(' ');
  return `${report.description}${who ? ` (${who})` : ''}, Dawn ${report.dawnBackend}${report.featureLevel === 'compatibility' ? ' compatibility mode' : ''}, ${report.hardware ? 'hardware' : 'software'}`;
}

/**
 * Whether the engine looks for an adapter in a child process before loading Dawn here: under
 * plain Node (the CLI, scripts, tests), whose stderr is the user's terminal. In the app the
 * engine's stderr goes to its log, and Dawn is unpacked from the app's archive for this process.
 */
function quietProbeApplies(): boolean {
  return process.versions.electron === undefined;
}

/**
 * Without a usable (hardware) adapter, the answer, given without loading Dawn in this process;
 * undefined when there is one, which the engine then takes in this process.
 */
async function quietAnswer(): Promise<WebgpuStart | undefined> {
  let probe;
  try {
    probe = await probeAdaptersQuietly();
  } catch (error) {
    return dawnNotLoaded(error);
  }
  if (probe.adapters.some((a) => a.hardware)) return undefined;
  const said = probe.dawnMessages.length > 0 ? { dawnMessages: probe.dawnMessages } : {};
  const software = probe.adapters[0];
  if (!software) return { ok: false, error: `no WebGPU adapter (${probe.notes.join('; ')})`, ...said };
  return { ok: false, adapter: software, error: softwareOnlyText(software), ...said };
}

/** The answer where Dawn itself could not be loaded, in this process or in the probe's child. */
function dawnNotLoaded(error: unknown): WebgpuStart {
  const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return { ok: false, error: `the optional 'webgpu' package (Dawn) is not installed or does not load here: ${why}` };
}

function softwareOnlyText(adapter: GpuAdapterReport): string {
  return `only a software adapter: ${adapter.description} — ${adapter.softwareReason ?? 'software'}; slower than wasm, so used only when forced (EINTHOVEN_BACKEND=webgpu)`;
}

/**
 * Tries the webgpu backend; `allowSoftware` when the user forced it. Unforced, the adapters are
 * first looked for in a child process (quietAnswer), so that a machine without a GPU never
 * loads Dawn here, whose native warnings would reach the user's stderr on every command.
 */
export async function startWebgpu(allowSoftware: boolean): Promise<WebgpuStart> {
  if (!allowSoftware && quietProbeApplies()) {
    const answer = await quietAnswer();
    if (answer) return answer;
  }
  let probe;
  try {
    probe = await probeAdapters();
  } catch (error) {
    return dawnNotLoaded(error);
  }
  const found = probe.found;
  if (!found) return { ok: false, error: `no WebGPU adapter (${probe.notes.join('; ')})` };
  const adapter = found.report;
  if (!adapter.hardware && !allowSoftware) {
    return { ok: false, adapter, error: softwareOnlyText(adapter) };
  }
  try {
    await registerBackend(found);
    const ok = await tf.setBackend('webgpu');
    await tf.ready();
    if (!ok || tf.getBackend() !== 'webgpu') return { ok: false, adapter, error: "tf.setBackend('webgpu') failed" };
    activeReport = adapter;
    return { ok: true, adapter, detail: describe(adapter) };
  } catch (error) {
    return { ok: false, adapter, error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Throws E_DEVICE if the webgpu device was lost. Long jobs call it between steps; reads race
 * against the loss (readTensor) so that nothing waits forever on a device that is gone.
 */
export function assertDeviceAlive(): void {
  const reason = webgpuDeviceLost();
  if (reason) throw deviceLostError(reason);
}

/** The typed error a job ends with when its GPU is gone. */
export function deviceLostError(reason: string): EinthovenError {
  return new EinthovenError('E_DEVICE', `${reason}; the job stopped — its last checkpoint can be resumed once the GPU works again (or on another backend)`);
}
