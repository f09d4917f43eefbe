/**
 * The simulated LMS: a SCIM 2.0 server on 127.0.0.1 built on scimmy + scimmy-routers (express),
 * with the behaviour a real LMS has and the faults a real network has. Plain HTTP only — it
 * listens on loopback, and the client's HTTPS path (private CA) is tested separately.
 *
 * SCIMMY keeps one global ServiceProviderConfig; each simulator answers /ServiceProviderConfig,
 * /ResourceTypes and /Schemas itself so instances with different capabilities can coexist.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import SCIMMY from 'scimmy';
import SCIMMYRouters from 'scimmy-routers';
import { ENTERPRISE_USER } from '../../core/model';
import { CORE_GROUP, type GroupFaults } from './fast-groups';
import { fastWrites, groupFaultRoutes } from './fast-routes';
import { groupEgress, groupIngress, userEgress, userIngress, userOut } from './handlers';
import { declareLmsResources, ORG_NAMESPACE, VENDOR_NAMESPACE, type SimContext } from './scimmy-setup';
import { applySeed, DEFAULT_SEED, EMPTY_SEED, type LmsSeed } from './seed';
import { LmsStore, type Json, type OrgItem, type OutboxMessage, type StoreData } from './store';

/** Faults of the network and of the LMS; those of its Groups are in GroupFaults (fast-groups.ts). */
export interface LmsFaults extends GroupFaults {
  /** Fraction (0–1) of SCIM requests answered 429 before they are processed. */
  rate429?: number;
  /** Retry-After sent with those 429s, in seconds (fractions allowed for fast tests). Default 1. */
  retryAfterSeconds?: number;
  /** Fraction (0–1) of SCIM requests answered with a 5xx before they are processed. */
  rate5xx?: number;
  /** Which 5xx. Default 503. */
  status5xx?: number;
  /** Added to every SCIM request, in ms. */
  latencyMs?: number;
  /** A careless LMS: echoes the Authorization header it got in its 401 error text. */
  echoAuthInErrors?: boolean;
  /** Advertise PATCH / filter in ServiceProviderConfig but refuse them (501 / 400), like some real LMSs. */
  refusePatch?: boolean;
  refuseFilter?: boolean;
  /** Refuse only filters on meta.lastModified, with this status (403, 404, 500 … as some real LMSs do). */
  refuseModifiedFilterWith?: number;
  /** Ignore a meta.lastModified filter and list every account, like a server that does not support it. */
  ignoreModifiedFilter?: boolean;
  /** Leave meta.lastModified as it was when an account is replaced or patched (some LMSs stamp only some changes). */
  keepLastModifiedOnUpdate?: boolean;
  /** Random source for the fractions (seed it for reproducible runs). */
  random?: () => number;
}

export interface SimCapabilities {
  filter: boolean;
  patch: boolean;
  sort: boolean;
  etag: boolean;
  /** Largest page returned (filter.maxResults). */
  maxResults: number;
  departments: boolean;
  jobProfiles: boolean;
  permissionTypes: boolean;
  enterpriseExtension: boolean;
  vendorExtension: boolean;
  /** A Groups resource type (GET, POST, PUT, PATCH); false = no /Groups at all, as many LMSs. */
  groups: boolean;
}

export type SimAuthScheme = 'Bearer' | 'Static' | (string & {}) | { basic: string };

export interface LmsSimulatorOptions {
  /** 0 (default) = a free port. */
  port?: number;
  token: string;
  /** "Bearer" (default), a custom word such as "Static", or Basic with this username. */
  authScheme?: SimAuthScheme;
  /** 'default' (the demo organisation and manual accounts), 'empty', or your own. */
  seed?: 'default' | 'empty' | LmsSeed;
  faults?: LmsFaults;
  /** Keep the LMS in this JSON file across restarts (the demo); loaded instead of the seed when present. */
  persistFile?: string;
  capabilities?: Partial<SimCapabilities>;
  /**
   * Answer User POST, PUT and PATCH without SCIMMY's schema instances where the answer is the
   * same (fast-users.ts), ~10 times faster. Default true; false sends every request through
   * SCIMMY (the tests compare the two).
   */
  fastWrites?: boolean;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  query: Record<string, unknown>;
  status: number;
  /** How many other requests were being answered when this one arrived (0 = none). */
  alongside: number;
}

export interface LmsSimulator {
  /** SCIM base URL, http://127.0.0.1:PORT/scim/v2 */
  baseUrl: string;
  /** http://127.0.0.1:PORT — serves an HTML "web app" outside /scim (a wrong URL looks like this). */
  origin: string;
  port: number;
  close(): Promise<void>;
  /** Raw SCIM users as stored. */
  users(): Json[];
  userByUserName(userName: string): Json | undefined;
  departments(): OrgItem[];
  jobProfiles(): OrgItem[];
  permissionTypes(): OrgItem[];
  /** Raw SCIM groups as stored (members and all). */
  groups(): Json[];
  /** Welcome e-mails "sent": one per user created active. */
  outbox(): { count: number; messages: OutboxMessage[] };
  requests(): RequestLogEntry[];
  clearRequests(): void;
  /** TCP connections accepted so far (shows whether the client keeps connections alive). */
  connectionCount(): number;
  setFaults(faults: LmsFaults): void;
  /**
   * The LMS's clock: what its Date header says and what it stamps meta.created/lastModified
   * with. It starts at the machine's time.
   */
  now(): Date;
  /**
   * Moves the LMS's clock forward by `ms` (a test or benchmark standing for time passing, e.g.
   * until a changes read's overlap is over, without waiting it out). Returns the new time.
   */
  advanceClock(ms: number): Date;
  store: LmsStore;
}

export const DEFAULT_SIM_CAPABILITIES: SimCapabilities = {
  filter: true,
  patch: true,
  sort: false,
  etag: true,
  maxResults: 1000,
  departments: true,
  jobProfiles: true,
  permissionTypes: true,
  enterpriseExtension: true,
  vendorExtension: true,
  groups: true,
};

const ORG_TYPES = { departments: 'Department', jobProfiles: 'JobProfile', permissionTypes: 'PermissionType' } as const;

function scimError(res: Response, status: number, detail: string, scimType?: string): void {
  res.status(status).type('application/scim+json').send(JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: String(status), ...(scimType ? { scimType } : {}), detail }));
}

function expectedAuthorization(scheme: SimAuthScheme, token: string): string {
  if (typeof scheme === 'object') return `Basic ${Buffer.from(`${scheme.basic}:${token}`).toString('base64')}`;
  return `${scheme} ${token}`;
}

function authMatches(got: string | undefined, expected: string): boolean {
  if (!got) return false;
  const [gs, ...gr] = got.trim().split(/\s+/);
  const [es, ...er] = expected.split(' ');
  return gs?.toLowerCase() === es?.toLowerCase() && gr.join(' ') === er.join(' ');
}

function saveAtomically(file: string, data: StoreData): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(data), { mode: 0o600 });
  renameSync(tmp, file);
}

export async function startLmsSimulator(options: LmsSimulatorOptions): Promise<LmsSimulator> {
  const caps: SimCapabilities = { ...DEFAULT_SIM_CAPABILITIES, ...options.capabilities };
  let faults: LmsFaults = { ...options.faults };
  const scheme = options.authScheme ?? 'Bearer';
  const expectedAuth = expectedAuthorization(scheme, options.token);
  let clockOffsetMs = 0;
  const now = (): Date => new Date(Date.now() + clockOffsetMs);
  const store = new LmsStore(VENDOR_NAMESPACE, now);
  store.keepLastModifiedOnUpdate = faults.keepLastModifiedOnUpdate === true;

  if (options.persistFile && existsSync(options.persistFile)) {
    store.load(JSON.parse(readFileSync(options.persistFile, 'utf8')) as StoreData);
  } else {
    const seed = options.seed === 'empty' ? EMPTY_SEED : options.seed === 'default' || options.seed === undefined ? DEFAULT_SEED : options.seed;
    // The seeded people were there before: created a day ago, not just now (a changes read tells them apart).
    applySeed(store, seed, VENDOR_NAMESPACE, new Date(now().getTime() - 86_400_000).toISOString());
  }
  let saveTimer: NodeJS.Timeout | null = null;
  const persistFile = options.persistFile;
  if (persistFile) {
    store.onChange = () => {
      saveTimer ??= setTimeout(() => {
        saveTimer = null;
        saveAtomically(persistFile, store.toData());
      }, 25);
    };
    saveAtomically(persistFile, store.toData());
  }

  declareLmsResources({ userEgress, userIngress, groupEgress, groupIngress });
  const ctx: SimContext = { store, maxResults: caps.maxResults };
  const log: RequestLogEntry[] = [];
  let inFlight = 0;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use((req, res, next) => {
    // The LMS's own clock (Node would send the machine's).
    res.setHeader('Date', now().toUTCString());
    const entry: RequestLogEntry = { method: req.method, path: req.path, query: { ...req.query }, status: 0, alongside: inFlight };
    log.push(entry);
    inFlight++;
    res.on('close', () => void inFlight--);
    res.on('finish', () => (entry.status = res.statusCode));
    next();
  });
  const requireAuth = (req: Request, res: Response, next: NextFunction): void => {
    if (authMatches(req.header('authorization'), expectedAuth)) return next();
    const echo = faults.echoAuthInErrors ? ` (received "${req.header('authorization') ?? ''}")` : '';
    res.setHeader('WWW-Authenticate', typeof scheme === 'object' ? 'Basic realm="LMS"' : `${scheme} realm="LMS"`);
    scimError(res, 401, `Authorization not accepted${echo}`);
  };

  app.get('/_control/outbox', requireAuth, (_req, res) => {
    res.json({ count: store.outbox.length, messages: store.outbox });
  });

  const scim = express.Router();
  scim.use(async (req, res, next) => {
    if (faults.latencyMs) await new Promise((r) => setTimeout(r, faults.latencyMs));
    const rnd = faults.random ?? Math.random;
    if (faults.rate429 && rnd() < faults.rate429) {
      res.setHeader('Retry-After', String(faults.retryAfterSeconds ?? 1));
      return scimError(res, 429, 'Too many requests; slow down');
    }
    if (faults.rate5xx && rnd() < faults.rate5xx) return scimError(res, faults.status5xx ?? 503, 'The LMS is temporarily unavailable');
    next();
  });
  scim.use(requireAuth);
  // Express 5 re-parses req.query on every access, so scimmy-routers' in-place cast of
  // startIndex/count to numbers is lost and SCIMMY ignores paging. Pin a numeric copy.
  scim.use((req, _res, next) => {
    const query: Record<string, unknown> = { ...req.query };
    for (const k of ['startIndex', 'count']) {
      const v = query[k];
      if (typeof v === 'string' && /^-?\d+$/.test(v)) query[k] = Number(v);
    }
    Object.defineProperty(req, 'query', { value: query, writable: true, configurable: true });
    next();
  });
  scim.use((req, res, next) => {
    if ((!caps.filter || faults.refuseFilter) && req.query.filter !== undefined) return scimError(res, 400, 'Filtering is not supported by this LMS', 'invalidFilter');
    const byModified = typeof req.query.filter === 'string' && /meta\.lastModified/i.test(req.query.filter);
    if (byModified && faults.refuseModifiedFilterWith !== undefined) return scimError(res, faults.refuseModifiedFilterWith, 'This LMS cannot filter on meta.lastModified');
    if (byModified && faults.ignoreModifiedFilter) delete (req.query as Record<string, unknown>).filter;
    if ((!caps.patch || faults.refusePatch) && req.method === 'PATCH') return scimError(res, 501, 'PATCH is not supported by this LMS; use PUT');
    const top = req.path.split('/')[1] ?? '';
    for (const [kind, name] of Object.entries(ORG_TYPES)) {
      if (!caps[kind as keyof typeof ORG_TYPES] && top === `${name}s`) return scimError(res, 404, 'Endpoint Not Found');
    }
    if (!caps.groups && top === 'Groups') return scimError(res, 404, 'Endpoint Not Found');
    if (req.method === 'DELETE' && top === 'Users') return scimError(res, 405, 'This LMS does not delete users through SCIM; deactivate them (active=false)');
    const ifMatch = req.header('if-match');
    const m = /^\/(Users|Groups)\/([^/]+)$/.exec(req.path);
    if (caps.etag && ifMatch && m && (req.method === 'PUT' || req.method === 'PATCH')) {
      const id = decodeURIComponent(m[2] ?? '');
      const cur = m[1] === 'Users' ? store.getUser(id) : (store.org.groups.get(id) as Json | undefined);
      const version = (cur?.meta as Json | undefined)?.version;
      if (cur && ifMatch !== '*' && ifMatch !== version) return scimError(res, 412, `The ${m[1] === 'Users' ? 'user' : 'group'} changed since you read it`, 'invalidVers');
    }
    next();
  });
  scim.get('/ServiceProviderConfig', (req, res) => {
    res.type('application/scim+json').send(
      JSON.stringify({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
        documentationUri: 'https://example.invalid/lms/scim-help',
        patch: { supported: caps.patch },
        bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
        filter: { supported: caps.filter, maxResults: caps.maxResults },
        changePassword: { supported: false },
        sort: { supported: caps.sort },
        etag: { supported: caps.etag },
        authenticationSchemes: [
          typeof scheme === 'object'
            ? { type: 'httpbasic', name: 'HTTP Basic', description: 'Username and API token', primary: true }
            : { type: 'oauthbearertoken', name: `${scheme} token`, description: `Authorization: ${scheme} <API token>`, primary: true },
        ],
        meta: { resourceType: 'ServiceProviderConfig', location: `${req.baseUrl}/ServiceProviderConfig` },
      }),
    );
  });
  const hiddenSchemas = new Set<string>([
    ...(caps.vendorExtension ? [] : [VENDOR_NAMESPACE]),
    ...(caps.enterpriseExtension ? [] : [ENTERPRISE_USER]),
    ...Object.entries(ORG_TYPES).filter(([k]) => !caps[k as keyof typeof ORG_TYPES]).map(([, n]) => `${ORG_NAMESPACE}:${n}`),
    ...(caps.groups ? [] : [CORE_GROUP]),
  ]);
  const hiddenTypes = new Set<string>([...Object.entries(ORG_TYPES).filter(([k]) => !caps[k as keyof typeof ORG_TYPES]).map(([, n]) => n), ...(caps.groups ? [] : ['Group'])]);
  const list = (items: Json[]): string => JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: items.length, itemsPerPage: items.length, startIndex: 1, Resources: items });
  scim.get('/ResourceTypes', async (req, res) => {
    SCIMMY.Resources.ResourceType.basepath(req.baseUrl);
    const all = JSON.parse(JSON.stringify(await new SCIMMY.Resources.ResourceType().read())) as { Resources: Json[] };
    const items = all.Resources.filter((r) => !hiddenTypes.has(String(r.name))).map((r) => ({
      ...r,
      ...(Array.isArray(r.schemaExtensions) ? { schemaExtensions: (r.schemaExtensions as Json[]).filter((e) => !hiddenSchemas.has(String(e.schema))) } : {}),
    }));
    res.type('application/scim+json').send(list(items));
  });
  scim.get('/Schemas', async (req, res) => {
    SCIMMY.Resources.Schema.basepath(req.baseUrl);
    const all = JSON.parse(JSON.stringify(await new SCIMMY.Resources.Schema().read())) as { Resources: Json[] };
    res.type('application/scim+json').send(list(all.Resources.filter((s) => !hiddenSchemas.has(String(s.id)))));
  });
  // Plain list pages (no filter, attributes or sort) skip SCIMMY's per-user coercion, which costs
  // ~0.3 ms a user: a 100,000-user read took 33 s through it. Everything else goes through SCIMMY.
  const extensions = [ENTERPRISE_USER, VENDOR_NAMESPACE];
  scim.get('/Users', (req, res, next) => {
    const q = req.query as Record<string, unknown>;
    if (['filter', 'attributes', 'excludedAttributes', 'sortBy'].some((k) => q[k] !== undefined)) return next();
    const all = store.allUsers();
    const startIndex = Math.max(1, typeof q.startIndex === 'number' ? q.startIndex : 1);
    const count = Math.max(0, Math.min(typeof q.count === 'number' ? q.count : caps.maxResults, caps.maxResults));
    const location = `http://${req.header('host') ?? '127.0.0.1'}${req.baseUrl}/Users`;
    const page = all.slice(startIndex - 1, startIndex - 1 + count).map((u) => userOut(u, location, extensions));
    res.type('application/scim+json').send(
      JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: all.length, itemsPerPage: page.length, startIndex, Resources: page }),
    );
  });
  const scimmy = new SCIMMYRouters({
    type: 'bearer',
    // Authentication already happened above (with the configurable scheme).
    handler: () => 'simulator-admin',
    context: () => ctx,
    baseUri: (req: Request) => `http://${req.header('host') ?? '127.0.0.1'}`,
  });
  groupFaultRoutes(scim, () => faults, (id) => {
    const name = (store.org.groups.get(id) as Json | undefined)?.displayName;
    return typeof name === 'string' ? name : undefined;
  });
  if (options.fastWrites !== false) fastWrites(scim, store, extensions);
  scim.use(scimmy);
  app.use('/scim/v2', scim);
  app.use('/scim', (_req, res) => scimError(res, 404, 'Endpoint Not Found'));
  // Outside /scim it is "the LMS web app": HTML for every GET, like a single-page app.
  app.use((req, res) => {
    if (req.method !== 'GET') return void res.status(404).type('text/html').send('<!doctype html><title>Not found</title>');
    res.type('text/html').send('<!doctype html><html><head><title>Learning platform</title></head><body><h1>Sign in to your learning platform</h1></body></html>');
  });

  const server = http.createServer(app);
  let connections = 0;
  server.on('connection', () => connections++);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;

  return {
    baseUrl: `${origin}/scim/v2`,
    origin,
    port,
    store,
    close: async () => {
      if (saveTimer && persistFile) {
        clearTimeout(saveTimer);
        saveAtomically(persistFile, store.toData());
      }
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    users: () => store.allUsers(),
    userByUserName: (u) => store.findByUserName(u),
    departments: () => store.orgList('departments') as OrgItem[],
    jobProfiles: () => store.orgList('jobProfiles') as OrgItem[],
    permissionTypes: () => store.orgList('permissionTypes') as OrgItem[],
    groups: () => store.orgList('groups') as Json[],
    outbox: () => ({ count: store.outbox.length, messages: [...store.outbox] }),
    requests: () => [...log],
    clearRequests: () => void log.splice(0),
    connectionCount: () => connections,
    now,
    advanceClock: (ms) => {
      if (!(ms >= 0)) throw new Error(`the LMS clock only moves forward (asked to move ${ms} ms)`);
      clockOffsetMs += ms;
      return now();
    },
    setFaults: (f) => {
      faults = { ...f };
      store.keepLastModifiedOnUpdate = faults.keepLastModifiedOnUpdate === true;
    },
  };
}
