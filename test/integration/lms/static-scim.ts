/**
 * A tiny SCIM server that replays a recorded profile (test/fixtures/lms/<name>/): discovery
 * documents as recorded, Users paged with the profile's own cap, `eq` filters on userName,
 * externalId and emails.value, and PATCH "replace" of simple paths. Over HTTP or HTTPS.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

type Json = Record<string, unknown>;

export interface StaticScim {
  baseUrl: string;
  requests: Array<{ method: string; url: string }>;
  close(): Promise<void>;
}

export async function startStaticScim(opts: {
  profile: string;
  token: string;
  pageCap: number;
  tls?: { key: string; cert: string };
  /** Answer a POST with 201, a Location header and no body (some LMSs do). */
  bareCreate?: boolean;
}): Promise<StaticScim> {
  const dir = path.resolve('test/fixtures/lms', opts.profile);
  const load = (f: string): unknown => JSON.parse(readFileSync(path.join(dir, f), 'utf8'));
  const spc = load('service-provider-config.json');
  const types = load('resource-types.json');
  const schemas = load('schemas.json');
  const users = load('users.json') as Json[];
  const requests: StaticScim['requests'] = [];

  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    requests.push({ method: req.method ?? '', url: req.url ?? '' });
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${opts.token}`) return send(401, { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '401', detail: 'Unauthorized' });
    const url = new URL(req.url ?? '/', 'http://x');
    const p = url.pathname.replace(/^\/v2/, '');
    if (req.method === 'GET' && p === '/ServiceProviderConfig') return send(200, spc);
    if (req.method === 'GET' && p === '/ResourceTypes') return send(200, types);
    if (req.method === 'GET' && p === '/Schemas') return send(200, schemas);
    if (req.method === 'GET' && p === '/Users') {
      let list = users;
      const filter = url.searchParams.get('filter');
      if (filter) {
        const m = /^(userName|externalId|emails\.value) eq "(.*)"$/.exec(filter);
        if (!m) return send(400, { status: '400', scimType: 'invalidFilter', detail: 'Unsupported filter' });
        const [, attr, value] = m;
        const v = (value ?? '').toLowerCase();
        list = users.filter((u) =>
          attr === 'emails.value'
            ? ((u.emails as Json[] | undefined) ?? []).some((e) => String(e.value).toLowerCase() === v)
            : String(u[attr ?? ''] ?? '').toLowerCase() === v,
        );
      }
      const start = Math.max(1, Number(url.searchParams.get('startIndex') ?? 1));
      const count = Math.min(Number(url.searchParams.get('count') ?? opts.pageCap), opts.pageCap);
      const page = list.slice(start - 1, start - 1 + count);
      return send(200, { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: list.length, startIndex: start, itemsPerPage: page.length, Resources: page });
    }
    if (req.method === 'POST' && p === '/Users') {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      req.on('end', () => {
        const user = { ...(JSON.parse(raw) as Json), id: `new-${users.length + 1}` };
        users.push(user);
        const location = `${opts.tls ? 'https' : 'http'}://${req.headers.host ?? ''}/v2/Users/${user.id}`;
        if (opts.bareCreate) {
          res.writeHead(201, { location });
          res.end();
        } else send(201, user);
      });
      return;
    }
    const one = /^\/Users\/([^/]+)$/.exec(p);
    const user = one ? users.find((u) => u.id === one[1]) : undefined;
    if (req.method === 'GET' && one) return user ? send(200, user) : send(404, { status: '404', detail: 'User not found' });
    if (req.method === 'PATCH' && user) {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      req.on('end', () => {
        const ops = ((JSON.parse(raw) as Json).Operations ?? []) as Json[];
        for (const op of ops) {
          // "urn:…:User:employeeNumber" → the extension object, then the attribute.
          const p = String(op.path);
          const urn = p.startsWith('urn:') ? p.slice(0, p.lastIndexOf(':')) : null;
          const keys = urn ? [urn, ...p.slice(urn.length + 1).split('.')] : p.split('.');
          let cur: Json = user;
          for (const k of keys.slice(0, -1)) cur = (cur[k] ??= {}) as Json;
          cur[keys[keys.length - 1] ?? ''] = op.value;
        }
        send(200, user);
      });
      return;
    }
    send(404, { status: '404', detail: 'Not found' });
  };

  const server = opts.tls ? https.createServer({ key: opts.tls.key, cert: opts.tls.cert }, handler) : http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}/v2`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
