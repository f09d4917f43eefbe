/**
 * ScimHttp against a tiny local server that answers 429 on cue: the throttled request waits its
 * own Retry-After (capped), the retry is counted, and a sparse 429 does not stall later requests.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ScimHttp } from '../../../src-main/lms/http';
import type { Sleep } from '../../../src-main/lms/limiter';

interface Cue {
  status: number;
  retryAfter?: string;
}

let server: http.Server | null = null;
let httpClient: ScimHttp | null = null;

/** Answers each request with the next cue (then 200), and records what it saw; `hold` may delay an answer. */
async function lmsAnswering(cues: Cue[], hold?: (answer: () => void) => boolean): Promise<{ baseUrl: string; seen: string[] }> {
  const seen: string[] = [];
  server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const cue = cues.shift() ?? { status: 200 };
    const answer = () => {
      res.writeHead(cue.status, { 'content-type': 'application/scim+json', ...(cue.retryAfter ? { 'retry-after': cue.retryAfter } : {}) });
      res.end(JSON.stringify({ ok: cue.status }));
    };
    if (!hold?.(answer)) answer();
  });
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/scim/v2`, seen };
}

/** A sleep that only writes down how long it was asked to wait. */
function recordingSleep(): { sleep: Sleep; waits: number[] } {
  const waits: number[] = [];
  return { waits, sleep: async (ms) => void waits.push(ms) };
}

function scimHttp(baseUrl: string, sleep: Sleep, over: { maxRetryAfterMs?: number; concurrency?: number } = {}): ScimHttp {
  httpClient = new ScimHttp({ baseUrl, authorization: 'Bearer t', secrets: ['t'], concurrency: over.concurrency ?? 4, rateLimitPerSecond: null, sleep, baseBackoffMs: 8, maxBackoffMs: 8, ...over });
  return httpClient;
}

afterEach(async () => {
  httpClient?.close();
  httpClient = null;
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = null;
});

describe('ScimHttp throttling', () => {
  it('a 429 is retried only after its own Retry-After, and a later request is not held up by it', async () => {
    const lms = await lmsAnswering([{ status: 429, retryAfter: '30' }]);
    const { sleep, waits } = recordingSleep();
    const client = scimHttp(lms.baseUrl, sleep);
    const first = await client.request('POST', 'Users', { userName: 'a' });
    expect(first.ok && first.value.status).toBe(200);
    expect(waits).toEqual([30_000]);
    // Under the old "pause everyone" rule this request would wait out the rest of those 30 s.
    const second = await client.request('GET', 'Users?count=1');
    expect(second.ok && second.value.status).toBe(200);
    expect(waits).toEqual([30_000]);
    expect(client.stats).toMatchObject({ requests: 3, retries: 1 });
    expect(lms.seen).toEqual(['POST /scim/v2/Users', 'POST /scim/v2/Users', 'GET /scim/v2/Users?count=1']);
  });

  it('caps a Retry-After longer than maxRetryAfterMs', async () => {
    const lms = await lmsAnswering([{ status: 429, retryAfter: '3600' }]);
    const { sleep, waits } = recordingSleep();
    const client = scimHttp(lms.baseUrl, sleep, { maxRetryAfterMs: 5_000 });
    const r = await client.request('GET', 'Users');
    expect(r.ok && r.value.status).toBe(200);
    expect(waits).toEqual([5_000]);
  });

  it('a storm (every request in flight throttled) holds back a fresh request too', async () => {
    // The four requests in flight are answered 429 together, then the LMS is fine again.
    const held: Array<() => void> = [];
    const lms = await lmsAnswering([1, 2, 3, 4].map(() => ({ status: 429, retryAfter: '0.5' })), (answer) => {
      held.push(answer);
      if (held.length === 4) for (const a of held) a();
      return held.length <= 4;
    });
    const waits: Array<{ ms: number; fifth: boolean }> = [];
    const fifthSignal = new AbortController().signal;
    // Real (short) sleeps so the pause passes; only the requested waits are asserted.
    const sleep: Sleep = async (ms, signal) => {
      waits.push({ ms, fifth: signal === fifthSignal });
      await new Promise((r) => setTimeout(r, ms));
    };
    const client = scimHttp(lms.baseUrl, sleep, { concurrency: 4 });
    const four = Promise.all([1, 2, 3, 4].map((i) => client.request('GET', `Users?i=${i}`)));
    while (client.stats.retries < 4) await new Promise((r) => setImmediate(r));
    const fifth = await client.request('GET', 'Users?i=5', undefined, fifthSignal);
    expect(fifth.ok && fifth.value.status).toBe(200);
    expect((await four).every((r) => r.ok && r.value.status === 200)).toBe(true);
    // Four own Retry-After waits, and the fresh (never throttled) request waiting out the pause.
    // (A retry may also wait out the rest of the pause: never longer than the Retry-After.)
    const others = waits.filter((w) => !w.fifth).map((w) => w.ms);
    expect(others.filter((ms) => ms === 500)).toHaveLength(4);
    expect(others.every((ms) => ms > 0 && ms <= 500)).toBe(true);
    const fifthWaits = waits.filter((w) => w.fifth).map((w) => w.ms);
    expect(fifthWaits.length).toBeGreaterThan(0);
    expect(fifthWaits.every((ms) => ms > 0 && ms <= 500)).toBe(true);
    expect(client.stats).toMatchObject({ requests: 9, retries: 4 });
  });

  it('an abort during the Retry-After wait ends the request as LMS_ABORTED', async () => {
    const lms = await lmsAnswering([{ status: 429, retryAfter: '30' }]);
    const controller = new AbortController();
    const sleep: Sleep = (_ms, signal) =>
      new Promise<void>((_resolve, reject) => {
        signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
        controller.abort();
      });
    const client = scimHttp(lms.baseUrl, sleep);
    const r = await client.request('GET', 'Users', undefined, controller.signal);
    expect(r.ok ? 'ok' : r.error.code).toBe('LMS_ABORTED');
    expect(lms.seen).toHaveLength(1);
  });
});
