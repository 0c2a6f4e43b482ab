import { describe, expect, it } from 'vitest';
import { buildBridge, type BridgeTransport } from './bridge';
import { channelNames } from './channels';

function transportAnswering(answer: unknown): BridgeTransport & { emit: (event: string, payload: unknown) => void } {
  const listeners = new Map<string, (payload: unknown) => void>();
  return {
    invoke: async () => answer,
    subscribe: (event, listener) => {
      listeners.set(event, listener);
      return () => listeners.delete(event);
    },
    emit: (event, payload) => listeners.get(event)?.(payload),
  };
}

describe('buildBridge', () => {
  it('exposes exactly one method per contract channel', () => {
    const bridge = buildBridge(transportAnswering(null));
    expect(Object.keys(bridge.api).sort()).toEqual([...channelNames].sort());
  });

  it('passes through a valid response and refuses one of the wrong shape', async () => {
    const good = buildBridge(transportAnswering({ ok: true, value: { cancelled: true } }));
    expect(await good.api['jobs:cancel']({ jobId: 'j' })).toEqual({ ok: true, value: { cancelled: true } });
    const bad = buildBridge(transportAnswering({ ok: true, value: { cancelled: 'yes' } }));
    expect(await bad.api['jobs:cancel']({ jobId: 'j' })).toMatchObject({ ok: false, error: { code: 'E_INTERNAL' } });
  });

  it("passes a refusal's reason through, and drops one the contract does not define", async () => {
    const refusal = { code: 'E_VALIDATION', message: 'not the ECG rate', reason: 'heart-rate-not-ecg' };
    const bridge = buildBridge(transportAnswering({ ok: false, error: refusal }));
    expect(await bridge.api['pe:list']({ recordId: 1 })).toEqual({ ok: false, error: refusal });
    const unknown = buildBridge(transportAnswering({ ok: false, error: { ...refusal, reason: 'guessed' } }));
    expect(await unknown.api['pe:list']({ recordId: 1 })).toStrictEqual({ ok: false, error: { code: 'E_VALIDATION', message: 'not the ECG rate' } });
  });

  it('turns a transport failure into an E_IO result instead of a rejection', async () => {
    const bridge = buildBridge({ invoke: () => Promise.reject(new Error('socket closed')), subscribe: () => () => undefined });
    expect(await bridge.api['app:info']({})).toEqual({ ok: false, error: { code: 'E_IO', message: 'socket closed' } });
  });

  it('delivers only events that match their schema', () => {
    const transport = transportAnswering(null);
    const seen: unknown[] = [];
    buildBridge(transport).on('jobs:progress', (p) => seen.push(p));
    transport.emit('jobs:progress', { jobId: 'j', kind: 'import', done: 1, total: 2 });
    transport.emit('jobs:progress', { jobId: 'j', kind: 'import', done: 'lots' });
    expect(seen).toEqual([{ jobId: 'j', kind: 'import', done: 1, total: 2 }]);
  });
});
