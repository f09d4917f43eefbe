/**
 * The Graph simulator: one HTTPS server on 127.0.0.1 playing both the Microsoft identity
 * platform (authority host) and Microsoft Graph, with a certificate from a CA made at start.
 * Faults (throttling, 503, slow answers, dropped connections) apply to Graph requests only.
 */
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { instanceDiscovery, openIdConfiguration, tokenEndpoint, TokenIssuer, type Answer } from './auth';
import { createCertificates } from './certs';
import type { Fixture, FixtureUser } from './fixture';
import { graphRoute } from './graph-routes';
import { createRng } from './prng';
import { TenantState, type UserPatch } from './state';

export interface GraphFaults {
  /** Fraction (0–1) of Graph requests answered 429 Too Many Requests. */
  throttleRate?: number;
  /** Retry-After sent with 429/503 (seconds, default 1). */
  retryAfterSeconds?: number;
  /** Fraction answered 503 Service Unavailable. */
  unavailableRate?: number;
  /** Fraction whose connection is dropped without an answer. */
  dropRate?: number;
  /** Fraction answered slowly, and how slowly. */
  slowRate?: number;
  slowMs?: number;
  /** Every `$count` request answered with this status (a tenant where Graph will not count). */
  countStatus?: number;
  /** Seed for which requests get faults (default 7): runs are repeatable. */
  seed?: number;
}

export interface GraphSimulatorOptions {
  /** 0 or omitted = any free port. */
  port?: number;
  tenant: Fixture;
  faults?: GraphFaults;
}

export interface GraphSimulatorStats {
  graphRequests: number;
  tokenRequests: number;
  throttled: number;
  unavailable: number;
  dropped: number;
}

export interface GraphSimulator {
  /** https://127.0.0.1:PORT */
  url: string;
  /** Use as EntraSettings.custom.authorityHost. */
  authorityHost: string;
  /** Use as EntraSettings.custom.graphEndpoint. */
  graphEndpoint: string;
  /** The CA to trust (EntraSettings.custom.caCertPem). */
  caCertPem: string;
  tenantId: string;
  domain: string;
  stats: GraphSimulatorStats;
  close(): Promise<void>;
  /** Control API: change the directory as an admin would in Entra. */
  addUser(user: Partial<FixtureUser> & { userPrincipalName: string }): FixtureUser;
  mutateUser(id: string, patch: UserPatch): FixtureUser;
  deleteUser(id: string): void;
  getUser(idOrUpn: string): FixtureUser | undefined;
  addGroupMember(groupId: string, memberId: string): void;
  removeGroupMember(groupId: string, memberId: string): void;
  /** A new empty group; its changes show up in /groups/delta once it is someone's member. */
  addGroup(displayName: string): { id: string; displayName: string };
  /** Grant or revoke application permissions (the next token carries them). */
  setAppRoles(clientId: string, roles: string[]): void;
  /** Make every delta token handed out so far answer 410 (as after ~7 days). */
  expireDeltaTokens(): void;
  setFaults(faults: GraphFaults): void;
}

function send(res: ServerResponse, answer: Answer): void {
  const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
  res.writeHead(answer.status, {
    'content-type': 'application/json; charset=utf-8',
    'request-id': crypto.randomUUID(),
    ...answer.headers,
  });
  res.end(text);
}

function readBody(req: IncomingMessage, limit = 64 * 1024): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new Error('body too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startGraphSimulator(options: GraphSimulatorOptions): Promise<GraphSimulator> {
  const certs = await createCertificates();
  const state = new TenantState(options.tenant);
  let faults: GraphFaults = { ...options.faults };
  let faultRng = createRng(faults.seed ?? 7);
  const stats: GraphSimulatorStats = { graphRequests: 0, tokenRequests: 0, throttled: 0, unavailable: 0, dropped: 0 };
  let url = '';
  let issuer: TokenIssuer | null = null;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const u = new URL(req.url ?? '/', url);
    const path = u.pathname;
    if (path.startsWith('/v1.0/')) {
      stats.graphRequests++;
      const roll = faultRng.next();
      let edge = 0;
      const retryAfter = String(faults.retryAfterSeconds ?? 1);
      if (roll < (edge += faults.dropRate ?? 0)) {
        stats.dropped++;
        req.socket.destroy();
        return;
      }
      if (roll < (edge += faults.throttleRate ?? 0)) {
        stats.throttled++;
        send(res, { status: 429, headers: { 'retry-after': retryAfter }, body: { error: { code: 'TooManyRequests', message: 'Too many requests, please retry later.' } } });
        return;
      }
      if (roll < (edge += faults.unavailableRate ?? 0)) {
        stats.unavailable++;
        send(res, { status: 503, headers: { 'retry-after': retryAfter }, body: { error: { code: 'serviceNotAvailable', message: 'Service unavailable.' } } });
        return;
      }
      if (roll < (edge += faults.slowRate ?? 0)) await new Promise((r) => setTimeout(r, faults.slowMs ?? 2000));
      if (faults.countStatus !== undefined && path.endsWith('/$count')) {
        send(res, { status: faults.countStatus, headers: { 'retry-after': retryAfter }, body: { error: { code: faults.countStatus === 429 ? 'TooManyRequests' : 'Request_UnsupportedQuery', message: 'Count is not supported here.' } } });
        return;
      }
      const auth = req.headers.authorization ?? '';
      const claims = auth.startsWith('Bearer ') ? issuer?.verify(auth.slice(7)) ?? null : null;
      if (!claims || claims.tid !== state.tenantId) {
        send(res, { status: 401, body: { error: { code: 'InvalidAuthenticationToken', message: 'Access token validation failure. Invalid audience.' } } });
        return;
      }
      if (req.method !== 'GET') {
        send(res, { status: 405, body: { error: { code: 'Request_BadRequest', message: 'The simulator is read-only over HTTP.' } } });
        return;
      }
      send(res, graphRoute({ path: path.slice('/v1.0'.length), query: u.searchParams, headers: req.headers, claims, base: `${url}/v1.0` }, state));
      return;
    }
    // Identity platform: /{tenant}/oauth2/v2.0/token, /{tenant}/v2.0/.well-known/openid-configuration, discovery.
    const parts = path.split('/').filter(Boolean);
    const tenant = decodeURIComponent(parts[0] ?? '');
    const rest = parts.slice(1).join('/');
    if (req.method === 'POST' && rest === 'oauth2/v2.0/token') {
      stats.tokenRequests++;
      const form = new URLSearchParams(await readBody(req));
      send(res, tokenEndpoint(state, issuer as TokenIssuer, tenant, form, url));
      return;
    }
    if (req.method === 'GET' && (rest === 'v2.0/.well-known/openid-configuration' || rest === '.well-known/openid-configuration')) {
      send(res, openIdConfiguration(state, tenant, url));
      return;
    }
    if (req.method === 'GET' && rest === 'discovery/instance') {
      send(res, instanceDiscovery(url));
      return;
    }
    send(res, { status: 404, body: { error: 'not_found', error_description: `Nothing at ${path}` } });
  }

  const server = https.createServer({ cert: certs.certPem, key: certs.keyPem }, (req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, { status: 500, body: { error: { code: 'InternalServerError', message: 'Simulator error.' } } });
      else res.destroy();
    });
  });
  // A client that does not trust our CA aborts the handshake; that is the point, not a crash.
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  url = `https://127.0.0.1:${port}`;
  issuer = new TokenIssuer(url, url);

  return {
    url,
    authorityHost: url,
    graphEndpoint: url,
    caCertPem: certs.caCertPem,
    tenantId: state.tenantId,
    domain: state.domain,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
    addUser: (user) => state.addUser(user),
    mutateUser: (id, patch) => state.mutateUser(id, patch),
    deleteUser: (id) => state.deleteUser(id),
    getUser: (idOrUpn) => state.findUser(idOrUpn),
    addGroupMember: (g, m) => state.addGroupMember(g, m),
    removeGroupMember: (g, m) => state.removeGroupMember(g, m),
    addGroup: (name) => {
      const g = state.addGroup(name);
      return { id: g.id, displayName: g.displayName };
    },
    setAppRoles: (clientId, roles) => {
      const app = state.apps.get(clientId);
      if (!app) throw new Error(`no app ${clientId}`);
      app.roles = [...roles];
    },
    expireDeltaTokens: () => {
      state.generation++;
    },
    setFaults: (f) => {
      faults = { ...f };
      faultRng = createRng(f.seed ?? 7);
    },
  };
}
