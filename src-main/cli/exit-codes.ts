import type { AppError } from '../core/errors';
import { isCredentialsRejected } from '../entra';
import { isCredentialError } from '../lms';

/** The automation contract (DESIGN.md §8). */
export const ExitCode = {
  ok: 0,
  /** Finished with per-user failures, or failed for another reason (unreachable, LMS error, …). */
  failed: 1,
  /** Bad usage or config (the message names the field). */
  usage: 2,
  /** Credentials invalid: update the client secret or LMS token. */
  credentials: 3,
  /** Blocked by a safety guard (threshold, empty scope, another run in progress). */
  blocked: 4,
} as const;

const USAGE_CODES = new Set(['INVALID_INPUT', 'CONFIG_INVALID', 'USAGE', 'INTEGRATION_NOT_FOUND', 'SETUP_INCOMPLETE', 'INTEGRATION_DISABLED', 'KEYCHAIN_UNAVAILABLE', 'SECRET_MISSING', 'DATA_FROM_NEWER_ROLLCALL']);

export function exitCodeFor(error: AppError): number {
  if (isCredentialsRejected(error) || isCredentialError(error)) return ExitCode.credentials;
  if (error.code.startsWith('GUARD_') || error.code === 'RUN_IN_PROGRESS' || error.code === 'PLAN_CHANGED' || error.code === 'DRY_RUN_OUTDATED' || error.code === 'STORE_LOCKED') return ExitCode.blocked;
  if (USAGE_CODES.has(error.code)) return ExitCode.usage;
  return ExitCode.failed;
}
