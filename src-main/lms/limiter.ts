/**
 * How hard the SCIM client pushes an LMS: a concurrency window that adapts to 429s (AIMD, like
 * TCP's congestion window), an optional requests-per-second ceiling, and a shared "pause until"
 * gate for when the LMS is clearly saying stop.
 *
 * - A sparse 429 halves the window (never below 1); each success of a request sent after that
 *   grows it back by 1/window, so about one request per window-full of successes, up to the
 *   configured concurrency.
 *   Only the throttled request waits its Retry-After (the caller sleeps it); the rest carry on at
 *   the lower pressure. 429s for requests sent before the last cut do not cut again: they were
 *   answered about the same overload.
 * - A storm — `STORM_STREAK` 429s in a row, or at least `STORM_MIN` 429s making up half or more
 *   of the answers within one Retry-After — pauses every request until that Retry-After has
 *   passed and restarts the window at 1.
 */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** How one request went, as far as the LMS's load is concerned. */
export type Outcome =
  | { kind: 'ok' }
  | { kind: 'throttled'; retryAfterMs: number }
  /** A 5xx without Retry-After, say: retried with backoff, no news about load. */
  | { kind: 'neutral' };

/** Consecutive 429s (no success in between) that count as a storm. */
export const STORM_STREAK = 4;
/** Fewest 429s within one Retry-After that count as a storm, when they are half the answers or more. */
export const STORM_MIN = 3;

export const realSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export interface LimiterStats {
  /** The current concurrency window (whole requests). */
  window: number;
  /** Times a 429 halved the window. */
  cuts: number;
  /** Times a storm paused every request. */
  storms: number;
}

export class RequestLimiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private nextSlotAt = 0;
  private pausedUntil = 0;
  /** Fractional window: additive increase adds 1/window per success. */
  private limit: number;
  private cutCount = 0;
  private stormCount = 0;
  private streak = 0;
  /** Answers (time, throttled?) within the latest Retry-After, oldest first, to judge a storm. */
  private readonly recent: Array<{ at: number; throttled: boolean }> = [];
  private readonly recentCap: number;
  private horizonMs: number | null = null;

  constructor(
    private readonly concurrency: number,
    private readonly ratePerSecond: number | null,
    private readonly sleep: Sleep = realSleep,
    private readonly now: () => number = Date.now,
  ) {
    this.limit = Math.max(1, concurrency);
    // Enough answers to see "half of what is in flight", few enough to scan on every 429.
    this.recentCap = Math.max(32, 4 * concurrency);
  }

  get stats(): LimiterStats {
    return { window: this.window(), cuts: this.cutCount, storms: this.stormCount };
  }

  /**
   * Runs fn when the window has room, the rate allows and no storm pause is in force. `judge`
   * says what the answer means for the LMS's load; without it every answer counts as ok.
   */
  async run<T>(fn: () => Promise<T>, signal?: AbortSignal, judge?: (result: T) => Outcome): Promise<T> {
    await this.acquire(signal);
    try {
      await this.waitForTurn(signal);
      const cutsAtSend = this.cutCount;
      const result = await fn();
      this.record(judge ? judge(result) : { kind: 'ok' }, cutsAtSend);
      return result;
    } finally {
      this.release();
    }
  }

  private record(outcome: Outcome, cutsAtSend: number): void {
    if (outcome.kind === 'neutral') return;
    const now = this.now();
    if (outcome.kind === 'throttled') this.horizonMs = Math.max(0, outcome.retryAfterMs);
    this.remember(now, outcome.kind === 'throttled');
    if (outcome.kind === 'ok') {
      this.streak = 0;
      // Only answers to requests sent at the current pressure say it is fine to push harder.
      if (cutsAtSend !== this.cutCount) return;
      this.limit = Math.min(this.concurrency, this.limit + 1 / this.limit);
      this.grant();
      return;
    }
    this.streak++;
    const throttled = this.recent.reduce((k, r) => k + (r.throttled ? 1 : 0), 0);
    if (this.streak >= STORM_STREAK || (throttled >= STORM_MIN && throttled * 2 >= this.recent.length)) {
      // The LMS is saying stop: nobody sends until its Retry-After has passed.
      if (this.pausedUntil <= now) this.stormCount++;
      this.pausedUntil = Math.max(this.pausedUntil, now + outcome.retryAfterMs);
      this.limit = 1;
      this.cutCount++;
      return;
    }
    // One cut per overload: a 429 for a request sent before the last cut was already answered.
    if (cutsAtSend !== this.cutCount) return;
    this.limit = Math.max(1, this.limit / 2);
    this.cutCount++;
  }

  /** Keeps the answers of the last Retry-After (at most `recentCap` of them) for the storm test. */
  private remember(now: number, throttled: boolean): void {
    if (this.horizonMs === null) return; // no 429 yet: nothing to judge
    this.recent.push({ at: now, throttled });
    while (this.recent.length > 0 && ((this.recent[0] as { at: number }).at < now - this.horizonMs || this.recent.length > this.recentCap)) this.recent.shift();
  }

  private window(): number {
    return Math.max(1, Math.floor(this.limit));
  }

  private async waitForTurn(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = this.now();
      if (this.pausedUntil > now) {
        await this.sleep(this.pausedUntil - now, signal);
        continue;
      }
      if (this.ratePerSecond) {
        const slot = Math.max(now, this.nextSlotAt);
        this.nextSlotAt = slot + 1000 / this.ratePerSecond;
        if (slot > now) await this.sleep(slot - now, signal);
      }
      return;
    }
  }

  private acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.active < this.window() && this.waiting.length === 0) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const grant = (): void => {
        signal?.removeEventListener('abort', onAbort);
        this.active++;
        resolve();
      };
      const onAbort = (): void => {
        const i = this.waiting.indexOf(grant);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(signal?.reason);
      };
      this.waiting.push(grant);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private release(): void {
    this.active--;
    this.grant();
  }

  /** Lets queued requests in while the window has room (it may have grown). */
  private grant(): void {
    while (this.active < this.window()) {
      const next = this.waiting.shift();
      if (!next) return;
      next();
    }
  }
}

/** Maps items with at most `limit` in flight, keeping order. */
export async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
