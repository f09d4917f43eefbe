/**
 * The Entra ID SourceDirectory. One instance per integration: it holds the MSAL client (tokens
 * in memory only), a keep-alive HTTPS agent and request counters.
 *
 * Reads never pretend: a full read that fails anywhere (users, groups, a page after retries)
 * returns an error; it never hands back a snapshot with complete = true that is missing people.
 */
import { GUID_PATTERN, TENANT_ID_PATTERN, type EntraSettings } from '../core/config';
import type { GroupSummary, ReadProgress, SourceConnectionReport, SourceDeltaResult, SourceDirectory, SourceFullResult, SourceGroupsRead, SourceReadOptions } from '../core/directories';
import { appError, fail, ok, type AppError, type Result } from '../core/errors';
import type { SourceGroup, SourceUser } from '../core/model';
import { cloudEndpoints } from './clouds';
import { readDeltaChanges, readUsersById, deltaSelect, latestDeltaLink } from './delta';
import { clientIdInvalid, cloudInvalid, consentMissing, scrubSecret, secretMissing, tenantInvalid } from './errors';
import { createGraphClient, type GraphErrorInfo, type GraphStats } from './graph-client';
import { readGroupTree, searchGroups } from './groups';
import { readGroupTreeDelta, readGroupTreeWithLink } from './groups-delta';
import { createTransport } from './http';
import { decodeJwtPayload, missingPermissions, tokenRoles } from './jwt';
import type { RetryPolicy } from './retry';
import { createTokenProvider } from './token';
import { MANAGER_EXPAND, toSourceUser, userSelect, usersListPath } from './users';

export interface EntraSourceOptions {
  /** Graph requests in flight at once (default 4). */
  concurrency?: number;
  retry?: Partial<RetryPolicy>;
  /** Per request (default 60 s). */
  requestTimeoutMs?: number;
}

export interface EntraSource extends SourceDirectory {
  /** Requests made, retries and throttled answers since creation (bench, diagnostics). */
  readonly stats: GraphStats;
  /** Close idle connections. */
  close(): void;
}

const usersDenied = (info: GraphErrorInfo): AppError | null =>
  info.status === 403 ? consentMissing(['User.Read.All'], 'read users') : null;

export function createEntraSource(settings: EntraSettings, clientSecret: string, options: EntraSourceOptions = {}): EntraSource {
  const tenantId = settings.tenantId.trim();
  const clientId = settings.clientId.trim();
  const secret = clientSecret.trim();
  const configured = cloudEndpoints(settings);
  // A broken custom cloud fails every call in precheck(); the placeholder is never contacted.
  const endpoints = configured ?? { authorityHost: 'https://cloud-not-configured.invalid', graphEndpoint: 'https://cloud-not-configured.invalid', caCertPem: null, custom: true };
  const transport = createTransport({
    extraCaPem: endpoints.caCertPem,
    maxSockets: Math.max(4, (options.concurrency ?? 4) * 2),
    ...(options.requestTimeoutMs ? { defaultTimeoutMs: options.requestTimeoutMs } : {}),
  });
  const tokens = createTokenProvider({ endpoints, tenantId, clientId, secret, transport });
  const graph = createGraphClient({
    endpoint: endpoints.graphEndpoint,
    transport,
    tokens,
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.requestTimeoutMs ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
  });

  /** Input problems are caught before anything is sent. */
  function precheck(): AppError | null {
    if (!configured) return cloudInvalid();
    if (!TENANT_ID_PATTERN.test(tenantId)) return tenantInvalid(tenantId);
    if (!GUID_PATTERN.test(clientId)) return clientIdInvalid(clientId);
    if (!secret) return secretMissing();
    return null;
  }

  /** Every Result leaves through here: errors are scrubbed of the secret, once, at the edge. */
  async function edge<T>(run: () => Promise<Result<T>>): Promise<Result<T>> {
    const bad = precheck();
    if (bad) return fail(scrubSecret(bad, secret));
    const r = await run();
    return r.ok ? r : fail(scrubSecret(r.error, secret));
  }

  async function grantedRoles(signal?: AbortSignal): Promise<Result<{ roles: string[]; token: string; expiresOn: Date | null }>> {
    const t = await tokens.getToken(signal);
    if (!t.ok) return t;
    return ok({ roles: tokenRoles(t.value.accessToken), token: t.value.accessToken, expiresOn: t.value.expiresOn });
  }

  /** What this token may read; fails when users (or asked-for groups) cannot be read at all. */
  async function readAccess(needGroups: boolean, signal?: AbortSignal): Promise<Result<{ lifecycleReadable: boolean }>> {
    const r = await grantedRoles(signal);
    if (!r.ok) return r;
    const missing = missingPermissions(r.value.roles);
    if (missing.includes('User.Read.All')) return fail(consentMissing(['User.Read.All'], 'read users'));
    if (needGroups && missing.includes('Group.Read.All')) return fail(consentMissing(['Group.Read.All'], 'read the scope groups'));
    // Without User-LifecycleInfo.Read.All Graph refuses any request naming employeeLeaveDateTime;
    // users are still read, with Last Day unknown (null), and testConnection says what is missing.
    return ok({ lifecycleReadable: !missing.includes('User-LifecycleInfo.Read.All') });
  }

  async function readAllUsers(opts: SourceReadOptions, lifecycleReadable: boolean): Promise<Result<SourceUser[]>> {
    const users: SourceUser[] = [];
    const res = await graph.pages(
      usersListPath(opts.extraAttributes, lifecycleReadable),
      (items) => {
        for (const raw of items) {
          const u = toSourceUser(raw, opts.extraAttributes);
          if (u) users.push(u);
        }
        opts.onProgress?.({ phase: 'users', done: users.length, total: null });
      },
      { ...(opts.signal ? { signal: opts.signal } : {}), onError: usersDenied },
    );
    return res.ok ? ok(users) : res;
  }

  const source: EntraSource = {
    stats: graph.stats,
    close: () => transport.destroy(),

    testConnection: (signal) =>
      edge(async (): Promise<Result<SourceConnectionReport>> => {
        const r = await grantedRoles(signal);
        if (!r.ok) return r;
        const tid = decodeJwtPayload(r.value.token)?.tid;
        return ok({
          tenantId: typeof tid === 'string' ? tid : tenantId,
          roles: r.value.roles,
          missingPermissions: missingPermissions(r.value.roles),
          tokenExpiresOn: r.value.expiresOn ? r.value.expiresOn.toISOString() : null,
        });
      }),

    readFull: (opts) =>
      edge(async (): Promise<Result<SourceFullResult>> => {
        const access = await readAccess(opts.groupIds.length > 0, opts.signal);
        if (!access.ok) return access;
        const { lifecycleReadable } = access.value;
        // Taken before the listing, so changes made while we read are in the next delta.
        const link = await latestDeltaLink(graph, deltaSelect(opts.extraAttributes, lifecycleReadable), opts.signal);
        if (!link.ok) return link;
        // Groups are read (with a link for their membership changes) while the users are listed;
        // their progress shows once the users are done, so the count does not jump about.
        let usersDone = false;
        const groupsProgress = (p: ReadProgress) => (usersDone ? opts.onProgress?.(p) : undefined);
        // A failed user listing stops the group read: the run fails now, not after every group page.
        const groups$ = new AbortController();
        const groupsSignal = opts.signal ? AbortSignal.any([opts.signal, groups$.signal]) : groups$.signal;
        const groupsRead = opts.groupIds.length > 0 ? readGroupTreeWithLink(graph, opts.groupIds, groupsSignal, groupsProgress) : Promise.resolve(ok({ groups: [] as SourceGroup[], link: null }));
        const users = await readAllUsers(opts, lifecycleReadable);
        usersDone = true;
        if (!users.ok) groups$.abort();
        const g = await groupsRead;
        if (!users.ok) return users;
        if (!g.ok) return g;
        const groups = g.value.groups;
        return ok({
          snapshot: {
            readAt: new Date().toISOString(),
            complete: true,
            incompleteReason: null,
            readMode: 'full',
            users: users.value,
            groups,
            ...(lifecycleReadable ? {} : { lastDayUnread: true }),
          },
          deltaLink: link.value,
          groupsDeltaLink: g.value.link,
        });
      }),

    readDelta: (deltaLink, opts) =>
      edge(async (): Promise<Result<SourceDeltaResult>> => {
        const access = await readAccess(false, opts.signal);
        if (!access.ok) return access;
        const changes = await readDeltaChanges(graph, deltaLink, opts.signal);
        if (!changes.ok) return changes;
        opts.onProgress?.({ phase: 'changes', done: 0, total: changes.value.changedIds.length });
        const reread = await readUsersById(graph, changes.value.changedIds, opts.extraAttributes, access.value.lifecycleReadable, usersDenied, opts.signal);
        if (!reread.ok) return reread;
        opts.onProgress?.({ phase: 'changes', done: changes.value.changedIds.length, total: changes.value.changedIds.length });
        return ok({
          upserted: reread.value.users,
          removedIds: [...changes.value.removedIds, ...reread.value.missingIds],
          deltaLink: changes.value.deltaLink,
          lastDayUnread: !access.value.lifecycleReadable,
        });
      }),

    searchGroups: (prefix, signal) =>
      edge(async (): Promise<Result<GroupSummary[]>> => {
        if (!prefix.trim()) return ok([]);
        return searchGroups(graph, prefix, signal);
      }),

    readGroups: (groupIds, signal) => edge(() => readGroupTree(graph, groupIds, signal)),

    readGroupsDelta: (groupIds, cached, groupsDeltaLink, opts = {}) =>
      edge(async (): Promise<Result<SourceGroupsRead>> => {
        if (cached && groupsDeltaLink) {
          const d = await readGroupTreeDelta(graph, groupIds, cached, groupsDeltaLink, opts.signal, opts.onProgress);
          if (d.ok) return ok({ groups: d.value.groups, groupsDeltaLink: d.value.link, readMode: 'delta' });
          // Like the users' delta: an expired link means reading in full, not failing.
          if (d.error.code !== 'ENTRA_DELTA_EXPIRED') return d;
        }
        const full = await readGroupTreeWithLink(graph, groupIds, opts.signal, opts.onProgress);
        return full.ok ? ok({ groups: full.value.groups, groupsDeltaLink: full.value.link, readMode: 'full' }) : full;
      }),

    readUser: (query, extraAttributes, signal) =>
      edge(async (): Promise<Result<SourceUser | null>> => {
        const access = await readAccess(false, signal);
        if (!access.ok) return access;
        const q = query.trim();
        if (!q) return ok(null);
        const select = encodeURIComponent(userSelect(extraAttributes, access.value.lifecycleReadable));
        const expand = encodeURIComponent(MANAGER_EXPAND);
        const base = { ...(signal ? { signal } : {}), onError: usersDenied };
        if (GUID_PATTERN.test(q) || q.includes('@')) {
          const byKey = await graph.get(`/users/${encodeURIComponent(q)}?$select=${select}&$expand=${expand}`, { ...base, allowStatuses: [404, 400] });
          if (!byKey.ok) return byKey;
          if (byKey.value.status === 200) return ok(toSourceUser(byKey.value.body, extraAttributes));
        }
        if (!q.includes('@')) return ok(null);
        // Not a UPN: the primary e-mail address, then the aliases an admin may know the person by
        // (an old address in otherMails, a secondary smtp: proxy address).
        const literal = q.replace(/'/g, "''");
        for (const condition of [`mail eq '${literal}'`, `otherMails/any(x:x eq '${literal}')`, `proxyAddresses/any(x:x eq 'smtp:${literal}')`]) {
          const found = await graph.get(`/users?$filter=${encodeURIComponent(condition)}&$select=${select}&$expand=${expand}&$top=2`, base);
          if (!found.ok) return found;
          const value = (found.value.body as Record<string, unknown>).value;
          if (!Array.isArray(value) || value.length === 0) continue;
          // Two people answering to one alias: troubleshooting either would be a guess.
          if (value.length > 1 && !condition.startsWith('mail ')) {
            return fail(appError('ENTRA_ALIAS_AMBIGUOUS', `More than one Entra user has ${q} as an alias, so Rollcall cannot tell which one you mean.`, 'Search by their user principal name (UPN) or object id instead.'));
          }
          return ok(toSourceUser(value[0], extraAttributes));
        }
        return ok(null);
      }),
  };
  return source;
}

