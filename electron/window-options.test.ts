import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, devToolsAllowed, mainWindowOptions, secureWebPreferences } from './window-options';

const repoRoot = path.resolve(__dirname, '..');

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

  it("the page's own meta policy is the same, less frame-ancestors (which a meta element cannot carry)", () => {
    // It had drifted ('wasm-unsafe-eval', no worker-src), and it is the only policy when the page is loaded without the header.
    const html = readFileSync(path.join(repoRoot, 'renderer', 'index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    expect(meta).toBe(contentSecurityPolicy.replace("; frame-ancestors 'none'", ''));
  });
});
