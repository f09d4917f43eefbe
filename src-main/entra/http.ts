/**
 * The one HTTPS transport for both MSAL and Graph: node:https with the system roots plus, for a
 * custom cloud, one extra trusted CA. Certificate checks always stay on; a failure to verify is
 * reported as such (kind "tls"), never worked around.
 */
import https from 'node:https';
import { extraCaOptions } from '../net/tls';

export type TransportFailureKind = 'tls' | 'unreachable' | 'timeout' | 'dropped' | 'aborted';

/** A request that got no HTTP response at all. Carries the host and the system error code only. */
export class TransportError extends Error {
  readonly kind: TransportFailureKind;
  readonly host: string;
  readonly systemCode: string | null;
  constructor(kind: TransportFailureKind, host: string, systemCode: string | null, detail: string) {
    super(`${kind} talking to ${host}: ${detail}`);
    this.name = 'TransportError';
    this.kind = kind;
    this.host = host;
    this.systemCode = systemCode;
  }
}

export interface HttpResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: string;
}

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
}

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_TLS|ERR_SSL|EPROTO|HOSTNAME_MISMATCH/i;
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'EADDRNOTAVAIL']);
const DROPPED_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE']);

export function classifySystemError(code: string | null, message: string): TransportFailureKind {
  if (code && TLS_CODES.test(code)) return 'tls';
  if (code && UNREACHABLE_CODES.has(code)) return 'unreachable';
  if (code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT') return 'timeout';
  if (code && DROPPED_CODES.has(code)) return 'dropped';
  if (/socket hang up/i.test(message)) return 'dropped';
  if (/certificate|self[- ]signed/i.test(message)) return 'tls';
  return 'unreachable';
}

export interface Transport {
  request(req: HttpRequest): Promise<HttpResponse>;
  /** Drop idle keep-alive sockets (tests, shutdown). */
  destroy(): void;
}

/** A keep-alive transport. `extraCaPem` is added to (not instead of) the public roots. */
export function createTransport(options: { extraCaPem: string | null; maxSockets?: number; defaultTimeoutMs?: number }): Transport {
  // The extra CA goes in as one secure context, built on first use. Given as `ca`, node would
  // build a context (~30 ms) for every new socket and join all ~150 roots into the pool key
  // of every request (~1 ms each, a second over a 100,000-user read).
  let agent: https.Agent | null = null;
  const agentFor = (): https.Agent => (agent ??= new https.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 16, ...extraCaOptions(options.extraCaPem) }));
  const defaultTimeout = options.defaultTimeoutMs ?? 60_000;

  function request(req: HttpRequest): Promise<HttpResponse> {
    const url = new URL(req.url);
    const host = url.host;
    return new Promise<HttpResponse>((resolve, reject) => {
      if (url.protocol !== 'https:') {
        reject(new TransportError('tls', host, null, 'only https:// is allowed'));
        return;
      }
      if (req.signal?.aborted) {
        reject(new TransportError('aborted', host, null, 'cancelled'));
        return;
      }
      let settled = false;
      const finish = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req.signal?.removeEventListener('abort', onAbort);
        fn();
      };
      const headers: Record<string, string> = { ...req.headers };
      if (req.body !== undefined) headers['content-length'] = String(Buffer.byteLength(req.body));
      const r = https.request(url, { method: req.method, agent: agentFor(), headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e: NodeJS.ErrnoException) =>
          finish(() => reject(new TransportError('dropped', host, e.code ?? null, e.message))),
        );
        res.on('aborted', () => finish(() => reject(new TransportError('dropped', host, 'ECONNRESET', 'response cut short'))));
        res.on('end', () => {
          if (!res.complete) {
            finish(() => reject(new TransportError('dropped', host, 'ECONNRESET', 'response cut short')));
            return;
          }
          const out: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) {
            if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
          }
          finish(() => resolve({ status: res.statusCode ?? 0, headers: out, body: Buffer.concat(chunks).toString('utf8') }));
        });
      });
      const timeoutMs = req.timeoutMs ?? defaultTimeout;
      const timer = setTimeout(() => {
        finish(() => reject(new TransportError('timeout', host, 'ETIMEDOUT', `no answer within ${timeoutMs} ms`)));
        r.destroy();
      }, timeoutMs);
      const onAbort = (): void => {
        finish(() => reject(new TransportError('aborted', host, null, 'cancelled')));
        r.destroy();
      };
      req.signal?.addEventListener('abort', onAbort, { once: true });
      r.on('error', (e: NodeJS.ErrnoException) => {
        const code = e.code ?? null;
        finish(() => reject(new TransportError(classifySystemError(code, e.message), host, code, e.message)));
      });
      if (req.body !== undefined) r.write(req.body);
      r.end();
    });
  }

  return { request, destroy: () => agent?.destroy() };
}
