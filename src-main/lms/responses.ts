/**
 * Turning an HTTP response into a value or an AppError, and reading every page of a list.
 * The order of checks matters: a refused token is "update the token" even when the server
 * answers with an HTML login page; a 200 with HTML is "not a SCIM endpoint".
 */
import { fail, ok, type AppError, type Result } from '../core/errors';
import { httpStatusError, notScimError, parseScimError, redactError } from './errors';
import type { ScimHttp, ScimResponse } from './http';
import { arr, num, obj, type JsonObject } from './json';
import { listResources } from './discovery';
import { mapBounded } from './limiter';

export function describeBody(res: ScimResponse): string {
  const t = res.text.trimStart().slice(0, 200).toLowerCase();
  if (t.startsWith('<!doctype html') || t.startsWith('<html') || t.includes('<body')) return 'HTML';
  if (t.startsWith('<')) return 'XML';
  if (t.length === 0) return 'an empty response';
  return `"${res.headers['content-type'] ?? 'unknown'}" content`;
}

export function checkResponse(http: ScimHttp, res: ScimResponse, what: string, secrets: readonly string[]): Result<unknown> {
  const err = (e: AppError): Result<unknown> => fail(redactError(e, secrets));
  if (res.status === 401 || res.status === 403) return err(httpStatusError(parseScimError(res.status, res.json), what, http.baseUrl));
  if (res.status >= 200 && res.status < 300) {
    if (res.status === 204 || res.text.trim() === '') return ok(null);
    if (!res.isJson) return err(notScimError(res.url, describeBody(res), res.status));
    return ok(res.json);
  }
  if (!res.isJson && res.text.trim().length > 0 && describeBody(res) === 'HTML' && res.status !== 404) {
    return err(notScimError(res.url, 'HTML', res.status));
  }
  return err(httpStatusError(parseScimError(res.status, res.json), what, http.baseUrl));
}

export interface PagedRead<T = JsonObject> {
  resources: T[];
  /** Null when every page arrived; otherwise why the list is not whole. */
  incompleteReason: string | null;
  requests: number;
  /** The server's clock (its Date header, as an ISO time) when it answered the first page. */
  serverDate: string | null;
}

/** A response's Date header as an ISO time, or null when it has none (or an unreadable one). */
export function serverDateOf(headers: Record<string, string | undefined>): string | null {
  const t = headers.date === undefined ? Number.NaN : Date.parse(headers.date);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

function withQuery(endpoint: string, startIndex: number, count: number): string {
  const sep = endpoint.includes('?') ? '&' : '?';
  return `${endpoint.replace(/^\//, '')}${sep}startIndex=${startIndex}&count=${count}`;
}

/**
 * Reads a whole collection. The first page tells the total and the real page size (servers cap
 * `count` at their maxResults); the remaining pages are then fetched in parallel, bounded by the
 * integration's concurrency. Without totalResults it falls back to reading page after page.
 * Fails only when the first page fails; a later failure returns what was read, marked incomplete.
 */
export function readAllPages(
  http: ScimHttp,
  endpoint: string,
  pageSize: number,
  concurrency: number,
  what: string,
  secrets: readonly string[],
  signal?: AbortSignal,
  onProgress?: (done: number, total: number | null) => void,
): Promise<Result<PagedRead>> {
  return readAllPagesAs(http, endpoint, pageSize, concurrency, what, secrets, (raw) => raw, signal, onProgress);
}

/**
 * readAllPages, each resource passed through `convert` as its page arrives (with what was read
 * so far, by id): a 100,000-user read then maps users while the next pages are on their way, and
 * the raw JSON of a page is garbage once converted. A resource read twice (the list moved while
 * paging) keeps its first place and its last value, as before.
 */
export async function readAllPagesAs<T>(
  http: ScimHttp,
  endpoint: string,
  pageSize: number,
  concurrency: number,
  what: string,
  secrets: readonly string[],
  convert: (raw: JsonObject, readSoFar: ReadonlyMap<string, T>) => T,
  signal?: AbortSignal,
  onProgress?: (done: number, total: number | null) => void,
): Promise<Result<PagedRead<T>>> {
  let requests = 0;
  const page = async (startIndex: number): Promise<Result<{ items: JsonObject[]; total: number | null; date: string | null }>> => {
    requests++;
    const r = await http.request('GET', withQuery(endpoint, startIndex, pageSize), undefined, signal);
    if (!r.ok) return r;
    const body = checkResponse(http, r.value, what, secrets);
    if (!body.ok) return body;
    const o = obj(body.value);
    if (!o || !(arr(o.Resources) || arr(o.resources) || 'totalResults' in o)) {
      return fail(redactError(notScimError(r.value.url, 'JSON that is not a SCIM list', r.value.status), secrets));
    }
    return ok({ items: listResources(body.value), total: num(o.totalResults), date: serverDateOf(r.value.headers) });
  };

  const first = await page(1);
  if (!first.ok) return first;
  const total = first.value.total;
  const byId = new Map<string, T>();
  const noId: T[] = [];
  const add = (items: JsonObject[]): void => {
    for (const it of items) {
      const id = typeof it.id === 'string' ? it.id : null;
      if (id) byId.set(id, convert(it, byId));
      else noId.push(convert(it, byId));
    }
  };
  add(first.value.items);
  const step = first.value.items.length;
  onProgress?.(byId.size, total);
  let incompleteReason: string | null = null;

  if (total !== null && step > 0 && total > step) {
    const starts: number[] = [];
    for (let s = 1 + step; s <= total; s += step) starts.push(s);
    let failed: AppError | null = null;
    await mapBounded(starts, concurrency, async (s) => {
      if (failed) return;
      const p = await page(s);
      if (!p.ok) {
        failed = p.error;
        return;
      }
      add(p.value.items);
      onProgress?.(byId.size, total);
    });
    const f = failed as AppError | null;
    if (f) incompleteReason = `Reading ${what} stopped part-way: ${f.message}`;
  } else if (total === null && step > 0) {
    // No totalResults: keep going until a short or empty page.
    let start = 1 + step;
    for (;;) {
      const p = await page(start);
      if (!p.ok) {
        incompleteReason = `Reading ${what} stopped part-way: ${p.error.message}`;
        break;
      }
      add(p.value.items);
      onProgress?.(byId.size, null);
      if (p.value.items.length < step) break;
      start += p.value.items.length;
    }
  }
  const resources = Array.from(byId.values());
  for (const it of noId) resources.push(it);
  if (!incompleteReason && total !== null && resources.length < total) {
    incompleteReason = `The LMS said it has ${total} ${what} but returned ${resources.length}; the list changed during the read or paging is inconsistent.`;
  }
  return ok({ resources, incompleteReason, requests, serverDate: first.value.date });
}
