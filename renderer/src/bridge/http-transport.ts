import type { BridgeTransport } from '../../../core/contract/bridge';
import type { EventName } from '../../../core/contract/channels';
import { binaryWireType, decodeWire, encodeWire, encodeWireBinary } from '../../../core/contract/wire';

const tokenKey = 'einthoven.session-token';

/**
 * Browser mode: the page arrives as /?token=…; we keep the token for this tab only and
 * remove it from the address bar. Every API request carries it in a header (the server
 * also requires its HttpOnly cookie, so a token alone from another page is not enough).
 */
export function takeSessionToken(): string {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(tokenKey, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.pathname + url.search + url.hash);
  }
  const token = fromUrl ?? sessionStorage.getItem(tokenKey);
  if (!token) throw new Error('No session token: open the URL printed by `npm start`.');
  return token;
}

type Listener = (payload: unknown) => void;

export function createHttpTransport(token: string): BridgeTransport {
  const listeners = new Map<EventName, Set<Listener>>();
  // Calls wait until the event stream is open, so no job event can be emitted before we listen.
  let markConnected: () => void = () => undefined;
  const connected = new Promise<void>((resolve) => (markConnected = resolve));

  const dispatch = (line: string) => {
    if (!line.trim()) return;
    const message = decodeWire(line) as { event: EventName; payload: unknown };
    for (const listener of listeners.get(message.event) ?? []) listener(message.payload);
  };

  const stream = async () => {
    for (;;) {
      try {
        const response = await fetch('/api/events', { headers: { 'x-einthoven-token': token } });
        if (!response.body) throw new Error('no event stream');
        markConnected();
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          const lines = buffer.split('\n');
          buffer = lines.pop() ?? '';
          lines.forEach(dispatch);
        }
      } catch {
        // The server went away or restarted; retry shortly.
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  };

  void stream();

  return {
    async invoke(channel, request) {
      await connected;
      // An import batch goes as binary: no base64 of file bytes on the page's thread.
      const binary = channel === 'records:import' ? encodeWireBinary(request) : undefined;
      const response = await fetch(`/api/invoke/${channel}`, {
        method: 'POST',
        headers: { 'content-type': binary ? binaryWireType : 'application/json', 'x-einthoven-token': token },
        body: binary ? new Blob([binary.json, ...binary.parts] as BlobPart[]) : encodeWire(request),
      });
      if (!response.ok) throw new Error(`${channel}: HTTP ${response.status} ${await response.text()}`);
      return decodeWire(await response.text());
    },
    subscribe(event, listener) {
      const set = listeners.get(event) ?? new Set<Listener>();
      set.add(listener);
      listeners.set(event, set);
      return () => set.delete(listener);
    },
  };
}
