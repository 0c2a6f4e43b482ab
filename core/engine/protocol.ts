import type { EventName } from '../contract/channels';
import type { Result } from '../contract/result';

/** Messages between a shell (Electron main or the browser-mode server) and the engine process. */
export type ToEngine =
  | { readonly type: 'request'; readonly id: number; readonly channel: string; readonly payload: unknown }
  | { readonly type: 'shutdown' };

export type FromEngine =
  | { readonly type: 'ready' }
  | { readonly type: 'response'; readonly id: number; readonly result: Result<unknown> }
  | { readonly type: 'event'; readonly event: EventName; readonly payload: unknown }
  | { readonly type: 'fatal'; readonly message: string };

export function isToEngine(message: unknown): message is ToEngine {
  if (typeof message !== 'object' || message === null || !('type' in message)) return false;
  if (message.type === 'shutdown') return true;
  return (
    message.type === 'request' &&
    'id' in message &&
    typeof message.id === 'number' &&
    'channel' in message &&
    typeof message.channel === 'string'
  );
}
