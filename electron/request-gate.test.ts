import { describe, expect, it } from 'vitest';
import { ok, type Result } from '../core/contract/result';
import { makeIpcHandler, type IpcSenderEvent } from './request-gate';

/** Records what reaches the engine, so the tests can assert that rejected calls never do. */
function recordingEngine() {
  const calls: { channel: string; payload: unknown }[] = [];
  return {
    calls,
    request: async (channel: string, payload: unknown): Promise<Result<unknown>> => {
      calls.push({ channel, payload });
      return ok({ total: 0, items: [] });
    },
  };
}

const ownEvent: IpcSenderEvent = { sender: { id: 1 }, senderFrame: { url: 'app://einthoven/index.html' } };
const foreignEvent: IpcSenderEvent = { sender: { id: 99 }, senderFrame: { url: 'https://example.com/' } };
const isTrustedSender = (event: IpcSenderEvent) => event.sender.id === 1;

describe('IPC handler', () => {
  it('rejects a foreign sender without reaching the engine', async () => {
    const engine = recordingEngine();
    const handler = makeIpcHandler('records:list', { isTrustedSender, engine });
    const result = await handler(foreignEvent, {});
    expect(result).toMatchObject({ ok: false, error: { code: 'E_FORBIDDEN' } });
    expect(engine.calls).toHaveLength(0);
  });

  it('rejects a malformed payload with a validation error naming the field', async () => {
    const engine = recordingEngine();
    const handler = makeIpcHandler('records:get', { isTrustedSender, engine });
    for (const payload of [undefined, null, 'x', { id: 'one' }, { id: -1 }, { id: 1, extra: true }]) {
      const result = await handler(ownEvent, payload);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('E_VALIDATION');
    }
    const named = await handler(ownEvent, { id: 'one' });
    expect(!named.ok && named.error.message).toContain('id');
    expect(engine.calls).toHaveLength(0);
  });

  it('forwards a valid request from our window, with defaults applied', async () => {
    const engine = recordingEngine();
    const handler = makeIpcHandler('records:list', { isTrustedSender, engine });
    const result = await handler(ownEvent, {});
    expect(result.ok).toBe(true);
    expect(engine.calls).toEqual([{ channel: 'records:list', payload: { sort: 'imported', order: 'desc', limit: 200, offset: 0 } }]);
  });
});

describe('folders:allow from a window', () => {
  it('allows the folder the user picked in the dialog, not the one the page asked for', async () => {
    const engine = recordingEngine();
    const suggested: string[] = [];
    const handler = makeIpcHandler('folders:allow', { isTrustedSender, engine, chooseFolder: async (_event, path) => (suggested.push(path), '/data/picked') });
    expect((await handler(ownEvent, { path: '/etc' })).ok).toBe(true);
    expect(suggested).toEqual(['/etc']);
    expect(engine.calls).toEqual([{ channel: 'folders:allow', payload: { path: '/data/picked' } }]);
  });

  it('allows nothing when the user cancels, the sender is foreign, or no dialog exists', async () => {
    const engine = recordingEngine();
    const cancelled = makeIpcHandler('folders:allow', { isTrustedSender, engine, chooseFolder: async () => undefined });
    expect(await cancelled(ownEvent, { path: '/data' })).toMatchObject({ ok: false, error: { code: 'E_CANCELLED' } });
    const chooser = makeIpcHandler('folders:allow', { isTrustedSender, engine, chooseFolder: async () => '/data' });
    expect(await chooser(foreignEvent, { path: '/data' })).toMatchObject({ ok: false, error: { code: 'E_FORBIDDEN' } });
    const noDialog = makeIpcHandler('folders:allow', { isTrustedSender, engine });
    expect(await noDialog(ownEvent, { path: '/data' })).toMatchObject({ ok: false, error: { code: 'E_FORBIDDEN' } });
    expect(engine.calls).toHaveLength(0);
  });
});
