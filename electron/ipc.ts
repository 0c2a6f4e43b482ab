import { BrowserWindow, dialog, ipcMain } from 'electron';
import { channelNames, isEventName } from '../core/contract/channels';
import type { EngineClient } from './engine-client';
import { makeIpcHandler, type FolderChooser, type IpcSenderEvent } from './request-gate';

/** A sender is trusted only when it is one of our own windows showing our own app:// page. */
function isOwnWindow(event: IpcSenderEvent): boolean {
  const window = BrowserWindow.getAllWindows().find((w) => w.webContents.id === event.sender.id);
  const url = event.senderFrame?.url ?? '';
  return window !== undefined && url.startsWith('app://einthoven/');
}

/** The system's folder dialog over the asking window, opened where the form's path points. */
const chooseFolder: FolderChooser = async (event, suggested) => {
  const window = BrowserWindow.getAllWindows().find((w) => w.webContents.id === event.sender.id);
  const options = { title: 'Allow Einthoven to use this folder (read datasets, write backups)', buttonLabel: 'Allow', defaultPath: suggested, properties: ['openDirectory' as const] };
  const picked = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
  return picked.canceled ? undefined : picked.filePaths[0];
};

/** Registers one ipcMain handler per contract channel and forwards engine events to our windows. */
export function registerIpc(engine: EngineClient): void {
  for (const channel of channelNames) {
    ipcMain.handle(channel, makeIpcHandler(channel, { isTrustedSender: isOwnWindow, engine, chooseFolder }));
  }
  engine.onEvent((event, payload) => {
    if (!isEventName(event)) return;
    for (const window of BrowserWindow.getAllWindows()) window.webContents.send(event, payload);
  });
}
