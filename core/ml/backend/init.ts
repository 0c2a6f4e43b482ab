import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { EinthovenError } from '../../errors';
import { registerWasmTrainingKernels } from './wasm-kernels';
import type { GpuAdapterReport } from './webgpu-adapter';
import { startWebgpu } from './webgpu-backend';

export type { GpuAdapterReport } from './webgpu-adapter';

/**
 * Compute backends in the order the engine prefers them. webgpu is taken by preference only
 * on a hardware adapter; a software one (llvmpipe, SwiftShader) only when forced.
 */
export const backendNames = ['tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendName = (typeof backendNames)[number];
export const backendNameSchema = z.enum(backendNames);

/** One backend the engine tried at start, and why it was or was not taken. */
export interface BackendAttempt {
  name: BackendName;
  ok: boolean;
  /** Which package provided it (tensorflow: tfjs-node-gpu or tfjs-node). */
  detail?: string;
  error?: string;
  /** webgpu: the adapter Dawn offered, whether or not it was taken. */
  adapter?: GpuAdapterReport;
  /** webgpu: what Dawn's native code said while looking for adapters (kept off stderr; shown by `ecg backend`). */
  dawnMessages?: string[];
}

export interface BackendReport {
  active: BackendName;
  /** tf.getBackend() after selection: 'tensorflow', 'wasm' or 'cpu'. */
  tfBackend: string;
  /** The backend that was forced, and by what; absent when the engine chose by preference. */
  forced?: { name: BackendName; by: 'option' | 'setting' };
  tried: BackendAttempt[];
  /** Backends not tried, and why (a preferred one started first, or another was forced). */
  notTried: { name: BackendName; reason: string }[];
  /** The GPU adapter in use, when active is webgpu. */
  adapter?: GpuAdapterReport;
}

/** The setting (environment variable) that forces a backend for the engine, the app and the CLI. */
export const backendSettingName = 'EINTHOVEN_BACKEND';

/** The backend the EINTHOVEN_BACKEND setting forces, if set; E_VALIDATION when it names none. */
export function backendFromSetting(env: NodeJS.ProcessEnv = process.env): BackendName | undefined {
  const value = env[backendSettingName]?.trim();
  if (!value) return undefined;
  const parsed = backendNameSchema.safeParse(value);
  if (!parsed.success) {
    throw new EinthovenError('E_VALIDATION', `${backendSettingName}='${value}' is not a backend (use ${backendNames.join(', ')})`);
  }
  return parsed.data;
}

let current: BackendReport | undefined;

/** The report of the last successful initBackend, if any. */
export function backendReport(): BackendReport | undefined {
  return current;
}

/**
 * Chooses the compute backend: with `force` (or the EINTHOVEN_BACKEND setting), only that one
 * (E_UNSUPPORTED if it cannot start); otherwise tensorflow (native, optional install), then
 * webgpu on a hardware GPU adapter (Dawn, optional install), then wasm (SIMD, with our training
 * kernels), then cpu — a failure to load falls through to the next. Safe to call again: re-selects.
 */
export async function initBackend(options: { force?: BackendName; env?: NodeJS.ProcessEnv } = {}): Promise<BackendReport> {
  const setting = options.force ? undefined : backendFromSetting(options.env);
  const forced = options.force ? { name: options.force, by: 'option' as const } : setting ? { name: setting, by: 'setting' as const } : undefined;
  const candidates = forced ? [forced.name] : backendNames;
  const tried: BackendAttempt[] = [];
  for (const name of candidates) {
    const attempt = await tryBackend(name, forced !== undefined);
    tried.push(attempt);
    if (attempt.ok) {
      const notTried = backendNames
        .filter((other) => !tried.some((t) => t.name === other))
        .map((other) => ({ name: other, reason: forced ? `${name} was forced by ${forced.by === 'option' ? '--backend' : backendSettingName}` : `${name} is preferred and started` }));
      current = { active: name, tfBackend: tf.getBackend(), ...(forced ? { forced } : {}), tried, notTried, ...(attempt.adapter && name === 'webgpu' ? { adapter: attempt.adapter } : {}) };
      return current;
    }
  }
  const reasons = tried.map((t) => `${t.name}: ${t.error ?? 'failed'}`).join('; ');
  throw new EinthovenError('E_UNSUPPORTED', `no compute backend could start (${reasons})`);
}

async function tryBackend(name: BackendName, forced: boolean): Promise<BackendAttempt> {
  try {
    if (name === 'tensorflow') return await tryNative();
    if (name === 'webgpu') return { name, ...(await startWebgpu(forced)) };
    if (name === 'wasm') {
      await import('@tensorflow/tfjs-backend-wasm');
      registerWasmTrainingKernels();
    }
    const ok = await tf.setBackend(name);
    await tf.ready();
    if (!ok || tf.getBackend() !== name) return { name, ok: false, error: `tf.setBackend('${name}') failed` };
    if (name !== 'wasm') return { name, ok: true, detail: 'pure JavaScript (slow: for tests and as a last resort)' };
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    return { name, ok: true, detail: `${simd ? 'SIMD' : 'no SIMD'}, 1 thread, training kernels registered` };
  } catch (error) {
    return { name, ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** Loads tfjs-node-gpu, else tfjs-node; both are optional installs. */
async function tryNative(): Promise<BackendAttempt> {
  const errors: string[] = [];
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      await importOptional(pkg);
      const ok = await tf.setBackend('tensorflow');
      if (ok && tf.getBackend() === 'tensorflow') return { name: 'tensorflow', ok: true, detail: pkg };
      errors.push(`${pkg}: loaded but the 'tensorflow' backend did not start`);
    } catch (error) {
      errors.push(`${pkg}: ${firstLine(error)}`);
    }
  }
  return { name: 'tensorflow', ok: false, error: errors.join('; ') };
}

/** A specifier held in a variable, so that TypeScript and bundlers do not resolve it. */
async function importOptional(specifier: string): Promise<unknown> {
  return import(/* @vite-ignore */ specifier);
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? text;
}
