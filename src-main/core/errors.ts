/**
 * Errors are values: a stable code, an admin-readable message and a concrete fix.
 * They are created once, at the edge where the failure arises (Graph, SCIM, the store,
 * the keychain, input validation) and passed through unchanged to the UI and the CLI.
 */
export interface AppError {
  /** Stable machine code, AREA_WHAT, e.g. ENTRA_WRONG_SECRET, LMS_TOKEN_REFUSED, STORE_CORRUPT. */
  code: string;
  /** What went wrong, in the admin's language. Never contains a secret. */
  message: string;
  /** What to do about it. */
  fix: string;
  /** Optional evidence (field name, HTTP status, request id). Never a secret. */
  details?: Record<string, string | number | boolean | null>;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T = never>(error: AppError): Result<T> {
  return { ok: false, error };
}

export function appError(
  code: string,
  message: string,
  fix: string,
  details?: AppError['details'],
): AppError {
  return details ? { code, message, fix, details } : { code, message, fix };
}

/** Thrown only where a Result cannot flow (deep inside a callback); caught and unwrapped at the edge. */
export class AppErrorException extends Error {
  readonly error: AppError;
  constructor(error: AppError, options?: { cause?: unknown }) {
    super(`${error.code}: ${error.message}`, options);
    this.name = 'AppErrorException';
    this.error = error;
  }
}

/** The AppError a caught value is or carries (an AppErrorException), else null. */
export function appErrorOf(value: unknown): AppError | null {
  if (value instanceof AppErrorException) return value.error;
  return isAppError(value) ? value : null;
}

export function isAppError(value: unknown): value is AppError {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === 'string' && typeof v.message === 'string' && typeof v.fix === 'string';
}

/**
 * How a fix says to enter a new credential, outside the setup wizard. The wizard says its own
 * ("paste it in this step"): it replaces these (inWizard() in the renderer).
 */
export const UPDATE_CLIENT_SECRET = 'Then choose Update credentials on the integration (on a server: rollcall integration credentials --integration ID --client-secret).';
export const UPDATE_LMS_TOKEN = 'Then paste it into "Update credentials" on the integration (on a server: rollcall integration credentials --integration ID --lms-token).';
