import type { EinthovenBridge } from '../../core/contract/bridge';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in browser mode, where main.ts builds the HTTP bridge. */
    einthoven?: EinthovenBridge;
  }
}

export {};
