import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../ml/backend/init';
import { ensureBackend } from './setup';

describe('ensureBackend', () => {
  it('shares one initialisation between calls that arrive while the backend is starting', async () => {
    const [first, second] = await Promise.all([ensureBackend(), ensureBackend()]);
    expect(second).toBe(first);
    expect(await ensureBackend()).toBe(first);
  });

  // A backend started past it (`ecg backend`, another job's initBackend, tf.setBackend) left the
  // kept report saying wasm while tfjs ran on cpu: a job that forced wasm trained 30 times slower.
  it('starts the forced backend again when initBackend switched the process to another', async () => {
    await ensureBackend('wasm');
    await initBackend({ force: 'cpu' });
    const report = await ensureBackend('wasm');
    expect([report.active, report.tfBackend, tf.getBackend()]).toEqual(['wasm', 'wasm', 'wasm']);
  });

  it('starts the forced backend again when tfjs was switched directly, calls that meet sharing one start', async () => {
    await ensureBackend('wasm');
    await tf.setBackend('cpu');
    const [first, second] = await Promise.all([ensureBackend('wasm'), ensureBackend('wasm')]);
    expect(second).toBe(first);
    expect([first.tfBackend, tf.getBackend()]).toEqual(['wasm', 'wasm']);
  });

  it('chooses by preference again rather than answer with a report of a backend no longer in use', async () => {
    const preferred = await ensureBackend();
    await initBackend({ force: 'cpu' });
    const report = await ensureBackend();
    expect([report.active, tf.getBackend()]).toEqual([preferred.active, preferred.tfBackend]);
  });
});
