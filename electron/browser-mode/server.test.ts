import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeWire, encodeWire } from '../../core/contract/wire';
import { EngineClient } from '../engine-client';
import { forkEngine } from '../engine-process';
import { startBrowserModeServer, type BrowserModeServer } from './server';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Reply {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** A raw HTTP call, so the tests control Host, Origin, cookie and token exactly. */
function call(port: number, pathname: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<Reply>((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path: pathname, method: options.method ?? 'GET', headers: options.headers },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('browser-mode server', () => {
  let server: BrowserModeServer;
  let engine: EngineClient;
  let auth: Record<string, string>;

  beforeAll(async () => {
    const rendererRoot = mkdtempSync(path.join(os.tmpdir(), 'einthoven-renderer-'));
    mkdirSync(rendererRoot, { recursive: true });
    writeFileSync(path.join(rendererRoot, 'index.html'), '<!doctype html><title>t</title>');
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-bm-'));
    engine = new EngineClient(() => forkEngine({ entry: path.join(repoRoot, 'core/engine/main.ts'), dataDir }));
    await engine.ready;
    server = await startBrowserModeServer({ rendererRoot, engine });
    auth = { cookie: `einthoven_session=${server.token}`, 'x-einthoven-token': server.token };
  });

  afterAll(async () => {
    await server.close();
    await engine.shutdown();
  });

  it('listens on loopback only and prints a tokenised URL', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{40,}$/);
  });

  it('refuses the page without the token and sets an HttpOnly cookie with it', async () => {
    expect((await call(server.port, '/')).status).toBe(403);
    const page = await call(server.port, `/?token=${server.token}`);
    expect(page.status).toBe(200);
    expect(String(page.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/);
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
  });

  it('requires both the cookie and the token header on API calls', async () => {
    const body = encodeWire({});
    const noAuth = await call(server.port, '/api/invoke/app:info', { method: 'POST', body });
    const cookieOnly = await call(server.port, '/api/invoke/app:info', { method: 'POST', body, headers: { cookie: auth.cookie ?? '' } });
    const wrongToken = await call(server.port, '/api/invoke/app:info', {
      method: 'POST',
      body,
      headers: { ...auth, 'x-einthoven-token': 'guess' },
    });
    expect([noAuth.status, cookieOnly.status, wrongToken.status]).toEqual([403, 403, 403]);
    const ok = await call(server.port, '/api/invoke/app:info', { method: 'POST', body, headers: auth });
    expect(decodeWire(ok.body)).toMatchObject({ ok: true, value: { name: 'Einthoven', researchUseOnly: true } });
  });

  it('refuses other Host names (DNS rebinding) and other origins', async () => {
    const rebound = await call(server.port, '/api/invoke/app:info', {
      method: 'POST',
      body: '{}',
      headers: { ...auth, host: `evil.example:${server.port}` },
    });
    expect(rebound.status).toBe(421);
    const crossOrigin = await call(server.port, '/api/invoke/app:info', {
      method: 'POST',
      body: '{}',
      headers: { ...auth, origin: 'http://evil.example' },
    });
    expect(crossOrigin.status).toBe(403);
  });

  it('answers malformed payloads and unknown channels with typed errors, not crashes', async () => {
    const post = (channel: string, body: string) => call(server.port, `/api/invoke/${channel}`, { method: 'POST', body, headers: auth });
    expect(decodeWire((await post('records:get', '{"id":"x"}')).body)).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } });
    expect(decodeWire((await post('records:get', '{not json')).body)).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } });
    expect(decodeWire((await post('system:exec', '{}')).body)).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } });
    expect(decodeWire((await post('app:info', '{}')).body)).toMatchObject({ ok: true });
  });
});
