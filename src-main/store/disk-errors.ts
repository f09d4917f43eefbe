/**
 * A data-directory write that the OS refused, in the admin's words: what is wrong and what to do.
 * Mapped once, where files are written (writeFileAtomic), so a full disk reads as a full disk in
 * the run history, the UI and the CLI instead of "the run stopped unexpectedly: ENOSPC".
 */
import path from 'node:path';
import { appError, type AppError } from '../core/errors';

/** What the OS said, in a few plain words (for a message or a notice). */
export function diskProblem(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return 'the disk is full';
    case 'EACCES':
    case 'EPERM':
      return 'Rollcall is not allowed to write there';
    case 'EROFS':
      return 'the disk is read-only';
    case 'EISDIR':
    case 'ENOTDIR':
    case 'EEXIST':
      return 'a folder or file is in the way';
    case 'EMFILE':
    case 'ENFILE':
      return 'too many files are open';
    case 'EIO':
      return 'the disk reported a read/write error';
    default:
      return code ? `the system refused the write (${code})` : `the write failed (${err instanceof Error ? err.message : 'unknown error'})`;
  }
}

function fixFor(code: string | undefined, file: string): string {
  const dir = path.dirname(file);
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return `Free some space on the disk that holds ${dir}, then try again. Nothing was lost: the previous copy of the file is unchanged.`;
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return `Check that the account running Rollcall (a scheduled run may use another one) can write to ${dir}, then try again.`;
    case 'EISDIR':
    case 'ENOTDIR':
    case 'EEXIST':
      return `Move aside whatever is at ${file} (Rollcall keeps its own files there), then try again.`;
    default:
      return `Check the disk that holds ${dir}, then try again. If it keeps failing, report it with this message.`;
  }
}

export function diskWriteError(err: unknown, file: string): AppError {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return appError('DISK_WRITE_FAILED', `Rollcall could not save ${path.basename(file)}: ${diskProblem(err)}.`, fixFor(code, file), { file, cause: code ?? null });
}
