import { describe, expect, it } from 'vitest';
import { ensureBackend } from './setup';

describe('ensureBackend', () => {
  it('shares one initialisation between calls that arrive while the backend is starting', async () => {
    const [first, second] = await Promise.all([ensureBackend(), ensureBackend()]);
    expect(second).toBe(first);
    expect(await ensureBackend()).toBe(first);
  });
});
