import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, mainWindowOptions, secureWebPreferences } from './window-options';

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

  it('keeps devtools off unless explicitly asked for', () => {
    const saved = process.env.EINTHOVEN_DEVTOOLS;
    delete process.env.EINTHOVEN_DEVTOOLS;
    expect(secureWebPreferences('p').devTools).toBe(false);
    if (saved !== undefined) process.env.EINTHOVEN_DEVTOOLS = saved;
  });

  it('has a CSP that allows only our own origin', () => {
    expect(contentSecurityPolicy).toContain("default-src 'self'");
    expect(contentSecurityPolicy).toContain("connect-src 'self'");
    expect(contentSecurityPolicy).toContain("object-src 'none'");
    expect(contentSecurityPolicy).not.toMatch(/https?:|\*/);
    expect(contentSecurityPolicy).not.toContain("'unsafe-eval'");
  });
});
