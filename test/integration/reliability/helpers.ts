/**
 * Shared pieces of the reliability suite: the LMS as an admin sees it (to compare two runs
 * account by account), and a loopback proxy that resets connections in front of the LMS.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TargetUser } from '../../../src-main/core/model';
import { createScimTarget } from '../../../src-main/lms';
import { createPrng } from '../../helpers/prng';
import { LMS_TOKEN, type SyncEnv } from '../../helpers/sync-env';

export type AdminView = Map<string, Omit<TargetUser, 'id' | 'created' | 'lastModified'>>;

/** Every LMS account by userName, without server-made ids and timestamps (names instead of ids). */
export async function lmsState(env: SyncEnv): Promise<AdminView> {
  const target = createScimTarget({ kind: 'scim', baseUrl: env.lms.baseUrl, auth: { scheme: 'bearer' }, concurrency: 4, rateLimitPerSecond: null }, LMS_TOKEN);
  const read = await target.readAll();
  target.close();
  if (!read.ok) throw new Error(read.error.message);
  const out: AdminView = new Map();
  for (const { id: _id, created: _c, lastModified: _m, ...rest } of read.value.users) out.set(rest.userName, rest);
  return out;
}

export interface ResetProxy {
  baseUrl: string;
  /** Requests whose connection was reset before they reached the LMS. */
  resets: number;
  forwarded: number;
  close(): Promise<void>;
}

/**
 * Which requests get their connection reset:
 * - `reused`: a seeded fraction of requests that arrive on an already-used keep-alive connection
 *   (the race every keep-alive client meets: the server or a load balancer closed the idle socket);
 * - `fresh`: the first request on every `every`-th new connection (a load balancer or a
 *   restarting LMS refusing a brand-new connection).
 */
export type ResetMode = { kind: 'reused'; rate: number; seed?: number } | { kind: 'fresh'; every: number };

/**
 * An HTTP proxy on 127.0.0.1 in front of the LMS simulator that resets the client's connection
 * (TCP RST, no answer) for some requests, before they reach the LMS: the request was never
 * processed, so asking again is always safe.
 */
export async function startResetProxy(lmsBaseUrl: string, mode: ResetMode): Promise<ResetProxy> {
  const upstream = new URL(lmsBaseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  const random = createPrng(mode.kind === 'reused' ? (mode.seed ?? 99) : 1);
  const seen = new WeakMap<object, number>();
  let connections = 0;
  const state = { resets: 0, forwarded: 0 };
  const server = http.createServer((req, res) => {
    const before = seen.get(req.socket) ?? 0;
    seen.set(req.socket, before + 1);
    if (before === 0) connections++;
    const reset = mode.kind === 'reused' ? before > 0 && random() < mode.rate : before === 0 && connections % mode.every === 0;
    if (reset) {
      state.resets++;
      req.socket.resetAndDestroy();
      return;
    }
    state.forwarded++;
    const out = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}${upstream.pathname}`,
    get resets() {
      return state.resets;
    },
    get forwarded() {
      return state.forwarded;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}

/** Points an integration's LMS connection at another base URL (the proxy). */
export async function pointLmsAt(env: SyncEnv, baseUrl: string): Promise<void> {
  await env.store.settings.update((s) => {
    const record = s.integrations.find((i) => i.id === env.integrationId);
    if (record) record.config.target.baseUrl = baseUrl;
  });
}
