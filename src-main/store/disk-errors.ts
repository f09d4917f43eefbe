/**
 * A data-directory write that the OS refused, in the admin's words: what is wrong and what to do.
 * Mapped once, where files are written (writeFileAtomic), so a full disk reads as a full disk in
 * the run history, the UI and the CLI instead of "the run stopped unexpectedly: ENOSPC".
 */
import path from 'node:path';
import { appError, type AppError } from '../core/errors';

interface Refusal {
  problem: string;
  fix: (file: string) => string;
}

const FULL: Refusal = {
  problem: 'the disk is full',
  fix: (file) => `Free some space on the disk that holds ${path.dirname(file)}, then try again. Nothing was lost: the previous copy of the file is unchanged.`,
};
const NOT_ALLOWED = (problem: string): Refusal => ({
  problem,
  fix: (file) => `Check that the account running Rollcall (a scheduled run may use another one) can write to ${path.dirname(file)}, then try again.`,
});
const IN_THE_WAY: Refusal = {
  problem: 'a folder or file is in the way',
  fix: (file) => `Move aside whatever is at ${file} (Rollcall keeps its own files there), then try again.`,
};
const checkTheDisk = (problem: string): Refusal => ({
  problem,
  fix: (file) => `Check the disk that holds ${path.dirname(file)}, then try again. If it keeps failing, report it with this message.`,
});

const BY_CODE: Record<string, Refusal> = {
  ENOSPC: FULL,
  EDQUOT: FULL,
  EACCES: NOT_ALLOWED('Rollcall is not allowed to write there'),
  EPERM: NOT_ALLOWED('Rollcall is not allowed to write there'),
  EROFS: NOT_ALLOWED('the disk is read-only'),
  EISDIR: IN_THE_WAY,
  ENOTDIR: IN_THE_WAY,
  EEXIST: IN_THE_WAY,
  EMFILE: checkTheDisk('too many files are open'),
  ENFILE: checkTheDisk('too many files are open'),
  EIO: checkTheDisk('the disk reported a read/write error'),
};

function refusalOf(err: unknown): Refusal {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  const known = code === undefined ? undefined : BY_CODE[code];
  if (known) return known;
  return checkTheDisk(code ? `the system refused the write (${code})` : `the write failed (${err instanceof Error ? err.message : 'unknown error'})`);
}

/** What the OS said, in a few plain words (for a message or a notice). */
export function diskProblem(err: unknown): string {
  return refusalOf(err).problem;
}

export function diskWriteError(err: unknown, file: string): AppError {
  const refusal = refusalOf(err);
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return appError('DISK_WRITE_FAILED', `Rollcall could not save ${path.basename(file)}: ${refusal.problem}.`, refusal.fix(file), { file, cause: code ?? null });
}
