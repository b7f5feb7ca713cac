import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { UploadMeta, type CallResult } from '../../shared/contract';
import type { Core } from '../core/core';
import { invoke } from '../core/services';
import { AppError, toApiError } from '../core/errors';

export interface HttpHostOptions {
  core: Core;
  /** 0 picks a free port. */
  port?: number;
  /** Folder of the built renderer (dist/renderer). */
  rendererDir: string;
  /** Fixed token for tests; random otherwise. */
  token?: string;
}

export interface HttpHost {
  /** Base URL without the token. */
  url: string;
  /** What to open in a browser: signs the tab in and lands on the app. */
  openUrl: string;
  token: string;
  close(): Promise<void>;
}

const COOKIE = 'dhis2ie_session';
const MAX_JSON_BYTES = 1024 * 1024;
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.json': 'application/json',
};

/**
 * Browser mode: the same contract as the desktop IPC, over HTTP on 127.0.0.1 only.
 * A random token, exchanged once for an HttpOnly cookie, keeps other local users and web pages
 * out; a custom header and Host/Origin checks stop cross-site requests and DNS rebinding.
 */
export async function startHttpHost(options: HttpHostOptions): Promise<HttpHost> {
  const { core } = options;
  const token = options.token ?? randomBytes(24).toString('base64url');
  const sseClients = new Set<ServerResponse>();
  let origin = '';

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      core.log.error(`HTTP ${req.method} ${req.url}`, error);
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: toApiError(error) });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    setCommonHeaders(res);
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!hostAllowed(req.headers.host, port)) return sendText(res, 421, 'This app only answers on 127.0.0.1 and localhost.');

    if (url.pathname.startsWith('/api/')) {
      if (!authorised(req)) {
        return sendJson(res, 401, {
          ok: false,
          error: {
            code: 'NOT_SIGNED_IN',
            message: 'This browser is not signed in to the app. Open the address the app printed when it started (it contains the token).',
          },
        });
      }
      if (req.method !== 'GET' && !sameOriginWrite(req)) {
        return sendJson(res, 403, { ok: false, error: { code: 'FORBIDDEN', message: 'Request refused: it did not come from the app page.' } });
      }
      res.setHeader('Cache-Control', 'no-store');
      if (req.method === 'POST' && url.pathname.startsWith('/api/call/'))
        return handleCall(req, res, decodeURIComponent(url.pathname.slice('/api/call/'.length)));
      if (req.method === 'POST' && url.pathname === '/api/upload') return handleUpload(req, res, url);
      if (req.method === 'GET' && url.pathname === '/api/events') return handleEvents(res);
      return sendJson(res, 404, { ok: false, error: { code: 'NOT_FOUND', message: `No such endpoint: ${req.method} ${url.pathname}` } });
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'Method not allowed');
    const offered = url.searchParams.get('token');
    if (offered !== null) {
      if (!safeEqual(offered, token)) return sendText(res, 401, 'This link has an old or wrong token. Use the address the app printed when it started.');
      res.setHeader('Set-Cookie', `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`);
      res.writeHead(302, { Location: '/' });
      return void res.end();
    }
    return serveStatic(res, url.pathname, req.method === 'HEAD');
  }

  async function handleCall(req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
    let body: unknown;
    try {
      body = await readJson(req);
    } catch (error) {
      return sendJson(res, 400, { ok: false, error: toApiError(error) });
    }
    try {
      const result = await invoke(core, name, body);
      sendJson(res, 200, { ok: true, result } satisfies CallResult);
    } catch (error) {
      if (!(error instanceof AppError)) core.log.error(`call ${name}`, error);
      sendJson(res, error instanceof AppError && error.code === 'UNKNOWN_METHOD' ? 404 : 200, { ok: false, error: toApiError(error) } satisfies CallResult);
    }
  }

  async function handleUpload(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const meta = UploadMeta.safeParse({ name: url.searchParams.get('name') ?? '' });
    if (!meta.success) {
      req.resume();
      return sendJson(res, 400, { ok: false, error: { code: 'INVALID_INPUT', message: 'The upload has no file name.' } });
    }
    try {
      const ref = await core.upload(req, meta.data.name);
      sendJson(res, 200, { ok: true, result: ref });
    } catch (error) {
      if (!(error instanceof AppError)) core.log.error('upload', error);
      // Stop reading an over-large body rather than draining gigabytes.
      res.setHeader('Connection', 'close');
      sendJson(res, 200, { ok: false, error: toApiError(error) });
    }
  }

  function handleEvents(res: ServerResponse): void {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
    res.write(': connected\n\n');
    sseClients.add(res);
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    // The response's close, not the request's: a GET's request stream may close as soon as it is read.
    res.on('close', () => {
      clearInterval(heartbeat);
      sseClients.delete(res);
    });
  }

  const unsubscribe = core.bus.onAny((name, payload) => {
    const frame = `data: ${JSON.stringify({ name, payload })}\n\n`;
    for (const client of sseClients) client.write(frame);
  });

  function authorised(req: IncomingMessage): boolean {
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (bearer !== undefined) return safeEqual(bearer, token);
    const cookie = parseCookies(req.headers.cookie)[COOKIE];
    return cookie !== undefined && safeEqual(cookie, token);
  }

  function sameOriginWrite(req: IncomingMessage): boolean {
    // Scripts (tests, `curl -H Authorization`) send the bearer token; pages must send the custom header.
    if (req.headers.authorization?.startsWith('Bearer ')) return true;
    if (req.headers['x-requested-by'] !== 'dhis2-ie') return false;
    const from = req.headers.origin;
    return from === undefined || from === origin || from === origin.replace('127.0.0.1', 'localhost');
  }

  function serveStatic(res: ServerResponse, pathname: string, headOnly: boolean): void {
    const relative = pathname === '/' ? 'index.html' : decodeURIComponent(pathname).replace(/^\/+/, '');
    const target = normalize(join(options.rendererDir, relative));
    if (!target.startsWith(normalize(options.rendererDir) + sep)) return sendText(res, 404, 'Not found');
    const file = existsSync(target) && statSync(target).isFile() ? target : null;
    if (!file) {
      if (!existsSync(join(options.rendererDir, 'index.html'))) {
        return sendText(res, 503, 'The app page has not been built. Run `npm run build` (or `npm run serve`, which builds first).');
      }
      return sendText(res, 404, 'Not found');
    }
    res.writeHead(200, {
      'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
      'Cache-Control': relative === 'index.html' ? 'no-store' : 'max-age=3600',
    });
    if (headOnly) return void res.end();
    createReadStream(file).pipe(res);
  }

  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
  origin = `http://127.0.0.1:${port}`;

  return {
    url: origin,
    openUrl: `${origin}/?token=${token}`,
    token,
    async close() {
      unsubscribe();
      for (const client of sseClients) client.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function setCommonHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}

function hostAllowed(host: string | undefined, port: number): boolean {
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index > 0) out[part.slice(0, index).trim()] = part.slice(index + 1).trim();
  }
  return out;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_JSON_BYTES) throw new AppError('TOO_LARGE', 'The request is too large.');
    chunks.push(chunk);
  }
  if (size === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new AppError('BAD_JSON', 'The request body is not valid JSON.');
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text);
}
