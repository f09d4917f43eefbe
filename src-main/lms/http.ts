/**
 * HTTP for the SCIM client on node:http/https: keep-alive sockets (a 100k-user read is hundreds
 * of requests), an extra trusted CA for private LMSs (added to, never replacing, the system
 * roots; certificate checks are never turned off), an adaptive concurrency window (limiter.ts),
 * 429/5xx retries.
 *
 * There is deliberately no DELETE in Method: Rollcall never deletes LMS users.
 */
import http from 'node:http';
import https from 'node:https';
import { extraCaOptions } from '../net/tls';
import { fail, ok, type Result } from '../core/errors';
import { abortedError, networkError, redactError } from './errors';
import { RequestLimiter, realSleep, type Sleep } from './limiter';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH';

export interface ScimHttpConfig {
  baseUrl: string;
  /** Full Authorization header value. Never logged, never put into an error. */
  authorization: string;
  /** Strings to scrub from every error (the token, the header value). */
  secrets: string[];
  caCertPem?: string;
  concurrency: number;
  rateLimitPerSecond: number | null;
  /** Retries after the first attempt for 429 / 5xx / a reset keep-alive socket. */
  maxRetries?: number;
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** A Retry-After longer than this is cut to it (a server asking for an hour would stall the run). */
  maxRetryAfterMs?: number;
  timeoutMs?: number;
  sleep?: Sleep;
  userAgent?: string;
}

export interface ScimResponse {
  status: number;
  headers: Record<string, string | undefined>;
  text: string;
  /** Parsed body when it is JSON, else undefined. */
  json: unknown;
  isJson: boolean;
  url: string;
}

export interface RequestOptions {
  /**
   * Leave a 2xx answer's body unparsed (json undefined; isJson says whether it looks like JSON):
   * a write whose answer is not needed, where the LMS may send the whole group back each time.
   * Error answers are parsed as always.
   */
  skipSuccessJson?: boolean;
}

export interface HttpStats {
  requests: number;
  retries: number;
  byMethod: Record<Method, number>;
}

const RETRY_STATUSES = new Set([429, 500, 502, 503, 504]);

export class ScimHttp {
  readonly stats: HttpStats = { requests: 0, retries: 0, byMethod: { GET: 0, POST: 0, PUT: 0, PATCH: 0 } };
  private readonly base: URL;
  private readonly agent: http.Agent;
  private readonly limiter: RequestLimiter;
  private readonly sleep: Sleep;

  constructor(private readonly cfg: ScimHttpConfig) {
    this.base = new URL(cfg.baseUrl.replace(/\/+$/, '') + '/');
    this.sleep = cfg.sleep ?? realSleep;
    const agentOptions = { keepAlive: true, maxSockets: cfg.concurrency, scheduling: 'lifo' as const };
    this.agent =
      this.base.protocol === 'https:'
        ? new https.Agent({
            ...agentOptions,
            ...extraCaOptions(cfg.caCertPem),
          })
        : new http.Agent(agentOptions);
    this.limiter = new RequestLimiter(cfg.concurrency, cfg.rateLimitPerSecond, this.sleep);
  }

  get host(): string {
    return this.base.host;
  }

  get baseUrl(): string {
    return this.base.href.replace(/\/$/, '');
  }

  /** Resolves a path relative to the SCIM base ("Users?count=10" or "/Users"). */
  url(path: string): URL {
    return new URL(path.replace(/^\/+/, ''), this.base);
  }

  close(): void {
    this.agent.destroy();
  }

  /**
   * Sends one request with retries. Any HTTP status is an ok Result (the caller knows what a
   * 404 means where it asked); only network failures and cancellation are errors here.
   */
  async request(method: Method, path: string, body?: unknown, signal?: AbortSignal, extraHeaders?: Record<string, string>, options: RequestOptions = {}): Promise<Result<ScimResponse>> {
    const maxRetries = this.cfg.maxRetries ?? 8;
    const url = this.url(path);
    let attempt = 0;
    for (;;) {
      if (signal?.aborted) return fail(abortedError());
      let res: ScimResponse;
      let wait = 0;
      try {
        res = await this.limiter.run(() => this.send(method, url, body, signal, extraHeaders, options), signal, (r) => {
          if (!RETRY_STATUSES.has(r.status)) return { kind: 'ok' };
          wait = this.retryDelay(r, attempt);
          // A 429 (or a 503 with Retry-After) is the LMS asking for less: the limiter lowers its pressure.
          return r.status === 429 || r.headers['retry-after'] ? { kind: 'throttled', retryAfterMs: wait } : { kind: 'neutral' };
        });
      } catch (err) {
        if (signal?.aborted || isAbort(err)) return fail(abortedError());
        // A keep-alive socket the server had already closed: try again at once.
        if (isReusedSocketReset(err) && attempt < maxRetries) {
          attempt++;
          this.stats.retries++;
          continue;
        }
        // A reset, broken pipe or timeout on a fresh connection (a load balancer, a restart):
        // transient, so back off and retry like a 503. A retried create cannot duplicate: a user
        // carries externalId, and createUser() recognises its own user in the 409 that follows;
        // createGroup() takes up the one group of its name in the 409 (an LMS that allows two
        // groups of one name would make a second one: group names carry no id of ours).
        if (isTransientNetworkError(err) && attempt < maxRetries) {
          if (!(await this.waitToRetry(this.backoff(attempt++), signal))) return fail(abortedError());
          continue;
        }
        return fail(redactError(networkError(err, this.base.host), this.cfg.secrets));
      }
      if (!RETRY_STATUSES.has(res.status) || attempt >= maxRetries) return ok(res);
      attempt++;
      // This request waits its own Retry-After (or backoff); the others go on unless it is a storm.
      if (!(await this.waitToRetry(wait, signal))) return fail(abortedError());
    }
  }

  /** Counts a retry and waits for it; false when the wait was cancelled. */
  private async waitToRetry(wait: number, signal: AbortSignal | undefined): Promise<boolean> {
    this.stats.retries++;
    try {
      await this.sleep(wait, signal);
      return true;
    } catch (_aborted) {
      return false;
    }
  }

  private retryDelay(res: ScimResponse, attempt: number): number {
    const maxAfter = this.cfg.maxRetryAfterMs ?? 120_000;
    const retryAfter = parseRetryAfter(res.headers['retry-after'], Date.now());
    if (retryAfter !== null) return Math.min(retryAfter, maxAfter);
    return this.backoff(attempt);
  }

  private backoff(attempt: number): number {
    const base = this.cfg.baseBackoffMs ?? 250;
    const cap = this.cfg.maxBackoffMs ?? 20_000;
    const exp = Math.min(cap, base * 2 ** attempt);
    // Full jitter keeps a crowd of workers from retrying in lock-step.
    return Math.round(exp / 2 + Math.random() * (exp / 2));
  }

  private send(method: Method, url: URL, body: unknown, signal: AbortSignal | undefined, extraHeaders: Record<string, string> | undefined, options: RequestOptions): Promise<ScimResponse> {
    this.stats.requests++;
    this.stats.byMethod[method]++;
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body), 'utf8');
    const headers: Record<string, string> = {
      accept: 'application/scim+json, application/json;q=0.9, */*;q=0.1',
      authorization: this.cfg.authorization,
      'user-agent': this.cfg.userAgent ?? 'Rollcall SCIM client',
      ...extraHeaders,
    };
    if (payload) {
      headers['content-type'] = 'application/scim+json';
      headers['content-length'] = String(payload.length);
    }
    const lib = url.protocol === 'https:' ? https : http;
    return new Promise<ScimResponse>((resolve, reject) => {
      const req = lib.request(url, { method, headers, agent: this.agent, signal }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const flat: Record<string, string | undefined> = {};
          for (const [k, v] of Object.entries(res.headers)) flat[k] = Array.isArray(v) ? v.join(', ') : v;
          const status = res.statusCode ?? 0;
          const parsed = options.skipSuccessJson && status >= 200 && status < 300 ? { ok: looksJson(text, flat['content-type']), value: undefined } : parseJson(text, flat['content-type']);
          resolve({ status, headers: flat, text, json: parsed.value, isJson: parsed.ok, url: url.href });
        });
      });
      req.setTimeout(this.cfg.timeoutMs ?? 60_000, () => {
        req.destroy(Object.assign(new Error('LMS did not answer in time'), { code: 'LMS_TIMEOUT' }));
      });
      req.on('error', (err) => reject(Object.assign(err, { reusedSocket: req.reusedSocket })));
      req.end(payload);
    });
  }
}

function looksJson(text: string, contentType: string | undefined): boolean {
  const t = text.trimStart();
  return t.length > 0 && ((contentType ?? '').includes('json') || t.startsWith('{') || t.startsWith('['));
}

function parseJson(text: string, contentType: string | undefined): { ok: boolean; value: unknown } {
  if (!looksJson(text, contentType)) return { ok: false, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (_notJson) {
    return { ok: false, value: undefined };
  }
}

/** Retry-After as delay-seconds or an HTTP date, in ms; null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | null {
  if (!value) return null;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

function isAbort(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'name' in err && (err as { name: unknown }).name === 'AbortError';
}

/** Connection failures worth retrying; a refused connection or an unknown host is not one. */
function isTransientNetworkError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { code?: unknown; message?: unknown };
  return ['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED'].includes(String(e.code)) || e.message === 'socket hang up';
}

function isReusedSocketReset(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { code?: unknown; reusedSocket?: unknown };
  return e.reusedSocket === true && (e.code === 'ECONNRESET' || e.code === 'EPIPE');
}
