/**
 * The SCIM client's limiter on a virtual clock: a sparse 429 halves the window and successes grow
 * it back, only a storm pauses everyone, aborts let go of their place, the rate ceiling holds.
 */
import { describe, expect, it } from 'vitest';
import { RequestLimiter, STORM_STREAK, type Outcome, type Sleep } from '../../../src-main/lms/limiter';

const flush = () => new Promise<void>((r) => setImmediate(r));

/** Time that moves only when the test says so; sleeps resolve as it passes them. */
class VirtualClock {
  t = 1_000_000;
  private timers: Array<{ at: number; fire: () => void }> = [];
  readonly now = (): number => this.t;
  readonly sleep: Sleep = (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = {
        at: this.t + Math.max(0, ms),
        fire: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        this.timers = this.timers.filter((x) => x !== timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.timers.push(timer);
    });

  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await flush();
      const next = this.timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      this.timers = this.timers.filter((x) => x !== next);
      this.t = next.at;
      next.fire();
    }
    this.t = end;
    await flush();
  }
}

/** One request through the limiter whose answer the test gives when it likes. */
class Req {
  started = false;
  settled: 'no' | 'done' | 'aborted' = 'no';
  private answer: (o: Outcome) => void = () => undefined;
  constructor(limiter: RequestLimiter, signal?: AbortSignal) {
    void limiter
      .run(
        () => {
          this.started = true;
          return new Promise<Outcome>((resolve) => (this.answer = resolve));
        },
        signal,
        (o) => o,
      )
      .then(
        () => (this.settled = 'done'),
        () => (this.settled = 'aborted'),
      );
  }
  async finish(o: Outcome): Promise<void> {
    this.answer(o);
    await flush();
  }
}

const OK: Outcome = { kind: 'ok' };
const T429 = (retryAfterMs = 1000): Outcome => ({ kind: 'throttled', retryAfterMs });

async function launch(limiter: RequestLimiter, k: number, signal?: AbortSignal): Promise<Req[]> {
  const reqs = Array.from({ length: k }, () => new Req(limiter, signal));
  await flush();
  return reqs;
}
const running = (reqs: Req[]) => reqs.filter((r) => r.started && r.settled === 'no').length;

describe('RequestLimiter', () => {
  it('runs at most the configured concurrency at once', async () => {
    const clock = new VirtualClock();
    const limiter = new RequestLimiter(8, null, clock.sleep, clock.now);
    const reqs = await launch(limiter, 12);
    expect(running(reqs)).toBe(8);
    await reqs[0]?.finish(OK);
    expect(running(reqs)).toBe(8);
    expect(reqs.filter((r) => r.started)).toHaveLength(9);
  });

  it('a sparse 429 halves the window without pausing anyone, and successes grow it back to the configured concurrency', async () => {
    const clock = new VirtualClock();
    const limiter = new RequestLimiter(8, null, clock.sleep, clock.now);
    const first = await launch(limiter, 8);
    await first[0]?.finish(T429());
    expect(limiter.stats).toEqual({ window: 4, cuts: 1, storms: 0 });
    // The seven still in flight finish fine; new requests start at once (no pause), four at a time.
    for (const r of first.slice(1)) await r.finish(OK);
    const next = await launch(limiter, 8);
    expect(running(next)).toBe(4);

    // Additive increase: about one more request per window-full of successes, never above 8.
    let successes = 0;
    const seen: number[] = [];
    while (limiter.stats.window < 8 && successes < 100) {
      const r = next.find((x) => x.started && x.settled === 'no') as Req;
      await r.finish(OK);
      next.push(new Req(limiter));
      await flush();
      successes++;
      seen.push(running(next));
    }
    expect(limiter.stats.window).toBe(8);
    expect(successes).toBeGreaterThanOrEqual(4 + 5 + 6 + 7 - 4);
    expect(successes).toBeLessThanOrEqual(4 + 5 + 6 + 7 + 4);
    expect(Math.max(...seen)).toBeLessThanOrEqual(8);
    expect(seen.slice(0, 3)).toEqual([4, 4, 4]);
    expect(running(next)).toBe(8);
    expect(limiter.stats.storms).toBe(0);
  });

  it('429s for requests sent before the cut do not cut again', async () => {
    const clock = new VirtualClock();
    const limiter = new RequestLimiter(8, null, clock.sleep, clock.now);
    const reqs = await launch(limiter, 8);
    await reqs[0]?.finish(T429());
    await reqs[1]?.finish(OK);
    await reqs[2]?.finish(T429());
    expect(limiter.stats).toEqual({ window: 4, cuts: 1, storms: 0 });
    // A request sent under the new window that is throttled too cuts again, down to a floor of 1.
    for (const r of reqs.slice(3)) await r.finish(OK);
    const later = await launch(limiter, 1);
    await later[0]?.finish(T429());
    expect(limiter.stats.window).toBe(2);
  });

  it('a storm (most answers in one Retry-After are 429) pauses every request until it has passed', async () => {
    const clock = new VirtualClock();
    const limiter = new RequestLimiter(8, null, clock.sleep, clock.now);
    const reqs = await launch(limiter, 8);
    for (const r of reqs.slice(0, 4)) await r.finish(T429(2000));
    expect(limiter.stats).toMatchObject({ window: 1, storms: 1 });
    for (const r of reqs.slice(4)) await r.finish(OK);

    const after = await launch(limiter, 2);
    expect(after.filter((r) => r.started)).toHaveLength(0);
    await clock.advance(1999);
    expect(after.filter((r) => r.started)).toHaveLength(0);
    await clock.advance(1);
    // Then one at a time: the window restarts at 1.
    expect(running(after)).toBe(1);
  });

  it(`${STORM_STREAK} 429s in a row are a storm even when they are spread out`, async () => {
    const clock = new VirtualClock();
    const limiter = new RequestLimiter(2, null, clock.sleep, clock.now);
    for (let i = 0; i < STORM_STREAK; i++) {
      expect(limiter.stats.storms).toBe(0);
      const [r] = await launch(limiter, 1);
      expect(r?.started).toBe(true);
      await r?.finish(T429(10));
      await clock.advance(500); // far outside one Retry-After: only the streak can tell
    }
    expect(limiter.stats.storms).toBe(1);
  });

  it('a success breaks the streak', async () => {
    const clock = new VirtualClock();
    const limiter = new RequestLimiter(2, null, clock.sleep, clock.now);
    for (let i = 0; i < 3 * STORM_STREAK; i++) {
      const [r] = await launch(limiter, 1);
      await r?.finish(i % STORM_STREAK === STORM_STREAK - 1 ? OK : T429(10));
      await clock.advance(500);
    }
    expect(limiter.stats.storms).toBe(0);
  });

  it('5xx without Retry-After (neutral) leaves the window alone', async () => {
    const clock = new VirtualClock();
    const limiter = new RequestLimiter(4, null, clock.sleep, clock.now);
    const reqs = await launch(limiter, 4);
    for (const r of reqs) await r.finish({ kind: 'neutral' });
    expect(limiter.stats).toEqual({ window: 4, cuts: 0, storms: 0 });
  });

  it('an abort frees a queued request and one waiting out a storm pause, and their slots', async () => {
    const clock = new VirtualClock();
    const limiter = new RequestLimiter(4, null, clock.sleep, clock.now);
    const busy = await launch(limiter, 4);
    const queued = new AbortController();
    const [q] = await launch(limiter, 1, queued.signal);
    queued.abort();
    await flush();
    expect(q?.settled).toBe('aborted');
    expect(q?.started).toBe(false);

    // A storm (all four in flight throttled) and a request that waits it out.
    for (const r of busy) await r.finish(T429(5000));
    expect(limiter.stats.storms).toBe(1);
    expect(busy.every((r) => r.settled === 'done')).toBe(true);
    const c = new AbortController();
    const [waiting] = await launch(limiter, 1, c.signal);
    await clock.advance(100);
    expect(waiting?.started).toBe(false);
    c.abort();
    await flush();
    expect(waiting?.settled).toBe('aborted');
    // Its slot is free again: after the pause a new request starts.
    await clock.advance(5000);
    const [fresh] = await launch(limiter, 1);
    expect(fresh?.started).toBe(true);
  });

  it('keeps the requests-per-second ceiling', async () => {
    const clock = new VirtualClock();
    const limiter = new RequestLimiter(8, 10, clock.sleep, clock.now);
    const reqs = await launch(limiter, 3);
    expect(reqs.map((r) => r.started)).toEqual([true, false, false]);
    await clock.advance(100);
    expect(reqs.map((r) => r.started)).toEqual([true, true, false]);
    await clock.advance(100);
    expect(reqs.map((r) => r.started)).toEqual([true, true, true]);
  });
});
