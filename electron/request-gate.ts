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

/** Shows the system's folder dialog opened at `suggested`; undefined when the user cancels. */
export type FolderChooser = (event: IpcSenderEvent, suggested: string) => Promise<string | undefined>;

/**
 * folders:allow from a window: the folder the engine may read is the one the user picks in the
 * system's dialog (the renderer's path is only where the dialog opens), so a compromised page
 * cannot widen what training and evaluation may read.
 */
async function gateFolderAllow(event: IpcSenderEvent, payload: unknown, senderIsTrusted: boolean, engine: EngineRequester, chooseFolder: FolderChooser): Promise<Result<unknown>> {
  if (!senderIsTrusted) return fail('E_FORBIDDEN', 'folders:allow: request from a sender that is not an Einthoven window');
  const request = parseRequest('folders:allow', payload);
  if (!request.ok) return request;
  const chosen = await chooseFolder(event, request.value.path);
  if (chosen === undefined) return fail('E_CANCELLED', 'no folder was chosen');
  return gateRequest('folders:allow', { path: chosen }, true, engine);
}

/** Builds the ipcMain.handle callback for one channel. */
export function makeIpcHandler(
  channel: ChannelName,
  options: { isTrustedSender: (event: IpcSenderEvent) => boolean; engine: EngineRequester; chooseFolder?: FolderChooser },
): (event: IpcSenderEvent, payload: unknown) => Promise<Result<unknown>> {
  const { chooseFolder } = options;
  if (channel === 'folders:allow') {
    // Without a dialog to ask the user, no window may allow a folder.
    return (event, payload) =>
      chooseFolder ? gateFolderAllow(event, payload, options.isTrustedSender(event), options.engine, chooseFolder) : Promise.resolve(fail('E_FORBIDDEN', 'folders:allow needs the folder dialog'));
  }
  return (event, payload) => gateRequest(channel, payload, options.isTrustedSender(event), options.engine);
}
