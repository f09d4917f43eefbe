import { promises as fs } from 'node:fs';
import os from 'node:os';

/**
 * A lock file shared by every process that uses the same data directory (the desktop app and a
 * CLI run started by cron). Holds the owner's pid and a heartbeat; a lock whose owner is gone, or
 * whose heartbeat is older than staleMs, is taken over.
 */
export interface LockOwner {
  pid: number;
  host: string;
  purpose: string;
  since: string;
  heartbeat: string;
}

export interface HeldLock {
  release(): Promise<void>;
}

export interface LockOptions {
  purpose: string;
  /** How long to keep trying before giving up (0 = one attempt). */
  waitMs: number;
  staleMs?: number;
  /** Heartbeat interval for long holds (runs); 0 = none (short store writes). */
  heartbeatMs?: number;
}

export type LockResult = { acquired: true; lock: HeldLock } | { acquired: false; holder: LockOwner | null };

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readOwner(file: string): Promise<LockOwner | null> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as LockOwner;
  } catch {
    return null;
  }
}

function isStale(owner: LockOwner | null, staleMs: number, nowMs: number): boolean {
  if (!owner) return true;
  if (owner.host === os.hostname() && !processIsAlive(owner.pid)) return true;
  const beat = Date.parse(owner.heartbeat);
  return Number.isNaN(beat) || nowMs - beat > staleMs;
}

export async function acquireLock(file: string, options: LockOptions): Promise<LockResult> {
  const staleMs = options.staleMs ?? 30_000;
  const deadline = Date.now() + options.waitMs;
  for (let attempt = 0; ; attempt++) {
    const now = new Date();
    const owner: LockOwner = {
      pid: process.pid,
      host: os.hostname(),
      purpose: options.purpose,
      since: now.toISOString(),
      heartbeat: now.toISOString(),
    };
    try {
      await fs.writeFile(file, JSON.stringify(owner), { flag: 'wx', mode: 0o600 });
      return { acquired: true, lock: startHolding(file, owner, options.heartbeatMs ?? 0) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = await readOwner(file);
    if (isStale(holder, staleMs, Date.now())) {
      // Take over by renaming the stale file away first: of two processes racing for the same
      // stale lock, only one rename succeeds, the other retries and sees the new owner.
      const aside = `${file}.stale-${process.pid}-${attempt}`;
      try {
        await fs.rename(file, aside);
        await fs.rm(aside, { force: true });
      } catch {
        /* another process took it over first */
      }
      continue;
    }
    if (Date.now() >= deadline) return { acquired: false, holder };
    await new Promise((r) => setTimeout(r, Math.min(50 + attempt * 10, 250)));
  }
}

function startHolding(file: string, owner: LockOwner, heartbeatMs: number): HeldLock {
  let timer: NodeJS.Timeout | null = null;
  if (heartbeatMs > 0) {
    timer = setInterval(() => {
      owner.heartbeat = new Date().toISOString();
      fs.writeFile(file, JSON.stringify(owner), { mode: 0o600 }).catch(() => undefined);
    }, heartbeatMs);
    timer.unref();
  }
  return {
    async release() {
      if (timer) clearInterval(timer);
      const current = await readOwner(file);
      if (current && current.pid === owner.pid && current.since === owner.since) await fs.rm(file, { force: true });
    },
  };
}
