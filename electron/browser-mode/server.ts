import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isChannelName } from '../../core/contract/channels';
import { fail, type Result } from '../../core/contract/result';
import { binaryWireType, decodeWire, decodeWireBinary, encodeWire } from '../../core/contract/wire';
import type { EngineClient } from '../engine-client';
import { gateRequest } from '../request-gate';
import { readStaticFile } from '../static-files';
import { contentSecurityPolicy } from '../window-options';
import { cookieValue, newSessionToken, tokensEqual } from './session-token';

/** The whole renderer↔engine bridge for browser mode, on 127.0.0.1 only. */
export interface BrowserModeServer {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

const cookieName = 'einthoven_session';
const tokenHeader = 'x-einthoven-token';
/** Largest request body accepted (an import batch); anything larger is refused before it is read. */
export const maxBodyBytes = 96 * 1024 * 1024;

const securityHeaders = {
  'content-security-policy': contentSecurityPolicy,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
};

export async function startBrowserModeServer(options: {
  rendererRoot: string;
  engine: EngineClient;
  port?: number;
}): Promise<BrowserModeServer> {
  const token = newSessionToken();
  const server = createServer((req, res) => {
    void route(req, res, { token, ...options, origin: originOf(server) }).catch(() => {
      if (!res.headersSent) send(res, 500, 'text/plain', 'internal error');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // Loopback only: nothing is reachable from other machines.
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    token,
    url: `http://127.0.0.1:${port}/?token=${token}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        // The event streams are long-lived; without this, close would wait for them forever.
        server.closeAllConnections();
      }),
  };
}

function originOf(server: Server): string {
  const address = server.address() as AddressInfo | null;
  return address ? `http://127.0.0.1:${address.port}` : '';
}

interface RouteContext {
  token: string;
  rendererRoot: string;
  engine: EngineClient;
  origin: string;
}

async function route(req: IncomingMessage, res: ServerResponse, ctx: RouteContext): Promise<void> {
  // DNS-rebinding defence: only our literal loopback host is answered.
  if (`http://${req.headers.host ?? ''}` !== ctx.origin) return send(res, 421, 'text/plain', 'wrong host');
  const url = new URL(req.url ?? '/', ctx.origin);
  const hasCookie = tokensEqual(ctx.token, cookieValue(req.headers.cookie, cookieName));
  if (url.pathname.startsWith('/api/')) {
    const headerToken = req.headers[tokenHeader];
    if (!hasCookie || !tokensEqual(ctx.token, typeof headerToken === 'string' ? headerToken : undefined)) {
      return send(res, 403, 'text/plain', 'session token required');
    }
    if (req.headers.origin !== undefined && req.headers.origin !== ctx.origin) {
      return send(res, 403, 'text/plain', 'cross-origin request refused');
    }
    if (url.pathname === '/api/events' && req.method === 'GET') return streamEvents(res, ctx.engine);
    if (url.pathname.startsWith('/api/invoke/') && req.method === 'POST') {
      return invoke(req, res, ctx.engine, url.pathname.slice('/api/invoke/'.length));
    }
    return send(res, 404, 'text/plain', 'no such endpoint');
  }
  if (req.method !== 'GET') return send(res, 405, 'text/plain', 'method not allowed');
  const queryToken = url.searchParams.get('token') ?? undefined;
  if (!hasCookie && !tokensEqual(ctx.token, queryToken)) return send(res, 403, 'text/plain', 'session token required');
  const file = await readStaticFile(ctx.rendererRoot, url.pathname);
  if (!file) return send(res, 404, 'text/plain', 'not found');
  const cookie = `${cookieName}=${ctx.token}; HttpOnly; SameSite=Strict; Path=/`;
  res.writeHead(200, { ...securityHeaders, 'content-type': file.contentType, 'set-cookie': cookie });
  res.end(file.body);
}

async function invoke(req: IncomingMessage, res: ServerResponse, engine: EngineClient, channel: string): Promise<void> {
  if (!isChannelName(channel)) return sendResult(res, fail('E_VALIDATION', `unknown channel ${channel}`));
  const body = await readBody(req);
  if (!body.ok) return sendResult(res, body);
  let payload: unknown;
  try {
    // File bytes come as raw binary after the JSON (an import batch), everything else as JSON.
    payload = req.headers['content-type'] === binaryWireType ? decodeWireBinary(body.value) : decodeWire(body.value.toString('utf8'));
  } catch (error) {
    return sendResult(res, fail('E_VALIDATION', `request body is not valid: ${(error as Error).message}`));
  }
  // The token and origin checks above are the browser-mode equivalent of Electron's sender check.
  sendResult(res, await gateRequest(channel, payload, true, engine));
}

function readBody(req: IncomingMessage): Promise<Result<Buffer>> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBodyBytes) {
    req.resume();
    return Promise.resolve(fail('E_TOO_LARGE', `request of ${declared} bytes exceeds ${maxBodyBytes}`));
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        req.destroy();
        resolve(fail('E_TOO_LARGE', `request exceeds ${maxBodyBytes} bytes`));
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve({ ok: true, value: Buffer.concat(chunks) }));
    req.on('error', (error) => resolve(fail('E_IO', error.message)));
  });
}

/** Engine events as newline-delimited JSON on a long-lived response. */
function streamEvents(res: ServerResponse, engine: EngineClient): void {
  res.writeHead(200, { ...securityHeaders, 'content-type': 'application/x-ndjson' });
  res.write('\n');
  const unsubscribe = engine.onEvent((event, payload) => res.write(`${encodeWire({ event, payload })}\n`));
  res.on('close', unsubscribe);
}

function sendResult(res: ServerResponse, result: Result<unknown>): void {
  send(res, 200, 'application/json', encodeWire(result));
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { ...securityHeaders, 'content-type': contentType });
  res.end(body);
}
