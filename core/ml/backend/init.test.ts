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
    expect(report.tried.map((t) => t.name)).toEqual(['tensorflow', 'wasm']);
    expect(report.tried[0]).toMatchObject({ ok: false });
    expect(report.tried[0]!.error).toMatch(/tfjs-node-gpu.*tfjs-node/);
    expect(report).toMatchObject({ active: 'wasm', tfBackend: 'wasm' });
    expect(report.tried[1]!.detail).toMatch(/SIMD/);
    expect(tf.getBackend()).toBe('wasm');
    expect(backendReport()).toEqual(report);
  });

  it('the EINTHOVEN_BACKEND setting forces one, and a bad value is a clear error', async () => {
    const report = await initBackend({ env: { EINTHOVEN_BACKEND: 'cpu' } });
    expect(report).toMatchObject({ active: 'cpu', forced: { name: 'cpu', by: 'setting' } });
    expect(report.tried.map((t) => t.name)).toEqual(['cpu']);
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
