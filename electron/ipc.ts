import { BrowserWindow, ipcMain } from 'electron';
import { channelNames, isEventName } from '../core/contract/channels';
import type { EngineClient } from './engine-client';
import { makeIpcHandler, type IpcSenderEvent } from './request-gate';

/** A sender is trusted only when it is one of our own windows showing our own app:// page. */
function isOwnWindow(event: IpcSenderEvent): boolean {
  const window = BrowserWindow.getAllWindows().find((w) => w.webContents.id === event.sender.id);
  const url = event.senderFrame?.url ?? '';
  return window !== undefined && url.startsWith('app://einthoven/');
}

/** Registers one ipcMain handler per contract channel and forwards engine events to our windows. */
export function registerIpc(engine: EngineClient): void {
  for (const channel of channelNames) {
    ipcMain.handle(channel, makeIpcHandler(channel, { isTrustedSender: isOwnWindow, engine }));
  }
  engine.onEvent((event, payload) => {
    if (!isEventName(event)) return;
    for (const window of BrowserWindow.getAllWindows()) window.webContents.send(event, payload);
  });
}
