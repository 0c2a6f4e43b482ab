import { app, session, type WebContents } from 'electron';

/** URL schemes the renderer may load: our own files, and inline data for images. */
const allowedSchemes = new Set(['app:', 'data:', 'blob:', 'devtools:']);
/** In a packaged build DevTools never load, so their scheme is not allowed either. */
const packagedSchemes = new Set(['app:', 'data:', 'blob:']);

/**
 * Process-wide Electron hardening (Electron security checklist): no navigation, no new
 * windows, no webviews, no permissions, and no request leaves the machine.
 */
export function hardenApp(packaged: boolean): void {
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, packaged));
}

export function hardenSession(packaged: boolean): void {
  const schemes = packaged ? packagedSchemes : allowedSchemes;
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
  // The app opens no network connection: every request that is not our own scheme is cancelled.
  ses.webRequest.onBeforeRequest((details, callback) => {
    const scheme = safeProtocol(details.url);
    callback({ cancel: scheme === undefined || !schemes.has(scheme) });
  });
}

function hardenWebContents(contents: WebContents, packaged: boolean): void {
  // Belt and braces behind webPreferences.devTools = false: a packaged build closes DevTools however they were opened.
  if (packaged) contents.on('devtools-opened', () => contents.closeDevTools());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

function safeProtocol(url: string): string | undefined {
  try {
    return new URL(url).protocol;
  } catch {
    return undefined;
  }
}
