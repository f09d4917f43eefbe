import { promises as fs } from 'node:fs';
import os from 'node:os';

/**
 * A lock file shared by every process that uses the same data directory (the desktop app and a
 * CLI run started by cron). It names its owner (pid, host); the file's modification time is the
 * owner's heartbeat. A lock whose owner process is gone (same machine), or whose heartbeat is
 * older than staleMs (another machine sharing the folder), is taken over.
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
  return (await readLockFile(file)).owner;
}

interface LockFileRead {
  /** No lock file. */
  gone: boolean;
  /** Who holds it; null when its content could not be read or is not an owner. */
  owner: LockOwner | null;
  /** Which file was read (device and inode): a file moved by rename keeps them. */
  identity: string | null;
}

/** Device and inode, which a rename keeps; null where the file system gives no inode. */
const identityFrom = (st: { dev: number; ino: number }): string | null => (st.ino > 0 ? `${st.dev}:${st.ino}` : null);

/** Reads the lock file through one handle, so its content and its identity belong together. */
async function readLockFile(file: string): Promise<LockFileRead> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch (err) {
    return { gone: (err as NodeJS.ErrnoException).code === 'ENOENT', owner: null, identity: null };
  }
  try {
    const st = await handle.stat();
    const identity = identityFrom(st);
    let owner: LockOwner | null = null;
    try {
      const parsed = JSON.parse(await handle.readFile('utf8')) as LockOwner | null;
      owner = typeof parsed === 'object' && parsed !== null ? parsed : null;
    } catch {
      owner = null;
    }
    return { gone: false, owner, identity };
  } catch {
    return { gone: false, owner: null, identity: null };
  } finally {
    await handle.close().catch(() => undefined);
  }
}

async function identityOf(file: string): Promise<string | null> {
  try {
    return identityFrom(await fs.stat(file));
  } catch {
    return null;
  }
}

/**
 * Stale when its owner is gone. On this machine that is decided by the owner's pid alone (a live
 * owner is never stale, however long it slept); from another machine sharing the folder, by the
 * heartbeat, which is the file's modification time.
 */
async function isStale(file: string, owner: LockOwner | null, staleMs: number): Promise<boolean> {
  if (owner && owner.host === os.hostname()) return !processIsAlive(owner.pid);
  try {
    const { mtimeMs } = await fs.stat(file);
    return Date.now() - mtimeMs > staleMs;
  } catch {
    return false; // released meanwhile: simply try again
  }
}

function sameOwner(a: LockOwner | null, b: LockOwner | null): boolean {
  return a !== null && b !== null && a.pid === b.pid && a.host === b.host && a.since === b.since;
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
    // Written in full beside it, then linked into place: the lock file never exists half-written,
    // and link() fails if someone else holds it.
    const tmp = `${file}.${process.pid}.${attempt}.${now.getTime()}.tmp`;
    await fs.writeFile(tmp, JSON.stringify(owner), { mode: 0o600 });
    try {
      await fs.link(tmp, file);
      return { acquired: true, lock: startHolding(file, owner, options.heartbeatMs ?? 0) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      await fs.rm(tmp, { force: true });
    }
    const read = await readLockFile(file);
    if (read.gone) {
      // Released between link() and here: try again at once. Something at the path that link()
      // sees and a read does not (a dangling link) must not be spun on past the deadline.
      if (attempt >= 20 && Date.now() >= deadline) return { acquired: false, holder: null };
      continue;
    }
    // An unreadable lock file (emptied by a power cut, say) is judged by its age like a lock
    // from another machine, and waited for within the deadline, never spun on.
    const holder = read.owner;
    if (await isStale(file, holder, staleMs)) {
      // Take over by moving the stale file aside. Of two processes racing for it only one rename
      // succeeds; and if the file moved aside turns out to be a fresh lock someone took in the
      // meantime (not the one judged stale), it is put back.
      const aside = `${file}.stale-${process.pid}-${attempt}`;
      try {
        await fs.rename(file, aside);
        // The file moved must be the one judged stale: the same file (device and inode) and,
        // when it could be read, the same owner. Anything else is a fresh lock taken meanwhile.
        // An unreadable one can only be recognised by its identity; without that it is put back.
        const sameFile = read.identity === null ? null : (await identityOf(aside)) === read.identity;
        const theStaleOne = holder === null ? sameFile === true : sameFile !== false && sameOwner(await readOwner(aside), holder);
        if (!theStaleOne) await fs.link(aside, file).catch(() => undefined);
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
    // The heartbeat touches the file's time; the content (who holds it) is never rewritten.
    timer = setInterval(() => {
      const t = new Date();
      fs.utimes(file, t, t).catch(() => undefined);
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
