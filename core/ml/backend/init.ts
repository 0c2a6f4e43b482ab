import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { EinthovenError } from '../../errors';
import { registerWasmTrainingKernels } from './wasm-kernels';

/** Compute backends in the order the engine prefers them. */
export const backendNames = ['tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof backendNames)[number];
export const backendNameSchema = z.enum(backendNames);

/** One backend the engine tried at start, and why it was or was not taken. */
export interface BackendAttempt {
  name: BackendName;
  ok: boolean;
  /** Which package provided it (tensorflow: tfjs-node-gpu or tfjs-node). */
  detail?: string;
  error?: string;
}

export interface BackendReport {
  active: BackendName;
  /** tf.getBackend() after selection: 'tensorflow', 'wasm' or 'cpu'. */
  tfBackend: string;
  tried: BackendAttempt[];
}

let current: BackendReport | undefined;

/** The report of the last successful initBackend, if any. */
export function backendReport(): BackendReport | undefined {
  return current;
}

/**
 * Chooses the compute backend: with `force`, only that one (E_UNSUPPORTED if it cannot
 * start); otherwise tensorflow (native, optional install), then wasm (SIMD, with our
 * training kernels), then cpu. Safe to call again: re-selects.
 */
export async function initBackend(options: { force?: BackendName } = {}): Promise<BackendReport> {
  const candidates = options.force ? [options.force] : backendNames;
  const tried: BackendAttempt[] = [];
  for (const name of candidates) {
    const attempt = await tryBackend(name);
    tried.push(attempt);
    if (attempt.ok) {
      current = { active: name, tfBackend: tf.getBackend(), tried };
      return current;
    }
  }
  const reasons = tried.map((t) => `${t.name}: ${t.error ?? 'failed'}`).join('; ');
  throw new EinthovenError('E_UNSUPPORTED', `no compute backend could start (${reasons})`);
}

async function tryBackend(name: BackendName): Promise<BackendAttempt> {
  try {
    if (name === 'tensorflow') return await tryNative();
    if (name === 'wasm') {
      await import('@tensorflow/tfjs-backend-wasm');
      registerWasmTrainingKernels();
    }
    const ok = await tf.setBackend(name);
    await tf.ready();
    if (!ok || tf.getBackend() !== name) return { name, ok: false, error: `tf.setBackend('${name}') failed` };
    return { name, ok: true };
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
