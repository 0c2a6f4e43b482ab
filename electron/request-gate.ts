import type { ChannelName } from '../core/contract/channels';
import { fail, parseRequest, type Result } from '../core/contract/result';

export interface EngineRequester {
  request(channel: string, payload: unknown): Promise<Result<unknown>>;
}

/**
 * The check every shell applies before a renderer request reaches the engine: the sender
 * must be ours, and the payload must match the contract. Used by Electron's ipcMain
 * handlers and by the browser-mode HTTP bridge alike.
 */
export async function gateRequest(
  channel: ChannelName,
  payload: unknown,
  senderIsTrusted: boolean,
  engine: EngineRequester,
): Promise<Result<unknown>> {
  if (!senderIsTrusted) return fail('E_FORBIDDEN', `${channel}: request from a sender that is not an Einthoven window`);
  const request = parseRequest(channel, payload);
  if (!request.ok) return request;
  try {
    return await engine.request(channel, request.value);
  } catch (error) {
    return fail('E_INTERNAL', error instanceof Error ? error.message : String(error));
  }
}

/** The part of an Electron IpcMainInvokeEvent we look at (kept structural so tests need no Electron). */
export interface IpcSenderEvent {
  readonly sender: { readonly id: number };
  readonly senderFrame?: { readonly url: string } | null;
}

/** Builds the ipcMain.handle callback for one channel. */
export function makeIpcHandler(
  channel: ChannelName,
  options: { isTrustedSender: (event: IpcSenderEvent) => boolean; engine: EngineRequester },
): (event: IpcSenderEvent, payload: unknown) => Promise<Result<unknown>> {
  return (event, payload) => gateRequest(channel, payload, options.isTrustedSender(event), options.engine);
}
