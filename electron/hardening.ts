import { app, session, type WebContents } from 'electron';

/** URL schemes the renderer may load: our own files, and inline data for images. */
const allowedSchemes = new Set(['app:', 'data:', 'blob:', 'devtools:']);

/**
 * Process-wide Electron hardening (Electron security checklist): no navigation, no new
 * windows, no webviews, no permissions, and no request leaves the machine.
 */
export function hardenApp(): void {
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
}

export function hardenSession(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
  // The app opens no network connection: every request that is not our own scheme is cancelled.
  ses.webRequest.onBeforeRequest((details, callback) => {
    const scheme = safeProtocol(details.url);
    callback({ cancel: scheme === undefined || !allowedSchemes.has(scheme) });
  });
}

function hardenWebContents(contents: WebContents): void {
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
