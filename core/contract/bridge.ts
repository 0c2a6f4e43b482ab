import {
  channelNames,
  events,
  type ChannelName,
  type EventName,
  type EventOf,
  type RequestOf,
  type ResponseOf,
} from './channels';
import { parseResponse, type Result } from './result';

/** What the renderer sees as `window.einthoven`: one method per channel, plus event subscription. */
export type EinthovenApi = {
  readonly [K in ChannelName]: (request: RequestOf<K>) => Promise<Result<ResponseOf<K>>>;
};

export interface EinthovenBridge {
  readonly api: EinthovenApi;
  /** Subscribes to an engine event; returns the function that unsubscribes. */
  on<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): () => void;
}

/** The raw carrier a bridge is built on: Electron's ipcRenderer in the preload, fetch in browser mode. */
export interface BridgeTransport {
  invoke(channel: ChannelName, request: unknown): Promise<unknown>;
  subscribe(event: EventName, listener: (payload: unknown) => void): () => void;
}

function method<K extends ChannelName>(channel: K, transport: BridgeTransport) {
  return async (request: RequestOf<K>): Promise<Result<ResponseOf<K>>> => {
    try {
      return parseResponse(channel, await transport.invoke(channel, request));
    } catch (error) {
      return { ok: false, error: { code: 'E_IO', message: error instanceof Error ? error.message : String(error) } };
    }
  };
}

/**
 * Builds the bridge from the contract, so neither side writes a channel list by hand.
 * Responses and events are validated here too: a confused main process cannot hand the UI
 * a shape it does not expect.
 */
export function buildBridge(transport: BridgeTransport): EinthovenBridge {
  const api: Partial<Record<ChannelName, unknown>> = {};
  for (const channel of channelNames) api[channel] = method(channel, transport);
  return {
    // Every key of EinthovenApi was filled by the loop above with its own channel's method.
    api: api as EinthovenApi,
    on(event, listener) {
      return transport.subscribe(event, (payload) => {
        const parsed = events[event].safeParse(payload);
        if (parsed.success) listener(parsed.data as EventOf<typeof event>);
      });
    },
  };
}
