/**
 * SCIMMY ingress/egress handlers for Users and Groups, shared by every simulator instance (the
 * store comes from the request context). Egress answers simple equality filters from indexes
 * and pages itself, so a 100,000-user LMS does not coerce every user on every page.
 */
import type SCIMMY from 'scimmy';
import { scimError, type Json } from './store';
import type { SimContext } from './scimmy-setup';

type Resource = InstanceType<typeof SCIMMY.Types.Resource>;

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** Recognises `userName eq "x"`, `externalId eq "x"`, `emails.value eq "x"`, `id eq "x"`. */
function indexedLookup(filter: Resource['filter'], ctx: SimContext): Json[] | null {
  if (!filter || filter.length !== 1) return null;
  const expr = filter[0] as Record<string, unknown> | undefined;
  if (!expr) return null;
  const keys = Object.keys(expr);
  if (keys.length !== 1) return null;
  const key = keys[0] ?? '';
  let cond = expr[key];
  let attr = key.toLowerCase();
  if (attr === 'emails' && typeof cond === 'object' && cond !== null && !Array.isArray(cond)) {
    const sub = Object.entries(cond as Record<string, unknown>);
    if (sub.length !== 1 || sub[0]?.[0].toLowerCase() !== 'value') return null;
    attr = 'emails.value';
    cond = sub[0][1];
  }
  if (!Array.isArray(cond) || cond.length !== 2 || String(cond[0]).toLowerCase() !== 'eq') return null;
  const value = str(cond[1]);
  if (value === null) return null;
  const { store } = ctx;
  const one = (u: Json | undefined): Json[] => (u ? [u] : []);
  switch (attr) {
    case 'username':
      return one(store.findByUserName(value));
    case 'externalid':
      return one(store.findByExternalId(value));
    case 'emails.value':
      return store.findByEmail(value);
    case 'id':
      return one(store.getUser(value));
    default:
      return null;
  }
}

/**
 * Recognises `meta.lastModified gt "time"` (and ge), how a client asks for what changed: a plain
 * scan comparing times, in the store's order, instead of SCIMMY's generic matcher on every user.
 */
function modifiedAfter(filter: Resource['filter'], ctx: SimContext): Json[] | null {
  if (!filter || filter.length !== 1) return null;
  const expr = filter[0] as Record<string, unknown> | undefined;
  const meta = expr && Object.keys(expr).length === 1 ? expr.meta : undefined;
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) return null;
  const entries = Object.entries(meta as Record<string, unknown>);
  const cond = entries.length === 1 && entries[0]?.[0].toLowerCase() === 'lastmodified' ? entries[0][1] : null;
  if (!Array.isArray(cond) || cond.length !== 2) return null;
  const op = String(cond[0]).toLowerCase();
  const after = Date.parse(String(cond[1]));
  if ((op !== 'gt' && op !== 'ge') || Number.isNaN(after)) return null;
  return ctx.store.allUsers().filter((u) => {
    const t = Date.parse(String((u.meta as { lastModified?: unknown } | undefined)?.lastModified));
    return op === 'gt' ? t > after : t >= after;
  });
}

/** Slices one page and records totals for SCIMMY's ListResponse (which reads resource.constraints). */
function page(resource: Resource, items: Json[], maxResults: number): Json[] {
  const c = resource.constraints ?? {};
  const startIndex = Math.max(1, c.startIndex ?? 1);
  const count = Math.min(c.count ?? maxResults, maxResults);
  const slice = items.slice(startIndex - 1, startIndex - 1 + count);
  // SCIMMY's ListResponse reads totalResults from here. It would still re-slice a page asked for
  // with startIndex <= count (e.g. startIndex=2&count=10); clients page by whole pages, so we live with it.
  resource.constraints = { ...c, startIndex, count, totalResults: items.length } as Resource['constraints'];
  return slice;
}

export function userEgress(resource: Resource, ctx: SimContext): Json | Json[] {
  const { store } = ctx;
  if (resource.id) {
    const u = store.getUser(resource.id);
    if (!u) throw scimError(404, null, `User ${resource.id} not found`);
    return u;
  }
  const fast = indexedLookup(resource.filter, ctx) ?? modifiedAfter(resource.filter, ctx);
  const all = fast ?? (resource.filter ? resource.filter.match(store.allUsers()) : store.allUsers());
  return page(resource, all, ctx.maxResults);
}

export function userIngress(resource: Resource, instance: Json, ctx: SimContext): Json {
  const plain = JSON.parse(JSON.stringify(instance)) as Json;
  delete plain.meta;
  delete plain.schemas;
  return resource.id ? ctx.store.replaceUser(resource.id, plain) : ctx.store.createUser(plain);
}

export function groupEgress(resource: Resource, ctx: SimContext): Json | Json[] {
  const groups = ctx.store.orgList('groups') as Json[];
  if (resource.id) {
    const g = groups.find((x) => x.id === resource.id);
    if (!g) throw scimError(404, null, `Group ${resource.id} not found`);
    return g;
  }
  return page(resource, resource.filter ? resource.filter.match(groups) : groups, ctx.maxResults);
}

export function groupIngress(resource: Resource, instance: Json, ctx: SimContext): Json {
  const plain = JSON.parse(JSON.stringify(instance)) as Json;
  delete plain.meta;
  return ctx.store.putGroup(resource.id ?? null, plain);
}

const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

/**
 * A stored user as SCIMMY would emit it (schemas, meta.location, no write-only password),
 * without SCIMMY's per-attribute coercion. Stored users were coerced on the way in, so this is
 * the same document; a test compares the two. Used only for plain list pages (see server.ts).
 */
export function userOut(u: Json, usersLocation: string, extensions: readonly string[]): Json {
  const { password: _never, ...rest } = u;
  const meta = (typeof u.meta === 'object' && u.meta !== null ? u.meta : {}) as Json;
  return {
    schemas: [CORE_USER, ...extensions.filter((e) => e in u)],
    ...rest,
    meta: { ...meta, location: `${usersLocation}/${String(u.id)}` },
  };
}
