import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { backendFromSetting, backendReport, initBackend } from './init';

/** Whether an optional native package is installed here (it is not on the development machines). */
async function installed(pkg: string): Promise<boolean> {
  try {
    await import(/* @vite-ignore */ pkg);
    return true;
  } catch {
    return false;
  }
}

describe('compute backend selection', () => {
  afterAll(async () => {
    await initBackend({ force: 'wasm' });
  });

  it('prefers tensorflow, falls through a failed load to wasm, and says why', async () => {
    const report = await initBackend({ env: {} });
    expect(report.forced).toBeUndefined();
    if (await installed('@tensorflow/tfjs-node')) {
      expect(report.active).toBe('tensorflow');
      return;
    }
    if (report.active === 'webgpu') {
      // A machine with a hardware GPU adapter: webgpu is taken before wasm.
      expect(report.adapter?.hardware).toBe(true);
      return;
    }
    expect(report.tried.map((t) => t.name)).toEqual(['tensorflow', 'webgpu', 'wasm']);
    expect(report.tried[0]).toMatchObject({ ok: false });
    expect(report.tried[0]!.error).toMatch(/tfjs-node-gpu.*tfjs-node/);
    // No GPU here: no adapter, or only a software one, which is never taken unless forced.
    expect(report.tried[1]).toMatchObject({ ok: false });
    expect(report.tried[1]!.error).toMatch(/only a software adapter|no WebGPU adapter|not installed/);
    if (report.tried[1]!.adapter) expect(report.tried[1]!.adapter.hardware).toBe(false);
    expect(report).toMatchObject({ active: 'wasm', tfBackend: 'wasm' });
    expect(report.tried[2]!.detail).toMatch(/SIMD/);
    expect(report.notTried).toEqual([{ name: 'cpu', reason: 'wasm is preferred and started' }]);
    expect(tf.getBackend()).toBe('wasm');
    expect(backendReport()).toEqual(report);
  });

  it('the EINTHOVEN_BACKEND setting forces one, and a bad value is a clear error', async () => {
    const report = await initBackend({ env: { EINTHOVEN_BACKEND: 'cpu' } });
    expect(report).toMatchObject({ active: 'cpu', forced: { name: 'cpu', by: 'setting' } });
    expect(report.tried.map((t) => t.name)).toEqual(['cpu']);
    expect(report.notTried.map((n) => n.reason)).toEqual(Array(3).fill('cpu was forced by EINTHOVEN_BACKEND'));
    expect(tf.getBackend()).toBe('cpu');
    expect(() => backendFromSetting({ EINTHOVEN_BACKEND: 'gpu' })).toThrow(/EINTHOVEN_BACKEND='gpu' is not a backend/);
    expect(backendFromSetting({ EINTHOVEN_BACKEND: ' ' })).toBeUndefined();
    // An explicit option wins over the setting.
    expect(await initBackend({ force: 'wasm', env: { EINTHOVEN_BACKEND: 'cpu' } })).toMatchObject({ active: 'wasm', forced: { by: 'option' } });
  });

  it('forcing a backend that cannot start fails with E_UNSUPPORTED naming the reason', async () => {
    if (await installed('@tensorflow/tfjs-node')) return;
    await expect(initBackend({ force: 'tensorflow' })).rejects.toMatchObject({ code: 'E_UNSUPPORTED', message: expect.stringMatching(/tensorflow: .*tfjs-node/) });
  });
});
