/**
 * Baselines: the least a client could do to fetch the same pages or send the same bodies —
 * the same concurrency and TLS trust, JSON.parse of each body, nothing else (no mapping, no
 * validation, no retries unless the row says so). Two ways to send: `fetch`, the baseline the
 * issue names (Node's global fetch; for Graph's loopback CA an undici Agent as its dispatcher),
 * and node:https / node:http with keep-alive agents, a stricter one that does even less.
 */
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import { Agent as UndiciAgent } from 'undici';
import { deltaSelect } from '../../../src-main/entra/delta';
import { GROUP_IDS_PER_DELTA } from '../../../src-main/entra/groups-delta';
import { usersListPath } from '../../../src-main/entra/users';
import { BENCH_CLIENT_ID, BENCH_CLIENT_SECRET, BENCH_LMS_TOKEN, type GraphEndpoint } from './connectors';

interface Answer {
  status: number;
  /** node:http's answer headers; the fetch loops read none, so they carry none (a Retry-After read there would be missing, not 1 s). */
  headers?: Record<string, string | string[] | undefined>;
  body: string;
}

/** How a bare loop sends: `fetch` (the baseline) or node:http(s) (stricter). */
export type BareVia = 'fetch' | 'node';

interface Sender {
  send(url: URL, method: string, headers: Record<string, string>, body?: string): Promise<Answer>;
  close(): void;
}

function send(lib: typeof http | typeof https, agent: http.Agent, url: URL, method: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = lib.request(url, { method, headers: body ? { ...headers, 'content-length': String(Buffer.byteLength(body)) } : headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * A sender for one origin. `ca` (Graph's loopback CA) is trusted beside the system's roots in one
 * secure context, as Rollcall does, so neither loop pays a TLS cost Rollcall does not.
 */
function senderFor(via: BareVia, secure: boolean, maxSockets: number, ca?: string): Sender {
  if (via === 'fetch') {
    // Its own connection pool per loop, as the node agents are, closed at the end. The CA goes in
    // as one secure context, as Rollcall's clients build it: undici's `connect.ca` builds a new
    // one, with every root certificate, for each socket.
    const secureContext = ca === undefined ? undefined : tls.createSecureContext({ ca: [...tls.rootCertificates, ca] });
    const dispatcher = new UndiciAgent({ connections: maxSockets, ...(secureContext === undefined ? {} : { connect: { secureContext } }) });
    return {
      async send(url, method, headers, body) {
        // `dispatcher` is Node's fetch option for an undici Agent; RequestInit's type does not name it.
        const res = await fetch(url, { method, headers, body, dispatcher } as RequestInit);
        // The loops read the status and the body only: the headers are not copied out.
        return { status: res.status, body: await res.text() };
      },
      close: () => void dispatcher.close(),
    };
  }
  const agent = secure
    ? new https.Agent({ keepAlive: true, maxSockets, secureContext: tls.createSecureContext({ ca: [...tls.rootCertificates, ...(ca ? [ca] : [])] }) })
    : new http.Agent({ keepAlive: true, maxSockets });
  const lib = secure ? https : http;
  return { send: (url, method, headers, body) => send(lib, agent, url, method, headers, body), close: () => agent.destroy() };
}

async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

export interface BareStats {
  requests: number;
  items: number;
}

/**
 * What the Entra reader fetches for a full read, done bare: one token, the latest delta link,
 * then every /users page (same $select/$expand/$top, following @odata.nextLink) while, as the
 * reader does, the scope group tree is read beside it the way the reader reads it: level by level,
 * /groups/delta first rounds filtered by id (50 ids a request, the same $select), `groupConcurrency`
 * at a time, following each round's pages to its deltaLink.
 */
export async function bareGraphRead(g: GraphEndpoint, rootGroups: readonly string[], groupConcurrency = 4, via: BareVia = 'node'): Promise<BareStats> {
  const sender = senderFor(via, true, 16, g.caCertPem);
  const stats: BareStats = { requests: 0, items: 0 };
  try {
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: BENCH_CLIENT_ID, client_secret: BENCH_CLIENT_SECRET, scope: `${g.graphEndpoint}/.default` }).toString();
    const tokenAnswer = await sender.send(new URL(`${g.authorityHost}/${g.tenantId}/oauth2/v2.0/token`), 'POST', { 'content-type': 'application/x-www-form-urlencoded' }, form);
    stats.requests++;
    const token = (JSON.parse(tokenAnswer.body) as { access_token: string }).access_token;
    const headers = { authorization: `Bearer ${token}`, accept: 'application/json' };
    const base = `${g.graphEndpoint}/v1.0`;
    const follow = async (first: string, onItem: (item: Record<string, unknown>) => void) => {
      let next: string | null = first;
      for (let guard = 0; next && guard < 100_000; guard++) {
        const a = await sender.send(new URL(next), 'GET', headers);
        stats.requests++;
        if (a.status !== 200) throw new Error(`bare Graph read: ${a.status} ${a.body.slice(0, 200)}`);
        const page = JSON.parse(a.body) as { value?: Array<Record<string, unknown>>; '@odata.nextLink'?: string };
        for (const item of page.value ?? []) onItem(item);
        next = page['@odata.nextLink'] ?? null;
      }
    };
    const groupTree = async () => {
      const seen = new Set(rootGroups);
      let level = [...rootGroups];
      while (level.length > 0) {
        const nextLevel: string[] = [];
        const batches: string[][] = [];
        for (let i = 0; i < level.length; i += GROUP_IDS_PER_DELTA) batches.push(level.slice(i, i + GROUP_IDS_PER_DELTA));
        await pool(batches, groupConcurrency, async (ids) => {
          const filter = ids.map((id) => `id eq '${id}'`).join(' or ');
          await follow(`${base}/groups/delta?$filter=${encodeURIComponent(filter)}&$select=displayName,members`, (group) => {
            const members = group['members@delta'];
            for (const m of Array.isArray(members) ? (members as Array<Record<string, unknown>>) : []) {
              if (m['@odata.type'] === '#microsoft.graph.group' && typeof m.id === 'string' && !seen.has(m.id)) {
                seen.add(m.id);
                nextLevel.push(m.id);
              }
            }
          });
        });
        level = nextLevel;
      }
    };
    await follow(`${base}/users/delta?$select=${encodeURIComponent(deltaSelect([], true))}&$deltatoken=latest`, () => undefined);
    await Promise.all([follow(`${base}${usersListPath([], true)}`, () => void stats.items++), groupTree()]);
    return stats;
  } finally {
    sender.close();
  }
}

/**
 * The LMS read done bare: the same GET requests Rollcall's SCIM client made (taken from the
 * simulator's request log, in order), the first one alone (it tells the page size and total),
 * the rest `concurrency` at a time on a keep-alive agent, each body JSON.parsed.
 */
export async function bareScimGets(baseUrl: string, paths: readonly string[], concurrency: number, via: BareVia = 'node'): Promise<BareStats> {
  const origin = new URL(baseUrl).origin;
  const sender = senderFor(via, false, concurrency);
  const headers = { authorization: `Bearer ${BENCH_LMS_TOKEN}`, accept: 'application/scim+json' };
  const stats: BareStats = { requests: 0, items: 0 };
  const get = async (p: string) => {
    const a = await sender.send(new URL(p, origin), 'GET', headers);
    stats.requests++;
    const body = JSON.parse(a.body) as { Resources?: unknown[] };
    stats.items += body.Resources?.length ?? 0;
  };
  try {
    const [first, ...rest] = paths;
    if (first) await get(first);
    await pool(rest, concurrency, get);
    return stats;
  } finally {
    sender.close();
  }
}

/**
 * POSTs each body to /Users, `concurrency` at a time. With `honourRetryAfter`, a 429 makes that
 * one worker sleep for Retry-After and send again (the other workers carry on).
 */
export async function barePosts(baseUrl: string, bodies: readonly unknown[], concurrency: number, honourRetryAfter = false): Promise<BareStats & { throttled: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const headers = { authorization: `Bearer ${BENCH_LMS_TOKEN}`, accept: 'application/scim+json', 'content-type': 'application/scim+json' };
  const url = new URL(`${baseUrl.replace(/\/$/, '')}/Users`);
  const stats = { requests: 0, items: 0, throttled: 0 };
  try {
    await pool(bodies, concurrency, async (body) => {
      const text = JSON.stringify(body);
      for (let attempt = 0; attempt < 20; attempt++) {
        const a = await send(http, agent, url, 'POST', headers, text);
        stats.requests++;
        if (a.status === 429 && honourRetryAfter) {
          stats.throttled++;
          await new Promise((r) => setTimeout(r, Number(a.headers?.['retry-after'] ?? 1) * 1000));
          continue;
        }
        if (a.status !== 201) throw new Error(`bare POST: ${a.status} ${a.body.slice(0, 200)}`);
        JSON.parse(a.body);
        stats.items++;
        return;
      }
    });
    return stats;
  } finally {
    agent.destroy();
  }
}
