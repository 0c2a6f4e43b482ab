import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';

/**
 * The renderer is untrusted: it has no Node, runs sandboxed and isolated, and reaches the
 * engine only through the preload bridge. Tests assert these values.
 */
/**
 * DevTools only in a development run that asks for them; never in a packaged build, whatever
 * the environment says (an environment variable is not a control anyone vouches for).
 */
export function devToolsAllowed(packaged: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  return !packaged && env.EINTHOVEN_DEVTOOLS === '1';
}

export function secureWebPreferences(preloadPath: string, packaged = true): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    devTools: devToolsAllowed(packaged),
  };
}

export function mainWindowOptions(preloadPath: string, packaged = true): BrowserWindowConstructorOptions {
  return {
    width: 1400,
    height: 900,
    minWidth: 960,
    minHeight: 640,
    title: 'Einthoven — Research use only',
    show: false,
    backgroundColor: '#ffffff',
    webPreferences: secureWebPreferences(preloadPath, packaged),
  };
}

/**
 * Content-Security-Policy for every renderer response: our own files only, no remote anything.
 * The renderer runs no WebAssembly and starts no worker (models run in the engine), so neither
 * 'wasm-unsafe-eval' nor any worker source is allowed.
 */
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
