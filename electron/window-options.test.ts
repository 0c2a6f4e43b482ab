import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, devToolsAllowed, mainWindowOptions, secureWebPreferences } from './window-options';

describe('main window security', () => {
  it('isolates and sandboxes the renderer with no Node access', () => {
    const prefs = mainWindowOptions('/app/preload.cjs').webPreferences;
    expect(prefs).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
    });
  });

  it('keeps devtools off unless explicitly asked for, and always off in a packaged build', () => {
    const saved = process.env.EINTHOVEN_DEVTOOLS;
    delete process.env.EINTHOVEN_DEVTOOLS;
    expect(secureWebPreferences('p', false).devTools).toBe(false);
    process.env.EINTHOVEN_DEVTOOLS = '1';
    expect(secureWebPreferences('p', false).devTools).toBe(true);
    expect(secureWebPreferences('p', true).devTools).toBe(false);
    expect(mainWindowOptions('p', true).webPreferences?.devTools).toBe(false);
    expect(devToolsAllowed(true, { EINTHOVEN_DEVTOOLS: '1' })).toBe(false);
    if (saved === undefined) delete process.env.EINTHOVEN_DEVTOOLS;
    else process.env.EINTHOVEN_DEVTOOLS = saved;
  });

  it('has a CSP that allows only our own origin', () => {
    expect(contentSecurityPolicy).toContain("default-src 'self'");
    expect(contentSecurityPolicy).toContain("connect-src 'self'");
    expect(contentSecurityPolicy).toContain("object-src 'none'");
    expect(contentSecurityPolicy).not.toMatch(/https?:|\*/);
    expect(contentSecurityPolicy).not.toContain("'unsafe-eval'");
    // The renderer runs no WebAssembly and no worker.
    expect(contentSecurityPolicy).not.toContain('wasm-unsafe-eval');
    expect(contentSecurityPolicy).toContain("script-src 'self';");
    expect(contentSecurityPolicy).toContain("worker-src 'none'");
  });
});
