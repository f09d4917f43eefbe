/**
 * Browser preview (DESIGN.md §7): serves the built renderer on 127.0.0.1 and implements
 * window.rollcall with a small script that calls the SAME dispatch() as Electron's IPC, over
 * loopback HTTP. Only the browser the admin opened may call it: the printed address carries a
 * random per-run key, exchanged on first visit for an HttpOnly, SameSite=Strict cookie that every
 * page and API request must present. Nothing served without the cookie reveals the key, so other
 * local processes and pages (or a DNS-rebinding site, stopped by the Host check) cannot call it.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { METHOD_NAMES } from '../../src-preload/api';
import { appError } from '../core/errors';
import type { HandlerContext } from '../ipc/context';
import { dispatch } from '../ipc/dispatch';
import { CONTENT_SECURITY_POLICY } from '../window/security';

export const BRIDGE_PATH = '/__rollcall/bridge.js';
const COOKIE = 'rollcall_session';
const API_PREFIX = '/__rollcall/api/';
const MAX_BODY_BYTES = 1_000_000;
const NOT_SIGNED_IN =
  '<!doctype html><meta charset="utf-8"><title>Rollcall preview</title><p style="font-family:sans-serif">Open the address that <code>npm start</code> or <code>npm run preview</code> printed: it carries a one-time key for this browser.</p>';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

export interface PreviewServer {
  /** The address to open: it carries the one-time key. */
  url: string;
  /** http://127.0.0.1:PORT */
  origin: string;
  close(): Promise<void>;
}

export interface PreviewOptions {
  ctx: HandlerContext;
  rendererDir: string;
  port?: number;
}

function bridgeScript(): string {
  const disconnected = appError('PREVIEW_DISCONNECTED', 'The preview lost its connection to Rollcall.', 'Restart `npm run preview` (or `npm start`) and open the address it prints.');
  // No key in here: the session cookie (HttpOnly, invisible to scripts) goes with every call.
  return `"use strict";(()=>{const methods=${JSON.stringify(METHOD_NAMES)};
const disconnected=${JSON.stringify({ ok: false, error: disconnected })};
const call=async(method,input)=>{try{const r=await fetch(${JSON.stringify(API_PREFIX)}+method,{method:"POST",credentials:"same-origin",headers:{"content-type":"application/json","x-rollcall-bridge":"1"},body:JSON.stringify({input})});if(r.status===401)return {ok:false,error:{code:"PREVIEW_SESSION",message:"This window is not signed in to the preview.",fix:"Open the address printed by npm start / npm run preview (it carries a one-time key)."}};return await r.json();}catch{return disconnected;}};
window.rollcall=Object.freeze(Object.fromEntries(methods.map((m)=>[m,(input)=>call(m,input)])));})();`;
}

function send(res: http.ServerResponse, status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}): void {
  res.writeHead(status, {
    ...extra,
    'Content-Type': type,
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  });
  res.end(body);
}

async function readBody(req: http.IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sessionCookie(header: string | undefined): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === COOKIE) return value.join('=');
  }
  return undefined;
}

function tokenMatches(given: string | string[] | null | undefined, token: string): boolean {
  if (typeof given !== 'string' || given.length !== token.length) return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(token));
}

export async function startPreviewServer(options: PreviewOptions): Promise<PreviewServer> {
  const token = randomBytes(24).toString('base64url');
  const rendererDir = path.resolve(options.rendererDir);
  const indexHtml = await fs.readFile(path.join(rendererDir, 'index.html'), 'utf8');
  // The bridge must exist before the app's module script runs.
  const page = indexHtml.replace('<head>', `<head>\n    <script src="${BRIDGE_PATH}"></script>`);
  let origin = '';

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => send(res, 500, 'text/plain; charset=utf-8', 'Internal error'));
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    // DNS rebinding guard: only our own loopback host name is served.
    if (req.headers.host !== new URL(origin).host) return send(res, 421, 'text/plain; charset=utf-8', 'Wrong host');
    const url = new URL(req.url ?? '/', origin);
    // First visit with the printed key: trade it for the session cookie, and drop it from the address.
    const key = url.searchParams.get('key');
    if (key !== null) {
      if (!tokenMatches(key, token)) return send(res, 401, 'text/plain; charset=utf-8', 'This key is not the one printed by this preview. Open the address it printed.');
      return send(res, 303, 'text/plain; charset=utf-8', 'Signed in', { Location: '/', 'Set-Cookie': `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/` });
    }
    const signedIn = tokenMatches(sessionCookie(req.headers.cookie), token);
    if (url.pathname.startsWith(API_PREFIX)) {
      if (req.method !== 'POST') return send(res, 405, 'text/plain; charset=utf-8', 'POST only');
      if (req.headers.origin !== undefined && req.headers.origin !== origin) return send(res, 403, 'text/plain; charset=utf-8', 'Wrong origin');
      // The custom header makes any cross-site attempt a CORS preflight, which is never answered.
      if (!signedIn || req.headers['x-rollcall-bridge'] !== '1') return send(res, 401, 'text/plain; charset=utf-8', 'Not signed in to this preview');
      const text = await readBody(req);
      if (text === null) return send(res, 413, 'text/plain; charset=utf-8', 'Too large');
      let input: unknown;
      try {
        input = text === '' ? undefined : (JSON.parse(text) as { input?: unknown }).input;
      } catch {
        return send(res, 400, 'application/json', JSON.stringify({ ok: false, error: appError('INVALID_INPUT', 'The request was not valid JSON.', 'Reload the page.') }));
      }
      const result = await dispatch(url.pathname.slice(API_PREFIX.length), input, options.ctx);
      return send(res, 200, 'application/json', JSON.stringify(result));
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain; charset=utf-8', 'GET only');
    if (url.pathname === BRIDGE_PATH) return send(res, 200, CONTENT_TYPES['.js'] ?? 'text/javascript', bridgeScript());
    const file = path.resolve(rendererDir, `.${decodeURIComponent(url.pathname)}`);
    const inside = file.startsWith(rendererDir + path.sep);
    const ext = path.extname(file);
    if (inside && ext && ext !== '.html') {
      try {
        return send(res, 200, CONTENT_TYPES[ext] ?? 'application/octet-stream', await fs.readFile(file));
      } catch {
        return send(res, 404, 'text/plain; charset=utf-8', 'Not found');
      }
    }
    // Every other path is the single-page app, for the signed-in browser only.
    if (!signedIn) return send(res, 401, CONTENT_TYPES['.html'] ?? 'text/html', NOT_SIGNED_IN);
    return send(res, 200, CONTENT_TYPES['.html'] ?? 'text/html', page);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/?key=${token}`,
    origin,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
