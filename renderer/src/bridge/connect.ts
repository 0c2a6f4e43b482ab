import { buildBridge, type EinthovenBridge } from '../../../core/contract/bridge';
import { createHttpTransport, takeSessionToken } from './http-transport';

/** The Electron preload's bridge when present, otherwise the same contract over HTTP (browser mode). */
export function connectBridge(): EinthovenBridge {
  return window.einthoven ?? buildBridge(createHttpTransport(takeSessionToken()));
}
