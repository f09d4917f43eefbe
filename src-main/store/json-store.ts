import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Low, type Adapter } from 'lowdb';
import { readTextIfExists, writeFileAtomic } from './atomic-file';
import { diskProblem } from './disk-errors';
import { acquireLock } from './file-lock';
import { AppErrorException, appError } from '../core/errors';

/** Something the admin should know about their data files (shown as a banner in the UI). */
export interface StoreNotice {
  id: string;
  level: 'info' | 'warning';
  message: string;
  fix: string;
  file: string;
  at: string;
}

export type ParseResult<T> =
  | { ok: true; data: T; migratedFrom: number | null }
  /** `newerVersion`: the file's format is newer than this Rollcall reads; it is not damaged. */
  | { ok: false; problem: string; newerVersion?: { found: number; readsUpTo: number } };

export interface JsonStoreOptions<T> {
  file: string;
  /** What the admin calls this file ("settings", "link table", "run history"). */
  label: string;
  empty: () => T;
  /** Validate (and migrate) parsed JSON into the current schema. */
  parse: (raw: unknown) => ParseResult<T>;
  onNotice: (notice: StoreNotice) => void;
  /** A notice this file raised no longer holds (its backup copy was written again). */
  onNoticeResolved?: (id: string, file: string) => void;
  /**
   * Written on one line rather than indented. For the link table: an apply rewrites it after
   * every batch of links, and at 100k links the indented text took half as long again to write and read.
   */
  compact?: boolean;
}

function newerVersionError(label: string, file: string, v: { found: number; readsUpTo: number }) {
  return appError(
    'DATA_FROM_NEWER_ROLLCALL',
    `The ${label} file ${file} was written by a newer version of Rollcall (format version ${v.found}; this one reads up to ${v.readsUpTo}), so this Rollcall cannot use it. Nothing was changed.`,
    'Update Rollcall on this computer to the version that wrote it: the desktop app and the rollcall command share this data folder and must be the same version.',
    { file },
  );
}

function stamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-');
}

/**
 * lowdb adapter that never loses data: atomic owner-only writes, a last-good copy after every
 * successful write, and on a damaged file (truncated, empty, not JSON, wrong shape) the file is
 * moved aside and the last good copy restored, with a notice.
 */
class SafeJsonAdapter<T> implements Adapter<T> {
  /** The last-good copy could not be written since the notice saying so was raised. */
  private backupStale = false;

  constructor(private readonly options: JsonStoreOptions<T>) {}

  get backupFile(): string {
    return `${this.options.file}.last-good`;
  }

  async read(): Promise<T | null> {
    const { file, label } = this.options;
    const text = await readTextIfExists(file);
    if (text === null) return null;
    const parsed = this.parseText(text);
    // A newer Rollcall's file is not damaged: "recovering" it would replace it, and the newer app
    // (which shares this folder) would lose what it wrote. Refused, and nothing is touched.
    if (!parsed.ok && parsed.newerVersion) throw new AppErrorException(newerVersionError(label, file, parsed.newerVersion));
    if (parsed.ok) {
      if (parsed.migratedFrom !== null) {
        await fs.copyFile(file, `${file}.v${parsed.migratedFrom}-before-upgrade`);
        await this.write(parsed.data);
        this.options.onNotice({
          id: `${label}-migrated`,
          level: 'info',
          message: `The ${label} file was upgraded from format version ${parsed.migratedFrom}.`,
          fix: `Nothing to do. The previous file was kept as ${file}.v${parsed.migratedFrom}-before-upgrade.`,
          file,
          at: new Date().toISOString(),
        });
      }
      return parsed.data;
    }
    return this.recover(parsed.problem);
  }

  async write(data: T): Promise<void> {
    // Encoded once for both copies: a link table is rewritten many times during a large apply.
    const text = this.options.compact === true ? JSON.stringify(data) : JSON.stringify(data, null, 1);
    const bytes = Buffer.from(`${text}\n`, 'utf8');
    await writeFileAtomic(this.options.file, bytes);
    // The file is saved from here: a backup that cannot be refreshed must not report the save as
    // failed (the caller would redo or abandon a change that is on disk). The older copy stays.
    const { file, label } = this.options;
    const id = `${label}-backup-stale`;
    try {
      await writeFileAtomic(this.backupFile, bytes);
    } catch (err) {
      // One notice while the problem lasts (an apply saves the link table many times), with the
      // time it began: dismissing it holds, even though the dismissal is itself a failing save.
      if (this.backupStale) return;
      this.backupStale = true;
      this.options.onNotice({
        id,
        level: 'warning',
        message: `Rollcall saved the ${label} but could not refresh its last good copy: ${diskProblem(err instanceof AppErrorException ? err.cause : err)}.`,
        fix: `Free some disk space and check that Rollcall can write to ${path.dirname(file)}. Until the next save, a damaged ${label} file would be restored from an older copy.`,
        file,
        at: new Date().toISOString(),
      });
      return;
    }
    if (this.backupStale) {
      this.backupStale = false;
      this.options.onNoticeResolved?.(id, file);
    }
  }

  private parseText(text: string): ParseResult<T> {
    if (text.trim() === '') return { ok: false, problem: 'the file is empty' };
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (err) {
      return { ok: false, problem: `the file is not valid JSON (${(err as Error).message})` };
    }
    return this.options.parse(raw);
  }

  private async recover(problem: string): Promise<T> {
    const { file, label } = this.options;
    const aside = `${file}.damaged-${stamp()}`;
    await fs.rename(file, aside);
    const backupText = await readTextIfExists(this.backupFile);
    const backup = backupText === null ? null : this.parseText(backupText);
    if (backup?.ok) {
      const savedAt = (await fs.stat(this.backupFile)).mtime.toISOString();
      await writeFileAtomic(file, backupText ?? '');
      this.options.onNotice({
        id: `${label}-restored`,
        level: 'warning',
        message: `The ${label} file was damaged (${problem}). Rollcall restored the last good copy, saved at ${savedAt}.`,
        fix: `Check that the restored ${label} are as you expect. The damaged file was kept as ${aside}.`,
        file,
        at: new Date().toISOString(),
      });
      return backup.data;
    }
    this.options.onNotice({
      id: `${label}-reset`,
      level: 'warning',
      message: `The ${label} file was damaged (${problem}) and no good copy was found, so Rollcall started with empty ${label}.`,
      fix: `The damaged file was kept as ${aside}; send it to support or set the ${label} up again.`,
      file,
      at: new Date().toISOString(),
    });
    return this.options.empty();
  }
}

/**
 * One JSON document on disk. Every update takes a lock shared by all processes using the data
 * directory, re-reads the file, applies the change and writes it back: the desktop app and a
 * CLI run from cron never lose each other's writes.
 */
export class JsonStore<T> {
  private readonly low: Low<T>;
  private readonly adapter: SafeJsonAdapter<T>;
  private queue: Promise<unknown> = Promise.resolve();
  /** Inode, size and times of the file as last read or written here, to notice another process's writes. */
  private seen = '';

  constructor(private readonly options: JsonStoreOptions<T>) {
    this.adapter = new SafeJsonAdapter(options);
    this.low = new Low<T>(this.adapter, options.empty());
  }

  get file(): string {
    return this.options.file;
  }

  /** The last state read or written by this process. */
  get data(): T {
    return this.low.data;
  }

  async load(): Promise<T> {
    await this.serialised(() =>
      this.withFileLock(async () => {
        await this.low.read();
        this.seen = await this.stamp();
      }),
    );
    return this.low.data;
  }

  /** Re-reads the file if another process (a CLI run, the desktop app) has written it since. */
  async refreshIfChanged(): Promise<T> {
    if ((await this.stamp()) !== this.seen) await this.load();
    return this.low.data;
  }

  private async stamp(): Promise<string> {
    try {
      const s = await fs.stat(this.options.file);
      // Inode and ctime too: a write renames a new file in, which size and mtime alone can miss
      // within one mtime tick (inode numbers are reused, so this narrows, not closes, that gap).
      return `${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`;
    } catch {
      return '-';
    }
  }

  async update<R>(change: (draft: T) => R): Promise<R> {
    return this.serialised(() =>
      this.withFileLock(async () => {
        // The change works on a draft that becomes `data` only once written: a change that throws
        // halfway (or a write that fails) leaves no half of itself in memory for the next update
        // to write. A file deleted meanwhile has nothing to re-read: a copy of memory then.
        const draft = (await this.adapter.read()) ?? structuredClone(this.low.data);
        const result = change(draft);
        await this.adapter.write(draft);
        this.low.data = draft;
        this.seen = await this.stamp();
        return result;
      }),
    );
  }

  /**
   * update() for a change made as a new value from the current one, which it must not modify:
   * the file is read back only when another process wrote it since this one last read or wrote
   * it (its inode, size and times moved: every write renames a new file in). An apply rewrites the
   * link table after each batch of links; parsing it back each time cost more than writing it.
   */
  async replace(next: (current: Readonly<T>) => T): Promise<void> {
    await this.serialised(() =>
      this.withFileLock(async () => {
        const current = (await this.stamp()) === this.seen ? this.low.data : ((await this.adapter.read()) ?? this.low.data);
        const value = next(current);
        await this.adapter.write(value);
        this.low.data = value;
        this.seen = await this.stamp();
      }),
    );
  }

  private serialised<R>(work: () => Promise<R>): Promise<R> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async withFileLock<R>(work: () => Promise<R>): Promise<R> {
    const got = await acquireLock(`${this.options.file}.lock`, { purpose: `write ${this.options.label}`, waitMs: 15_000, staleMs: 15_000 });
    if (!got.acquired) {
      const who = got.holder ? `process ${got.holder.pid} (${got.holder.purpose})` : 'another process';
      throw new AppErrorException(
        appError(
          'STORE_LOCKED',
          `The ${this.options.label} file is being written by ${who} and did not become free within 15 seconds.`,
          'Wait for the other Rollcall process (the desktop app or a scheduled CLI run) to finish, then try again.',
        ),
      );
    }
    try {
      return await work();
    } finally {
      await got.lock.release();
    }
  }
}
