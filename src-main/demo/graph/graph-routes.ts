/**
 * The Microsoft Graph v1.0 endpoints the Entra reader uses, with Graph's real habits: $select
 * honoured, $top capped at 999 (100 when $expand is used), opaque $skiptoken paging, delta
 * tokens, ConsistencyLevel for $count, and 403 Authorization_RequestDenied without the role.
 */
import type { Answer, TokenClaims } from './auth';
import type { FixtureGroup, FixtureUser } from './fixture';
import type { TenantState } from './state';

const USER_TYPE = '#microsoft.graph.user';
const GROUP_TYPE = '#microsoft.graph.group';
const DEFAULT_USER_SELECT = ['id', 'displayName', 'givenName', 'surname', 'mail', 'userPrincipalName', 'jobTitle', 'officeLocation', 'preferredLanguage'];
const DELTA_PAGE = 200;
/** Members per /groups/delta page: Graph was seen listing a ~10,000-member group over 20 pages. */
const GROUP_DELTA_PAGE = 500;

function graphError(status: number, code: string, message: string): Answer {
  return { status, body: { error: { code, message, innerError: { date: new Date().toISOString(), 'request-id': crypto.randomUUID() } } } };
}

const denied = (): Answer => graphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
const notFound = (id: string): Answer => graphError(404, 'Request_ResourceNotFound', `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);
const unsupported = (what: string): Answer => graphError(400, 'Request_UnsupportedQuery', `Unsupported query: ${what}`);

function has(claims: TokenClaims, ...roles: string[]): boolean {
  return roles.some((r) => claims.roles.includes(r));
}
const canReadUsers = (c: TokenClaims): boolean => has(c, 'User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All');
const canReadGroups = (c: TokenClaims): boolean => has(c, 'Group.Read.All', 'GroupMember.Read.All', 'Directory.Read.All', 'Directory.ReadWrite.All');
const canReadLifecycle = (c: TokenClaims): boolean => has(c, 'User-LifecycleInfo.Read.All', 'User-LifecycleInfo.ReadWrite.All');

function encodeToken(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decodeToken<T>(token: string | null): T | null {
  if (!token) return null;
  try {
    return JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as T;
  } catch {
    return null;
  }
}

export interface GraphRequest {
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  claims: TokenClaims;
  /** e.g. https://127.0.0.1:1234/v1.0 */
  base: string;
}

function selectList(q: URLSearchParams): string[] | null {
  const s = q.get('$select');
  return s ? s.split(',').map((x) => x.trim()).filter(Boolean) : null;
}

function projectUser(u: FixtureUser, select: string[] | null, state: TenantState, expandManager: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { id: u.id };
  const record = u as unknown as Record<string, unknown>;
  for (const f of select ?? DEFAULT_USER_SELECT) {
    if (f === 'id' || f === 'manager') continue;
    if (f in record && f !== 'extra' && f !== 'managerId') out[f] = record[f];
    else out[f] = u.extra[f] ?? null;
  }
  if (expandManager) {
    const m = u.managerId ? state.users.get(u.managerId) : undefined;
    if (m) out.manager = { '@odata.type': USER_TYPE, id: m.id };
  }
  return out;
}

function pageSize(q: URLSearchParams, max: number): number | Answer {
  const raw = q.get('$top');
  if (raw === null) return Math.min(100, max);
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 999) return graphError(400, 'Request_BadRequest', `Invalid page size specified: '${raw}'. Must be between 1 and 999 inclusive.`);
  return Math.min(n, max);
}

/** Keep every query option, swap the paging token: how Graph's nextLinks look. */
function linkWith(base: string, path: string, q: URLSearchParams, name: '$skiptoken' | '$deltatoken', token: string): string {
  const next = new URLSearchParams(q);
  next.delete('$skiptoken');
  next.delete('$deltatoken');
  next.set(name, token);
  return `${base}${path}?${next.toString()}`;
}

function paged<T>(req: GraphRequest, items: readonly T[], size: number, render: (item: T) => unknown, extra: Record<string, unknown> = {}): Answer {
  const offset = decodeToken<{ o: number }>(req.query.get('$skiptoken'))?.o ?? 0;
  const page = items.slice(offset, offset + size).map(render);
  const body: Record<string, unknown> = { '@odata.context': `${req.base}/$metadata`, ...extra, value: page };
  if (offset + size < items.length) body['@odata.nextLink'] = linkWith(req.base, req.path, req.query, '$skiptoken', encodeToken({ o: offset + size }));
  return { status: 200, body };
}

function parseInList(filter: string): string[] | null {
  const m = /^id in \((.*)\)$/i.exec(filter.trim());
  if (!m?.[1]) return null;
  return [...m[1].matchAll(/'((?:[^']|'')*)'/g)].map((x) => (x[1] as string).replace(/''/g, "'"));
}

function parseEq(filter: string): { field: string; value: string } | null {
  const m = /^(mail|userPrincipalName|displayName) eq '((?:[^']|'')*)'$/i.exec(filter.trim());
  return m ? { field: m[1] as string, value: (m[2] as string).replace(/''/g, "'") } : null;
}

/** otherMails/any(x:x eq '…') and proxyAddresses/any(x:x eq 'smtp:…'), as Graph filters aliases (case-insensitive). */
function parseAnyEq(filter: string): { field: 'otherMails' | 'proxyAddresses'; value: string } | null {
  const m = /^(otherMails|proxyAddresses)\/any\((\w+):\s*\2 eq '((?:[^']|'')*)'\)$/i.exec(filter.trim());
  if (!m) return null;
  return { field: (m[1] as string).toLowerCase() === 'othermails' ? 'otherMails' : 'proxyAddresses', value: (m[3] as string).replace(/''/g, "'") };
}

function eventual(req: GraphRequest): boolean {
  const h = req.headers.consistencylevel;
  return (Array.isArray(h) ? h[0] : h)?.toLowerCase() === 'eventual';
}

function users(req: GraphRequest, state: TenantState): Answer {
  const select = selectList(req.query);
  if (select?.includes('employeeLeaveDateTime') && !canReadLifecycle(req.claims)) return denied();
  const expand = req.query.get('$expand');
  const expandManager = expand !== null && /^manager(\(.*\))?$/.test(expand);
  if (expand !== null && !expandManager) return unsupported(`$expand=${expand}`);
  // Graph's known limit: $expand on directory objects returns at most 100 per page.
  const size = pageSize(req.query, expandManager ? 100 : 999);
  if (typeof size !== 'number') return size;
  const filter = req.query.get('$filter');
  let list: FixtureUser[];
  if (filter === null) {
    // Page straight off the id order: no copy of a 100,000-user list per page.
    return paged(req, state.order, size, (id) => projectUser(state.users.get(id) as FixtureUser, select, state, expandManager));
  } else {
    const ids = parseInList(filter);
    const eq = ids ? null : parseEq(filter);
    const anyEq = ids || eq ? null : parseAnyEq(filter);
    if (ids) {
      if (ids.length > 15) return graphError(400, 'Request_BadRequest', 'Too many values in an in filter: at most 15.');
      list = ids.map((id) => state.users.get(id)).filter((u): u is FixtureUser => u !== undefined);
    } else if (eq) {
      const v = eq.value.toLowerCase();
      list = [...state.users.values()].filter((u) => ((u as unknown as Record<string, unknown>)[eq.field] as string | null)?.toLowerCase() === v);
    } else if (anyEq) {
      const v = anyEq.value.toLowerCase();
      list = [...state.users.values()].filter((u) => u[anyEq.field].some((a) => a.toLowerCase() === v));
    } else return unsupported(`$filter=${filter}`);
  }
  return paged(req, list, size, (u) => projectUser(u, select, state, expandManager));
}

interface DeltaCursor {
  g: number;
  /** Changes after this seq… */
  s: number;
  /** …up to this one (fixed when the round starts); -1 = initial round. */
  u: number;
  o: number;
}

/** Where a /users/delta or /groups/delta round stands: a page of it, a later round, or the first. */
function deltaCursor(skipToken: string | null, deltaToken: string | null, state: TenantState): DeltaCursor | Answer {
  let cursor: DeltaCursor;
  if (skipToken) {
    const c = decodeToken<DeltaCursor>(skipToken);
    if (!c) return graphError(400, 'Request_BadRequest', 'Invalid skip token.');
    cursor = c;
  } else if (deltaToken) {
    const t = decodeToken<{ g: number; s: number }>(deltaToken);
    if (!t) return graphError(400, 'Request_BadRequest', 'Invalid delta token.');
    cursor = { g: t.g, s: t.s, u: state.seq, o: 0 };
  } else {
    cursor = { g: state.generation, s: -1, u: state.seq, o: 0 };
  }
  if (cursor.g !== state.generation) {
    return graphError(410, 'syncStateNotFound', 'The sync state generation is not valid any more. Resync without a state token.');
  }
  return cursor;
}

function usersDelta(req: GraphRequest, state: TenantState): Answer {
  const select = selectList(req.query);
  if (select?.includes('employeeLeaveDateTime') && !canReadLifecycle(req.claims)) return denied();
  const withManager = select?.includes('manager') ?? false;
  const deltaToken = req.query.get('$deltatoken');
  const skipToken = req.query.get('$skiptoken');
  if (deltaToken === 'latest') {
    return { status: 200, body: { value: [], '@odata.deltaLink': linkWith(req.base, req.path, req.query, '$deltatoken', encodeToken({ g: state.generation, s: state.seq })) } };
  }
  const cursor = deltaCursor(skipToken, deltaToken, state);
  if ('status' in cursor) return cursor;
  const ids = cursor.s < 0 ? state.order : state.changedSince(cursor.s);
  const page = ids.slice(cursor.o, cursor.o + DELTA_PAGE).map((id) => {
    const u = state.users.get(id);
    if (!u) return { id, '@removed': { reason: 'changed' } };
    const out = projectUser(u, select, state, false);
    if (withManager) out['manager@delta'] = u.managerId ? [{ '@odata.type': USER_TYPE, id: u.managerId }] : [];
    return out;
  });
  const body: Record<string, unknown> = { '@odata.context': `${req.base}/$metadata#users(${(select ?? []).join(',')})`, value: page };
  const q = new URLSearchParams(req.query);
  q.delete('$deltatoken');
  q.delete('$skiptoken');
  if (cursor.o + DELTA_PAGE < ids.length) {
    body['@odata.nextLink'] = linkWith(req.base, req.path, q, '$skiptoken', encodeToken({ ...cursor, o: cursor.o + DELTA_PAGE }));
  } else {
    body['@odata.deltaLink'] = linkWith(req.base, req.path, q, '$deltatoken', encodeToken({ g: cursor.g, s: cursor.u }));
  }
  return { status: 200, body };
}

/** Graph filters /groups/delta by id with `id eq '…' or id eq '…'`, at most 50 ids. */
function parseIdEqList(filter: string): string[] | null {
  const parts = filter.trim().split(/\s+or\s+/i);
  const ids: string[] = [];
  for (const p of parts) {
    const m = /^id eq '((?:[^']|'')*)'$/i.exec(p.trim());
    if (!m) return null;
    ids.push((m[1] as string).replace(/''/g, "'"));
  }
  return ids;
}

type MemberItem = { groupId: string; member: { id: string; kind: 'user' | 'group'; removed: boolean } | null };

/**
 * /groups/delta?$filter=id eq '…' or …&$select=displayName,members. The first round lists each
 * group with its whole direct membership in members@delta; later rounds only the memberships
 * added or removed since the token, last word per (group, member). A page holds GROUP_DELTA_PAGE
 * members, so a big group's members span several pages, the group object repeated on each.
 */
function groupsDelta(req: GraphRequest, state: TenantState): Answer {
  const filter = req.query.get('$filter');
  if (filter === null) return unsupported('/groups/delta without a $filter by id (the simulator tracks chosen groups only)');
  const ids = parseIdEqList(filter);
  if (!ids) return unsupported(`$filter=${filter}`);
  if (ids.length > 50) return graphError(400, 'Request_BadRequest', 'Too many ids in the filter: at most 50.');
  const select = selectList(req.query);
  const withMembers = select?.includes('members') ?? false;
  const deltaToken = req.query.get('$deltatoken');
  const skipToken = req.query.get('$skiptoken');
  const cursor = deltaCursor(skipToken, deltaToken, state);
  if ('status' in cursor) return cursor;
  let items: MemberItem[] = [];
  let total = 0;
  if (cursor.s < 0) {
    // Only this page's members are materialised: a 100,000-member group is paged without copies.
    for (const id of new Set(ids)) {
      const g = state.groups.get(id);
      if (!g) continue;
      const users = withMembers ? g.memberUserIds : [];
      const groups = withMembers ? g.memberGroupIds : [];
      const n = Math.max(1, users.length + groups.length);
      const from = Math.max(0, cursor.o - total);
      const to = Math.min(n, cursor.o + GROUP_DELTA_PAGE - total);
      for (let i = from; i < to; i++) {
        if (i < users.length) items.push({ groupId: id, member: { id: users[i] as string, kind: 'user', removed: false } });
        else if (i - users.length < groups.length) items.push({ groupId: id, member: { id: groups[i - users.length] as string, kind: 'group', removed: false } });
        else items.push({ groupId: id, member: null });
      }
      total += n;
    }
  } else if (withMembers) {
    for (const c of state.memberChanges(new Set(ids), cursor.s, cursor.u)) {
      const g = state.groups.get(c.groupId);
      const present = g !== undefined && (c.kind === 'user' ? g.memberUserIds : g.memberGroupIds).includes(c.memberId);
      items.push({ groupId: c.groupId, member: { id: c.memberId, kind: c.kind, removed: !present } });
    }
    total = items.length;
    items = items.slice(cursor.o, cursor.o + GROUP_DELTA_PAGE);
  }
  const page: Array<Record<string, unknown>> = [];
  for (const item of items) {
    let last = page[page.length - 1];
    if (last?.id !== item.groupId) {
      const g = state.groups.get(item.groupId);
      last = g ? projectGroup(g, select?.filter((f) => f !== 'members') ?? null) : { id: item.groupId };
      if (withMembers) last['members@delta'] = [];
      page.push(last);
    }
    if (item.member) {
      const m: Record<string, unknown> = { '@odata.type': item.member.kind === 'user' ? USER_TYPE : GROUP_TYPE, id: item.member.id };
      if (item.member.removed) m['@removed'] = { reason: 'deleted' };
      (last['members@delta'] as unknown[]).push(m);
    }
  }
  const body: Record<string, unknown> = { '@odata.context': `${req.base}/$metadata#groups(${(select ?? []).join(',')})`, value: page };
  const q = new URLSearchParams(req.query);
  q.delete('$deltatoken');
  q.delete('$skiptoken');
  if (cursor.o + GROUP_DELTA_PAGE < total) {
    body['@odata.nextLink'] = linkWith(req.base, req.path, q, '$skiptoken', encodeToken({ ...cursor, o: cursor.o + GROUP_DELTA_PAGE }));
  } else {
    body['@odata.deltaLink'] = linkWith(req.base, req.path, q, '$deltatoken', encodeToken({ g: cursor.g, s: cursor.u }));
  }
  return { status: 200, body };
}

function projectGroup(g: FixtureGroup, select: string[] | null): Record<string, unknown> {
  const all: Record<string, unknown> = { id: g.id, displayName: g.displayName, description: g.description, securityEnabled: g.securityEnabled, mailEnabled: false, groupTypes: [] };
  if (!select) return all;
  const out: Record<string, unknown> = { id: g.id };
  for (const f of select) out[f] = all[f] ?? null;
  return out;
}

function groupsList(req: GraphRequest, state: TenantState): Answer {
  const count = req.query.get('$count') === 'true';
  if (count && !eventual(req)) return graphError(400, 'Request_BadRequest', '$count requires the ConsistencyLevel: eventual header.');
  const filter = req.query.get('$filter');
  let list = [...state.groups.values()];
  if (filter !== null) {
    const m = /^startswith\(displayName,\s*'((?:[^']|'')*)'\)$/i.exec(filter.trim());
    if (!m) return unsupported(`$filter=${filter}`);
    const prefix = (m[1] as string).replace(/''/g, "'").toLowerCase();
    list = list.filter((g) => g.displayName.toLowerCase().startsWith(prefix));
  }
  list.sort((a, b) => a.displayName.localeCompare(b.displayName));
  const size = pageSize(req.query, 999);
  if (typeof size !== 'number') return size;
  const select = selectList(req.query);
  return paged(req, list, size, (g) => projectGroup(g, select), count ? { '@odata.count': list.length } : {});
}

function members(req: GraphRequest, state: TenantState, g: FixtureGroup, transitive: boolean, rest: string[]): Answer {
  let list: Array<{ id: string; kind: 'user' | 'group' }> = transitive
    ? state.transitiveMembers(g.id)
    : [...g.memberUserIds.map((id) => ({ id, kind: 'user' as const })), ...g.memberGroupIds.map((id) => ({ id, kind: 'group' as const }))];
  let tail = rest[0];
  // A type cast may be followed by $count (…/members/microsoft.graph.group/$count), as in Graph.
  if (tail === 'microsoft.graph.group' || tail === 'microsoft.graph.user') {
    const kind = tail === 'microsoft.graph.group' ? 'group' : 'user';
    list = list.filter((m) => m.kind === kind);
    tail = rest[1] === '$count' ? '$count' : rest[1] === undefined ? undefined : `${tail}/${rest[1]}`;
  }
  if (tail === '$count') {
    if (!eventual(req)) return graphError(400, 'Request_BadRequest', '$count requires the ConsistencyLevel: eventual header.');
    return { status: 200, body: String(list.length), headers: { 'content-type': 'text/plain' } };
  } else if (tail !== undefined) return notFound(tail);
  const size = pageSize(req.query, 999);
  if (typeof size !== 'number') return size;
  const select = selectList(req.query);
  return paged(req, list, size, (m) => {
    const out: Record<string, unknown> = { '@odata.type': m.kind === 'user' ? USER_TYPE : GROUP_TYPE, id: m.id };
    if (select?.includes('displayName')) out.displayName = m.kind === 'user' ? state.users.get(m.id)?.displayName ?? null : state.groups.get(m.id)?.displayName ?? null;
    return out;
  });
}

export function graphRoute(req: GraphRequest, state: TenantState): Answer {
  const parts = req.path.split('/').filter(Boolean).map(decodeURIComponent);
  const [collection, id, sub, ...rest] = parts;
  if (collection === 'users') {
    if (!canReadUsers(req.claims)) return denied();
    if (id === undefined) return users(req, state);
    if (id === 'delta' && sub === undefined) return usersDelta(req, state);
    const u = state.findUser(id);
    if (!u) return notFound(id);
    if (sub === 'manager') {
      const m = u.managerId ? state.users.get(u.managerId) : undefined;
      return m ? { status: 200, body: { '@odata.type': USER_TYPE, id: m.id } } : notFound('manager');
    }
    if (sub !== undefined) return notFound(sub);
    const select = selectList(req.query);
    if (select?.includes('employeeLeaveDateTime') && !canReadLifecycle(req.claims)) return denied();
    const expand = req.query.get('$expand');
    return { status: 200, body: projectUser(u, select, state, expand !== null && expand.startsWith('manager')) };
  }
  if (collection === 'groups') {
    if (!canReadGroups(req.claims)) return denied();
    if (id === undefined) return groupsList(req, state);
    if (id === 'delta' && sub === undefined) return groupsDelta(req, state);
    const g = state.groups.get(id);
    if (!g) return notFound(id);
    if (sub === undefined) return { status: 200, body: projectGroup(g, selectList(req.query)) };
    if (sub === 'members' || sub === 'transitiveMembers') return members(req, state, g, sub === 'transitiveMembers', rest);
    return notFound(sub);
  }
  return graphError(400, 'BadRequest', `Resource not found for the segment '${collection ?? ''}'.`);
}
