import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { AppErrorException } from '../core/errors';
import { diskWriteError } from './disk-errors';

/** Owner-only: settings, links and history say who works where; other local users need not read them. */
export const OWNER_ONLY_FILE = 0o600;
export const OWNER_ONLY_DIR = 0o700;

export async function ensurePrivateDir(dir: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true, mode: OWNER_ONLY_DIR });
  // mkdir's mode is masked by umask and ignored for an existing folder: set it explicitly.
  if (process.platform !== 'win32') await fs.chmod(dir, OWNER_ONLY_DIR);
}

/**
 * Write a file so that a reader (or a crash) sees either the old content or the new, never half:
 * write a temporary file beside it, flush it to disk, then rename over the target. A write the OS
 * refuses (a full disk, no permission) throws a DISK_WRITE_FAILED AppErrorException (cause: the OS error).
 */
export async function writeFileAtomic(file: string, content: string | Uint8Array | Iterable<string | Uint8Array>, options: { durable?: boolean } = {}): Promise<void> {
  try {
    await writeThenRename(file, content, options.durable !== false);
  } catch (err) {
    const fromTheOs = typeof (err as NodeJS.ErrnoException | null)?.code === 'string';
    throw fromTheOs ? new AppErrorException(diskWriteError(err, file), { cause: err }) : err;
  }
}

async function writeThenRename(file: string, content: string | Uint8Array | Iterable<string | Uint8Array>, durable: boolean): Promise<void> {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await fs.open(tmp, 'w', OWNER_ONLY_FILE);
  try {
    if (typeof content === 'string') await handle.writeFile(content, 'utf8');
    else if (content instanceof Uint8Array) await handle.writeFile(content);
    // Pieces are written as they are made: a 100 MB file never exists as one string in memory.
    else for (const piece of content) await (typeof piece === 'string' ? handle.write(piece, null, 'utf8') : handle.write(piece));
    // Settings, links and history are flushed to disk before the rename; a cache that can be
    // rebuilt from the next read (durable: false) skips the flush, which costs seconds at 100 MB.
    if (durable) await handle.sync();
  } catch (err) {
    // A full disk must not also keep a half-written 100 MB temporary file.
    await handle.close().catch(() => undefined);
    await fs.rm(tmp, { force: true });
    throw err;
  } finally {
    await handle.close().catch(() => undefined);
  }
  try {
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
  if (process.platform !== 'win32') await fs.chmod(file, OWNER_ONLY_FILE);
}

export async function readTextIfExists(file: string): Promise<string | null> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}
