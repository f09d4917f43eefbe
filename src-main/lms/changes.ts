/**
 * A changes read: the accounts modified since the last read (`filter=meta.lastModified gt "…"`),
 * the organisation lists afresh, and the account count, merged into the cached snapshot by
 * core/target-changes.ts. A quiet 100,000-account LMS answers in three or four requests instead
 * of a hundred pages. Whenever the result might differ from a full read's, the caller is told
 * why and reads in full.
 */
import { changesSince, mergeTargetChanges } from '../core/target-changes';
import type { ReadProgress, TargetChangesResult } from '../core/directories';
import { ok, type Result } from '../core/errors';
import type { TargetSnapshot } from '../core/model';
import { arr, num, obj } from './json';
import { readOrgLists, readUsersMapped } from './lookups';
import { checkResponse, serverDateOf } from './responses';
import type { Session } from './session';

/**
 * totalResults of a one-item page and the server's Date header, or 'refused' when the LMS turns
 * the query down (400 / 501).
 */
async function countOf(s: Session, endpoint: string, filter: string | null, signal?: AbortSignal): Promise<Result<{ total: number | null; date: string | null }> | 'refused'> {
  const query = filter === null ? '' : `filter=${encodeURIComponent(filter)}&`;
  const r = await s.http.request('GET', `${endpoint.replace(/^\//, '')}?${query}startIndex=1&count=1`, undefined, signal);
  if (!r.ok) return r;
  if (filter !== null && (r.value.status === 400 || r.value.status === 501)) return 'refused';
  const body = checkResponse(s.http, r.value, 'users', s.secrets);
  if (!body.ok) return body;
  const o = obj(body.value);
  // A list without totalResults cannot show removed accounts.
  return ok({ total: o && (arr(o.Resources) || arr(o.resources) || 'totalResults' in o) ? num(o.totalResults) : null, date: serverDateOf(r.value.headers) });
}

export async function readChanges(s: Session, cached: TargetSnapshot, onProgress?: (p: ReadProgress) => void, signal?: AbortSignal): Promise<Result<TargetChangesResult>> {
  const full = (fullReadBecause: string): Result<TargetChangesResult> => ok({ fullReadBecause });
  const layoutR = await s.ensureLayout(signal);
  if (!layoutR.ok) return layoutR;
  const layout = layoutR.value;
  if (!layout.capabilities.filter || !s.filterWorks) return full('the LMS cannot filter its accounts');
  const since = changesSince(cached);
  if (since === null) return full(cached.users.length === 0 ? 'the LMS sent no time with its last answer' : 'the LMS does not give its accounts a modification time');
  const filter = `meta.lastModified gt ${JSON.stringify(since)}`;
  const readAt = new Date().toISOString();

  // The cached accounts name the managers and approvers that changed accounts point at.
  s.rememberRead(cached.users, new Set());
  const [lists, total, changed] = await Promise.all([readOrgLists(s, onProgress, signal), countOf(s, layout.usersEndpoint, null, signal), countOf(s, layout.usersEndpoint, filter, signal)]);
  if (!lists.ok) return lists;
  if (total !== 'refused' && !total.ok) return total;
  if (changed === 'refused') return full('the LMS does not filter accounts by modification time');
  if (!changed.ok) return changed;
  const totalNow = total === 'refused' ? null : total.value.total;
  if (totalNow === null || changed.value.total === null) return full('the LMS does not say how many accounts it has');

  let users: TargetSnapshot['users'] = [];
  if (changed.value.total > 0) {
    const read = await readUsersMapped(s, layout, { signal, filter, onProgress: (done, n) => onProgress?.({ phase: 'changed users', done, total: n }) });
    if (!read.ok) return read;
    if (read.value.incompleteReason) return full(`reading the changed accounts stopped part-way (${read.value.incompleteReason})`);
    users = read.value.users;
  }
  onProgress?.({ phase: 'changed users', done: users.length, total: users.length });
  // The earlier of the two counts' clocks: whatever changed after it, the next read asks for.
  const dates = [total === 'refused' ? null : total.value.date, changed.value.date].filter((d): d is string => d !== null).sort();
  const merged = mergeTargetChanges(cached, { since, users, total: totalNow, changesFrom: dates[0] ?? null, ...lists.value, capabilities: layout.capabilities, readAt });
  if (!merged.ok) return full(merged.fullReadBecause);
  return ok({ snapshot: merged.snapshot });
}
