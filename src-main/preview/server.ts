/**
 * Browser preview (DESIGN.md §7): serves the built renderer on 127.0.0.1 and implements
 * window.rollcall with a small script that calls the SAME dispatch() as Electron's IPC, over
 * loopback HTTP. A random per-run token, the Origin and the Host header guard the API so other
 * local pages (or a DNS-rebinding site) cannot call it.
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
const API_PREFIX = '/__rollcall/api/';
const MAX_BODY_BYTES = 1_000_000;

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
  url: string;
  close(): Promise<void>;
}

export interface PreviewOptions {
  ctx: HandlerContext;
  rendererDir: string;
  port?: number;
}

function bridgeScript(token: string): string {
  const disconnected = appError('PREVIEW_DISCONNECTED', 'The preview lost its connection to Rollcall.', 'Restart `npm run preview` (or `npm start`) and reload this page.');
  return `"use strict";(()=>{const token=${JSON.stringify(token)};const methods=${JSON.stringify(METHOD_NAMES)};
const disconnected=${JSON.stringify({ ok: false, error: disconnected })};
const call=async(method,input)=>{try{const r=await fetch(${JSON.stringify(API_PREFIX)}+method,{method:"POST",headers:{"content-type":"application/json","x-rollcall-token":token},body:JSON.stringify({input})});return await r.json();}catch{return disconnected;}};
window.rollcall=Object.freeze(Object.fromEntries(methods.map((m)=>[m,(input)=>call(m,input)])));})();`;
}

function send(res: http.ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, {
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

function tokenMatches(given: string | string[] | undefined, token: string): boolean {
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
    if (url.pathname.startsWith(API_PREFIX)) {
      if (req.method !== 'POST') return send(res, 405, 'text/plain; charset=utf-8', 'POST only');
      if (req.headers.origin !== undefined && req.headers.origin !== origin) return send(res, 403, 'text/plain; charset=utf-8', 'Wrong origin');
      if (!tokenMatches(req.headers['x-rollcall-token'], token)) return send(res, 401, 'text/plain; charset=utf-8', 'Missing or wrong token');
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
    if (url.pathname === BRIDGE_PATH) return send(res, 200, CONTENT_TYPES['.js'] ?? 'text/javascript', bridgeScript(token));
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
    // Every other path is the single-page app.
    return send(res, 200, CONTENT_TYPES['.html'] ?? 'text/html', page);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
