/**
 * A changes read: the accounts modified since the last read (`filter=meta.lastModified gt "…"`),
 * the organisation lists afresh, and the account count, merged into the cached snapshot by
 * core/target-changes.ts. A quiet 100,000-account LMS answers in three or four requests instead
 * of a hundred pages. Whenever the result might differ from a full read's — or the LMS does not
 * answer the changes query as it should — the caller is told why and reads in full.
 */
import { changesSince, mergeTargetChanges } from '../core/target-changes';
import type { ReadProgress, TargetChangesResult } from '../core/directories';
import { ok, type Result } from '../core/errors';
import type { TargetSnapshot } from '../core/model';
import { arr, num, obj, prop, str, type JsonObject } from './json';
import { readOrgLists, readUsersMapped } from './lookups';
import { checkResponse, serverDateOf } from './responses';
import type { Session } from './session';

interface Page {
  /** totalResults, null when the list does not say. */
  total: number | null;
  first: JsonObject | null;
  /** The LMS's clock (its Date header). */
  date: string | null;
}

const onePage = (s: Session, endpoint: string, filter: string | null, signal?: AbortSignal) =>
  s.http.request('GET', `${endpoint.replace(/^\//, '')}?${filter === null ? '' : `filter=${encodeURIComponent(filter)}&`}startIndex=1&count=1`, undefined, signal);

function pageOf(body: unknown, date: string | null): Page {
  const o = obj(body);
  const list = arr(o?.Resources) ?? arr(o?.resources);
  return { total: o && (list || 'totalResults' in o) ? num(o.totalResults) : null, first: obj(list?.[0]), date };
}

/** The unfiltered list's first page: how many accounts there are. */
async function countAll(s: Session, endpoint: string, signal?: AbortSignal): Promise<Result<Page>> {
  const r = await onePage(s, endpoint, null, signal);
  if (!r.ok) return r;
  const body = checkResponse(s.http, r.value, 'users', s.secrets);
  return body.ok ? ok(pageOf(body.value, serverDateOf(r.value.headers))) : body;
}

/** The changes query's first page, or the HTTP status it was answered with instead. */
async function probeChanges(s: Session, endpoint: string, filter: string, signal?: AbortSignal): Promise<Result<Page | { status: number }>> {
  const r = await onePage(s, endpoint, filter, signal);
  if (!r.ok) return r;
  if (r.value.status < 200 || r.value.status >= 300) return ok({ status: r.value.status });
  const body = checkResponse(s.http, r.value, 'users', s.secrets);
  return body.ok ? ok(pageOf(body.value, serverDateOf(r.value.headers))) : body;
}

export async function readChanges(s: Session, cached: TargetSnapshot, onProgress?: (p: ReadProgress) => void, signal?: AbortSignal): Promise<Result<TargetChangesResult>> {
  const full = (fullReadBecause: string): Result<TargetChangesResult> => ok({ fullReadBecause });
  const layoutR = await s.ensureLayout(signal);
  if (!layoutR.ok) return layoutR;
  const layout = layoutR.value;
  if (!layout.capabilities.filter || !s.filterWorks) return full('the LMS cannot filter its accounts');
  const since = changesSince(cached);
  if (since === null) {
    return full(cached.changesFrom === null ? 'the LMS sends no usable time with its answers (an HTTP Date header its accounts’ times agree with)' : 'the LMS does not give its accounts a modification time');
  }
  const filter = `meta.lastModified gt ${JSON.stringify(since)}`;
  const readAt = new Date().toISOString();

  // The cached accounts name the managers and approvers that changed accounts point at.
  s.rememberRead(cached.users, new Set());
  // One small request first: how many changed, the first of them, and the LMS's clock. A server
  // that refuses or ignores the filter shows itself here, before anything else is read.
  const [lists, probe] = await Promise.all([readOrgLists(s, onProgress, signal), probeChanges(s, layout.usersEndpoint, filter, signal)]);
  if (!lists.ok) return lists;
  if (!probe.ok) return probe;
  if ('status' in probe.value) return full(`the LMS did not answer the changes query (HTTP ${probe.value.status})`);
  const { total: changedCount, first, date } = probe.value;
  if (changedCount === null) return full('the LMS does not say how many accounts changed');
  const firstModified = Date.parse(str(prop(obj(prop(first, 'meta')), 'lastModified')) ?? '');
  if (first && !(firstModified > Date.parse(since))) return full(`the LMS answered the changes query with an account not modified since ${since}, so it does not filter by modification time`);

  let users: TargetSnapshot['users'] = [];
  if (changedCount > 0) {
    const read = await readUsersMapped(s, layout, { signal, filter, onProgress: (done, n) => onProgress?.({ phase: 'changed users', done, total: n }) });
    if (!read.ok) return signal?.aborted ? read : full(`reading the changed accounts failed (${read.error.message})`);
    if (read.value.incompleteReason) return full(`reading the changed accounts stopped part-way (${read.value.incompleteReason})`);
    users = read.value.users;
    // Paged by position: an account edited between two pages can move in the list and push
    // another past the page boundary unseen. One answer holds the list as it was; several pages
    // are trusted only when nothing in them changed after the probe.
    const onePage = Math.min(s.pageSize, layout.capabilities.maxResults ?? Number.POSITIVE_INFINITY);
    const probed = date === null ? Number.NaN : Date.parse(date);
    if (changedCount > onePage && !users.every((u) => Date.parse(u.lastModified ?? '') < probed)) return full('accounts changed while the changed accounts were being read page by page');
  }
  onProgress?.({ phase: 'changed users', done: users.length, total: users.length });
  // Counted after the changes: an account created meanwhile is among them, or makes the count
  // disagree (a full read then), never a silent gap.
  const all = await countAll(s, layout.usersEndpoint, signal);
  if (!all.ok) return all;
  if (all.value.total === null) return full('the LMS does not say how many accounts it has');
  const merged = mergeTargetChanges(cached, { since, users, total: all.value.total, changesFrom: date, ...lists.value, capabilities: layout.capabilities, readAt });
  if (!merged.ok) return full(merged.fullReadBecause);
  return ok({ snapshot: merged.snapshot, changedIds: users.map((u) => u.id) });
}
