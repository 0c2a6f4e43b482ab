/**
 * The only bridge between the sandboxed renderer and the app: `window.einthoven`, built
 * from the contract (one method per channel, event subscriptions that return their
 * unsubscribe). No raw ipcRenderer and no Node API crosses over.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { buildBridge } from '../core/contract/bridge';
import { isChannelName, isEventName } from '../core/contract/channels';

const bridge = buildBridge({
  invoke: (channel, request) => {
    if (!isChannelName(channel)) return Promise.reject(new Error('unknown channel'));
    return ipcRenderer.invoke(channel, request);
  },
  subscribe: (event, listener) => {
    if (!isEventName(event)) return () => undefined;
    const handler = (_e: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(event, handler);
    return () => void ipcRenderer.off(event, handler);
  },
});

contextBridge.exposeInMainWorld('einthoven', bridge);
