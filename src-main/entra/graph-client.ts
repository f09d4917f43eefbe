/**
 * Microsoft Graph over our transport: bearer token, bounded concurrency, Retry-After on
 * 429/503/504 with capped jittered backoff, @odata.nextLink paging, cancel, and request counts.
 * Returns Results; the caller says how an unusual status (404, 410, 403) reads for its endpoint.
 */
import { fail, ok, type AppError, type Result } from '../core/errors';
import { cancelled, graphFailure, throttled, transportError } from './errors';
import { TransportError, type Transport } from './http';
import { DEFAULT_RETRY_POLICY, isRetryableStatus, parseRetryAfter, retryDelayMs, type RetryPolicy } from './retry';
import type { TokenProvider } from './token';

export interface GraphStats {
  requests: number;
  retries: number;
  throttled: number;
}

export interface GraphErrorInfo {
  status: number;
  code: string | null;
  message: string | null;
  requestId: string | null;
}

export interface GraphGetOptions {
  signal?: AbortSignal;
  headers?: Record<string, string>;
  /** Turn a non-2xx, non-retryable answer into a specific AppError (or null for the default). */
  onError?: (info: GraphErrorInfo) => AppError | null;
  /** Return these statuses as values instead of errors (e.g. 404 "not found" is an answer). */
  allowStatuses?: number[];
}

export interface GraphResponse {
  status: number;
  body: unknown;
}

export interface GraphClient {
  readonly endpoint: string;
  readonly stats: GraphStats;
  get(urlOrPath: string, options?: GraphGetOptions): Promise<Result<GraphResponse>>;
  /** Follow @odata.nextLink; each page's `value` goes to onPage. Resolves with the deltaLink if any. */
  pages(urlOrPath: string, onPage: (items: unknown[]) => void, options?: GraphGetOptions): Promise<Result<{ deltaLink: string | null }>>;
  /** Run tasks with at most `concurrency` at a time; stops at the first failure. */
  pool<T, R>(items: readonly T[], task: (item: T) => Promise<Result<R>>, signal?: AbortSignal): Promise<Result<R[]>>;
}

export interface GraphClientOptions {
  endpoint: string;
  transport: Transport;
  tokens: TokenProvider;
  concurrency?: number;
  retry?: Partial<RetryPolicy>;
  requestTimeoutMs?: number;
}

function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      resolve(false);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function readGraphError(status: number, body: string, headers: Record<string, string>): GraphErrorInfo {
  let code: string | null = null;
  let message: string | null = null;
  try {
    const parsed = JSON.parse(body) as { error?: { code?: unknown; message?: unknown } };
    if (typeof parsed.error?.code === 'string') code = parsed.error.code;
    if (typeof parsed.error?.message === 'string') message = parsed.error.message;
  } catch {
    // Not JSON (a proxy's HTML page): the status alone has to do.
  }
  return { status, code, message, requestId: headers['request-id'] ?? headers['client-request-id'] ?? null };
}

interface RawResponse {
  status: number;
  /** '' when there is no body to read (204, or an allowed error status). */
  text: string;
}

function parsed(res: RawResponse): GraphResponse {
  if (res.text === '') return { status: res.status, body: null };
  try {
    return { status: res.status, body: JSON.parse(res.text) as unknown };
  } catch {
    // $count answers text/plain.
    return { status: res.status, body: res.text };
  }
}

const NEXT_LINK_KEY = '"@odata.nextLink":"';

/**
 * The top-level @odata.nextLink of a page, read from the text without parsing it (a guess the
 * caller checks: inside a JSON string a quote is escaped, so the key cannot be faked by a value).
 */
export function peekNextLink(text: string): string | null {
  const at = text.lastIndexOf(NEXT_LINK_KEY);
  if (at < 0) return null;
  const start = at + NEXT_LINK_KEY.length;
  let end = start;
  let escaped = false;
  for (; end < text.length; end++) {
    const c = text.charCodeAt(end);
    if (c === 0x22 /* " */) break;
    if (c === 0x5c /* \ */) {
      escaped = true;
      end++;
    }
  }
  if (end >= text.length) return null;
  if (!escaped) return text.slice(start, end);
  try {
    return JSON.parse(text.slice(start - 1, end + 1)) as string;
  } catch {
    return null;
  }
}

export function createGraphClient(opts: GraphClientOptions): GraphClient {
  const endpoint = opts.endpoint.replace(/\/+$/, '');
  const origin = new URL(endpoint).origin;
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...opts.retry };
  const stats: GraphStats = { requests: 0, retries: 0, throttled: 0 };
  const limit = Math.max(1, opts.concurrency ?? 4);
  let active = 0;
  const waiting: Array<() => void> = [];

  async function slot<T>(fn: () => Promise<T>): Promise<T> {
    if (active >= limit) await new Promise<void>((r) => waiting.push(r));
    active++;
    try {
      return await fn();
    } finally {
      active--;
      waiting.shift()?.();
    }
  }

  function resolveUrl(urlOrPath: string): Result<string> {
    const url = urlOrPath.startsWith('https://') ? urlOrPath : `${endpoint}/v1.0${urlOrPath.startsWith('/') ? '' : '/'}${urlOrPath}`;
    // Never send the token to a host other than the configured Graph endpoint.
    if (new URL(url).origin !== origin) {
      return fail(graphFailure(0, 'ForeignLink', `a link pointed outside ${origin}`, null));
    }
    return ok(url);
  }

  async function get(urlOrPath: string, options: GraphGetOptions = {}): Promise<Result<GraphResponse>> {
    const r = await getText(urlOrPath, options);
    return r.ok ? ok(parsed(r.value)) : r;
  }

  /** get() up to the body text: retries, token refresh and errors, no JSON parsing. */
  async function getText(urlOrPath: string, options: GraphGetOptions): Promise<Result<RawResponse>> {
    const resolved = resolveUrl(urlOrPath);
    if (!resolved.ok) return resolved;
    const url = resolved.value;
    let refreshed = false;
    let throttledInARow = 0;
    for (let attempt = 0; ; attempt++) {
      if (options.signal?.aborted) return fail(cancelled());
      const token = await opts.tokens.getToken(options.signal, refreshed);
      if (!token.ok) return token;
      let res;
      try {
        stats.requests++;
        res = await slot(() =>
          opts.transport.request({
            method: 'GET',
            url,
            headers: { authorization: `Bearer ${token.value.accessToken}`, accept: 'application/json', ...options.headers },
            ...(options.signal ? { signal: options.signal } : {}),
            ...(opts.requestTimeoutMs ? { timeoutMs: opts.requestTimeoutMs } : {}),
          }),
        );
      } catch (e) {
        if (!(e instanceof TransportError)) throw e;
        // A dropped connection or a timeout on a GET is safe to repeat; TLS and DNS are not transient.
        if ((e.kind === 'dropped' || e.kind === 'timeout') && attempt < policy.maxRetries) {
          stats.retries++;
          if (!(await sleep(retryDelayMs(attempt, null, policy), options.signal))) return fail(cancelled());
          continue;
        }
        return fail(transportError(e));
      }
      if (res.status >= 200 && res.status < 300) return ok({ status: res.status, text: res.status === 204 ? '' : res.body });
      if (options.allowStatuses?.includes(res.status)) return ok({ status: res.status, text: '' });
      if (res.status === 401 && !refreshed) {
        // The cached token may have been revoked or expired early: sign in once more.
        refreshed = true;
        continue;
      }
      if (isRetryableStatus(res.status)) {
        if (res.status === 429) stats.throttled++;
        throttledInARow++;
        if (attempt >= policy.maxRetries) return fail(throttled(new URL(url).host, throttledInARow));
        stats.retries++;
        const wait = retryDelayMs(attempt, parseRetryAfter(res.headers['retry-after'], Date.now()), policy);
        if (!(await sleep(wait, options.signal))) return fail(cancelled());
        continue;
      }
      const info = readGraphError(res.status, res.body, res.headers);
      return fail(options.onError?.(info) ?? graphFailure(info.status, info.code, info.message, info.requestId));
    }
  }

  /**
   * Pages one after another, but the next page is asked for as soon as its link is seen in the
   * text, before this page is parsed and handed over: Graph prepares page n+1 while we read page
   * n. The link found is checked against the parsed page; in the odd case it differs, that early
   * answer is dropped and the real link followed.
   */
  async function pages(urlOrPath: string, onPage: (items: unknown[]) => void, options: GraphGetOptions = {}): Promise<Result<{ deltaLink: string | null }>> {
    let current = getText(urlOrPath, options);
    for (;;) {
      const res = await current;
      if (!res.ok) return res;
      const early = res.value.status === 200 ? peekNextLink(res.value.text) : null;
      const ahead = early === null ? null : getText(early, options);
      const body = (parsed(res.value).body ?? {}) as Record<string, unknown>;
      const value = body.value;
      onPage(Array.isArray(value) ? value : []);
      const nextLink = body['@odata.nextLink'];
      const deltaLink = body['@odata.deltaLink'];
      const followed = typeof nextLink === 'string' && ahead !== null && early === nextLink;
      if (ahead !== null && !followed) void ahead.catch(() => undefined);
      if (typeof nextLink !== 'string') return ok({ deltaLink: typeof deltaLink === 'string' ? deltaLink : null });
      current = followed ? ahead : getText(nextLink, options);
    }
  }

  async function pool<T, R>(items: readonly T[], task: (item: T) => Promise<Result<R>>, signal?: AbortSignal): Promise<Result<R[]>> {
    const out: R[] = new Array<R>(items.length);
    let index = 0;
    let failure: AppError | null = null;
    const worker = async (): Promise<void> => {
      while (failure === null && index < items.length) {
        if (signal?.aborted) {
          failure = cancelled();
          return;
        }
        const i = index++;
        const r = await task(items[i] as T);
        if (r.ok) out[i] = r.value;
        else failure ??= r.error;
      }
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
    return failure ? fail(failure) : ok(out);
  }

  return { endpoint, stats, get, pages, pool };
}
