import os from 'node:os';

/**
 * The GPU adapters Dawn (the optional npm `webgpu` package, dawn.node) offers this process, and
 * which of them the engine may use. Nothing here creates a device: probing is cheap and leaves no
 * GPU state behind, so the engine can look for a GPU at every start and still fall back to wasm.
 * Types are structural (the few members we read) so that core/ needs neither DOM types nor the
 * optional package to type-check.
 */

/** The limits that decide what fits on the device (bytes, invocations). */
export interface GpuLimits {
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
  maxComputeWorkgroupStorageSize: number;
  maxComputeInvocationsPerWorkgroup: number;
  maxComputeWorkgroupsPerDimension: number;
}

export interface GpuAdapterReport {
  /** What the driver calls the adapter, e.g. "NVIDIA H200" or "llvmpipe … OpenGL ES 3.2 Mesa 22.3.6". */
  description: string;
  vendor: string;
  architecture: string;
  device: string;
  /** The Dawn backend that drives it. */
  dawnBackend: DawnBackend;
  /** 'compatibility' (a WebGPU subset) is what Dawn's OpenGL ES backend offers. */
  featureLevel: 'core' | 'compatibility';
  /** False for software rasterisers (llvmpipe, lavapipe, SwiftShader, WARP): correct but slower than wasm. */
  hardware: boolean;
  /** Why the adapter counts as software, when it does. */
  softwareReason?: string;
  limits: GpuLimits;
}

export type DawnBackend = 'vulkan' | 'd3d12' | 'metal' | 'opengles';

/** The members of GPUAdapter / GPUDevice the engine uses. */
export interface DawnAdapterInfo {
  readonly vendor?: string;
  readonly architecture?: string;
  readonly device?: string;
  readonly description?: string;
  readonly isFallbackAdapter?: boolean;
}
export interface DawnDevice {
  readonly lost: Promise<{ reason?: string; message?: string }>;
  destroy(): void;
  addEventListener(type: 'uncapturederror', listener: (event: { error?: { message?: string } }) => void): void;
}
export interface DawnAdapter {
  readonly info: DawnAdapterInfo;
  readonly limits: GpuLimits;
  readonly features: { has(name: string): boolean };
  readonly isFallbackAdapter?: boolean;
  requestDevice(descriptor?: unknown): Promise<DawnDevice>;
}
export interface DawnGpu {
  requestAdapter(options?: { powerPreference?: string; featureLevel?: string }): Promise<DawnAdapter | null>;
}
interface DawnModule {
  create(options: string[]): DawnGpu;
  globals: Record<string, unknown>;
}

/** A usable adapter: the Dawn instance that found it (a fresh adapter per device comes from it) and its report. */
export interface FoundAdapter {
  gpu: DawnGpu;
  /** Dawn module globals (GPUBufferUsage, GPUMapMode, …) that the tfjs webgpu backend expects on globalThis. */
  globals: Record<string, unknown>;
  adapter: DawnAdapter;
  requestOptions: { powerPreference: 'high-performance'; featureLevel: 'core' | 'compatibility' };
  report: GpuAdapterReport;
}

export interface AdapterProbe {
  /** The preferred adapter: the first hardware one, else the first software one; undefined when none. */
  found?: FoundAdapter;
  /** One line per Dawn backend tried, for the backend report ("vulkan: no adapter", …). */
  notes: string[];
}

/** Software rasterisers by the names their drivers report. */
const softwareNames = /llvmpipe|lavapipe|softpipe|swiftshader|swrast|microsoft basic render|\bwarp\b/i;

/** Why an adapter counts as software; undefined for hardware. */
export function softwareReason(info: DawnAdapterInfo, isFallbackAdapter: boolean): string | undefined {
  if (isFallbackAdapter) return 'Dawn marks it a fallback (software) adapter';
  const name = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ');
  const match = softwareNames.exec(name);
  return match ? `${match[0]} is a software rasteriser (runs on the CPU)` : undefined;
}

/** Dawn backends worth trying on this platform, best first, with the feature level each offers. */
export function dawnBackendsFor(platform: NodeJS.Platform): { backend: DawnBackend; featureLevel: 'core' | 'compatibility' }[] {
  if (platform === 'win32') return [{ backend: 'd3d12', featureLevel: 'core' }, { backend: 'vulkan', featureLevel: 'core' }];
  if (platform === 'darwin') return [{ backend: 'metal', featureLevel: 'core' }];
  // Linux: Vulkan for real GPUs; OpenGL ES (EGL) is what Mesa's software rasteriser offers
  // Dawn (Debian's lavapipe Vulkan lacks a feature Dawn requires), in WebGPU compatibility mode.
  return [{ backend: 'vulkan', featureLevel: 'core' }, { backend: 'opengles', featureLevel: 'compatibility' }];
}

/**
 * Environment the drivers need, set only where the user has not: EGL without a display
 * (surfaceless; without it eglInitialize fails on a headless machine) and a runtime directory
 * (the Vulkan loader complains on every start without one).
 */
export function applyDriverEnvironment(env: NodeJS.ProcessEnv = process.env): void {
  env['EGL_PLATFORM'] ??= 'surfaceless';
  env['XDG_RUNTIME_DIR'] ??= os.tmpdir();
}

let dawn: Promise<DawnModule> | undefined;

/** Loads dawn.node once (the optional `webgpu` package); rejects when it is not installed or does not load here. */
export function loadDawn(): Promise<DawnModule> {
  dawn ??= import(/* @vite-ignore */ 'webgpu' as string).then((m: unknown) => {
    const mod = m as Partial<DawnModule>;
    if (typeof mod.create !== 'function' || typeof mod.globals !== 'object' || mod.globals === null) {
      throw new Error("the 'webgpu' package did not export create() and globals");
    }
    return mod as DawnModule;
  });
  return dawn;
}

/** "device (driver description)", e.g. "llvmpipe-llvm-15-0-6-256-bits (OpenGL ES 3.2 Mesa 22.3.6)". */
function adapterName(info: DawnAdapterInfo): string {
  const device = (info.device ?? '').replace(/[-\s]+$/, '').trim();
  const description = (info.description ?? '').replace(/^OpenGL version\s+/, '').trim();
  if (device && description && device !== description) return `${device} (${description})`;
  return device || description || 'unnamed adapter';
}

/** An adapter's report, from the adapter itself or from what a probe in a child process read of it. */
export function reportOf(adapter: Pick<DawnAdapter, 'info' | 'limits' | 'isFallbackAdapter'>, backend: DawnBackend, featureLevel: 'core' | 'compatibility'): GpuAdapterReport {
  const info = adapter.info;
  const reason = softwareReason(info, Boolean(adapter.isFallbackAdapter ?? info.isFallbackAdapter));
  const l = adapter.limits;
  return {
    description: adapterName(info),
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    dawnBackend: backend,
    featureLevel,
    hardware: reason === undefined,
    ...(reason ? { softwareReason: reason } : {}),
    limits: {
      maxBufferSize: l.maxBufferSize,
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
    },
  };
}

let probed: Promise<AdapterProbe> | undefined;

/**
 * Asks each Dawn backend of this platform for a high-performance adapter; keeps the first hardware
 * one, else the first software one. Cached: Dawn's answer does not change within a process.
 * Rejects only when dawn.node itself cannot load.
 */
export function probeAdapters(): Promise<AdapterProbe> {
  probed ??= (async () => {
    const module = await loadDawn();
    applyDriverEnvironment();
    const notes: string[] = [];
    let software: FoundAdapter | undefined;
    for (const { backend, featureLevel } of dawnBackendsFor(process.platform)) {
      const requestOptions = { powerPreference: 'high-performance' as const, featureLevel };
      try {
        const gpu = module.create([`backend=${backend}`]);
        const adapter = await gpu.requestAdapter(requestOptions);
        if (!adapter) {
          notes.push(`${backend}: no adapter`);
          continue;
        }
        const found: FoundAdapter = { gpu, globals: module.globals, adapter, requestOptions, report: reportOf(adapter, backend, featureLevel) };
        notes.push(`${backend}: ${found.report.description} (${found.report.hardware ? 'hardware' : 'software'})`);
        if (found.report.hardware) return { found, notes };
        software ??= found;
      } catch (error) {
        notes.push(`${backend}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return { ...(software ? { found: software } : {}), notes };
  })();
  return probed;
}
