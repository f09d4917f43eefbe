/**
 * The one place where LMS failures become AppErrors the admin can act on. Every message that
 * leaves this room goes through redact(), so the LMS token never reaches a log, the UI or IPC,
 * even when a server echoes the Authorization header back in its error body.
 */
import { appError, UPDATE_LMS_TOKEN, type AppError } from '../core/errors';
import type { TargetWriteError } from '../core/directories';
import type { IntegrationStatus } from '../core/config';

export const LmsErrorCode = {
  tokenRefused: 'LMS_TOKEN_REFUSED',
  unreachable: 'LMS_UNREACHABLE',
  timeout: 'LMS_TIMEOUT',
  tls: 'LMS_TLS',
  notScim: 'LMS_NOT_SCIM',
  wrongPath: 'LMS_WRONG_PATH',
  rateLimited: 'LMS_RATE_LIMITED',
  serverError: 'LMS_SERVER_ERROR',
  aborted: 'LMS_ABORTED',
  conflict: 'LMS_USER_CONFLICT',
  /** A group of that name exists (HTTP 409) and Rollcall could not tell which one it is. */
  groupConflict: 'LMS_GROUP_CONFLICT',
  /** 401/403 on /Groups while the same token reads /Users: a missing permission, not a bad token. */
  groupsForbidden: 'LMS_GROUPS_FORBIDDEN',
  invalidValue: 'LMS_INVALID_VALUE',
  notFound: 'LMS_NOT_FOUND',
  rejected: 'LMS_REJECTED',
  unsupported: 'LMS_UNSUPPORTED',
  referenceNotFound: 'LMS_REFERENCE_NOT_FOUND',
  badResponse: 'LMS_BAD_RESPONSE',
} as const;

/** Replaces every occurrence of each secret with "[redacted]". Empty secrets are ignored. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (s.length >= 4) out = out.split(s).join('[redacted]');
  }
  return out;
}

export function redactError(error: AppError, secrets: readonly string[]): AppError {
  const details = error.details
    ? Object.fromEntries(
        Object.entries(error.details).map(([k, v]) => [k, typeof v === 'string' ? redact(v, secrets) : v]),
      )
    : undefined;
  return appError(error.code, redact(error.message, secrets), redact(error.fix, secrets), details);
}

/** Errors that mean "the credentials are wrong": the integration turns red (DESIGN.md §3). */
export function isCredentialError(error: AppError): boolean {
  return error.code === LmsErrorCode.tokenRefused;
}

/** The integration status an LMS error puts the integration in. */
export function integrationStatusFor(error: AppError): Extract<IntegrationStatus, 'invalid' | 'error'> {
  return isCredentialError(error) ? 'invalid' : 'error';
}

/** The shape apply() records per user (core's TargetWriteError) from an AppError of this room. */
export function toTargetWriteError(error: AppError): TargetWriteError {
  const status = error.details?.httpStatus;
  const detail = error.details?.lmsDetail;
  return {
    code: error.code,
    message: error.message,
    fix: error.fix,
    httpStatus: typeof status === 'number' ? status : null,
    lmsDetail: typeof detail === 'string' ? detail : null,
  };
}

export interface ScimErrorBody {
  status: number;
  scimType: string | null;
  detail: string | null;
}

/** Reads a SCIM error body (RFC 7644 §3.12) leniently; many servers send only "detail" or "message". */
export function parseScimError(status: number, body: unknown): ScimErrorBody {
  const o = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const scimType = typeof o.scimType === 'string' ? o.scimType : null;
  const detailRaw = o.detail ?? o.message ?? o.error_description ?? o.error;
  const detail = typeof detailRaw === 'string' ? detailRaw.slice(0, 500) : null;
  return { status, scimType, detail };
}

function lmsSays(e: ScimErrorBody): string {
  const parts = [e.scimType, e.detail].filter((p): p is string => !!p);
  return parts.length ? ` The LMS says: ${parts.join(' — ')}` : '';
}

/**
 * Translates an HTTP error status from the LMS. `what` names the thing being done in admin
 * words ("creating anna@contoso.com"), so a per-user error reads well in the run report.
 */
export function httpStatusError(e: ScimErrorBody, what: string, baseUrl: string): AppError {
  const details = {
    httpStatus: e.status,
    lmsDetail: e.detail ?? null,
    scimType: e.scimType ?? null,
  };
  if (e.status === 401 || e.status === 403) {
    return appError(
      LmsErrorCode.tokenRefused,
      `The LMS refused the API token (HTTP ${e.status}) while ${what}.`,
      `Update the LMS token: generate a new API key in the LMS admin settings, and check the authentication scheme (Bearer, Static, Basic) too. ${UPDATE_LMS_TOKEN}`,
      details,
    );
  }
  if (e.status === 409) {
    return appError(
      LmsErrorCode.conflict,
      `The LMS already has a user with the same ${e.detail?.toLowerCase().includes('externalid') ? 'externalId' : 'userName or e-mail'} (HTTP 409) while ${what}.${lmsSays(e)}`,
      'Find the existing LMS account (Troubleshoot user) and link it, or change the e-mail of one of the two accounts.',
      details,
    );
  }
  if (e.status === 400) {
    return appError(
      LmsErrorCode.invalidValue,
      `The LMS rejected a value (HTTP 400) while ${what}.${lmsSays(e)}`,
      'Check the attribute mapping for this user; the LMS message names the field it did not accept.',
      details,
    );
  }
  if (e.status === 404) {
    return appError(
      LmsErrorCode.notFound,
      `The LMS answered "not found" (HTTP 404) while ${what}.${lmsSays(e)}`,
      `The user may have been deleted in the LMS; run a full sync to refresh. If every request fails this way, check the SCIM base URL (${baseUrl}).`,
      details,
    );
  }
  if (e.status === 429) {
    return appError(
      LmsErrorCode.rateLimited,
      `The LMS kept answering "too many requests" (HTTP 429) while ${what}, even after waiting as it asked.`,
      'Lower the concurrency or set a requests-per-second limit for this integration, then run again.',
      details,
    );
  }
  if (e.status >= 500) {
    return appError(
      LmsErrorCode.serverError,
      `The LMS had an internal error (HTTP ${e.status}) while ${what}, and kept failing after retries.${lmsSays(e)}`,
      'Try again later; if it persists, send the LMS vendor the time of the run and this message.',
      details,
    );
  }
  return appError(
    LmsErrorCode.rejected,
    `The LMS refused the request (HTTP ${e.status}) while ${what}.${lmsSays(e)}`,
    'Check the LMS message above; send it to the LMS vendor if it is unclear.',
    details,
  );
}

export function notScimError(url: string, got: string, status: number): AppError {
  return appError(
    LmsErrorCode.notScim,
    `This URL does not look like a SCIM endpoint: got ${got} from ${url} (HTTP ${status}).`,
    'Use the SCIM base URL from the LMS admin settings, usually ending in /scim/v2 — not the LMS web address.',
    { httpStatus: status },
  );
}

export function wrongPathError(url: string): AppError {
  return appError(
    LmsErrorCode.wrongPath,
    `Nothing answers as SCIM at ${url} (HTTP 404): the server is reachable but the path is wrong.`,
    'Check the SCIM base URL: it usually ends in /scim/v2 (no trailing /Users).',
    { httpStatus: 404 },
  );
}

export function abortedError(): AppError {
  return appError(LmsErrorCode.aborted, 'The LMS request was cancelled.', 'Run it again when you are ready.');
}

/** Node network errors (ECONNREFUSED, ENOTFOUND, certificate errors) in admin words. */
export function networkError(err: unknown, host: string): AppError {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : '';
  // No TLS handshake at all: most often an https:// address for a server (or port) that speaks plain HTTP.
  const message = typeof err === 'object' && err !== null && 'message' in err ? String((err as { message: unknown }).message) : '';
  if (code === 'EPROTO' || code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number|packet length too long/i.test(message)) {
    return appError(
      LmsErrorCode.tls,
      `The LMS at ${host} did not answer HTTPS (${code || 'no TLS handshake'}).`,
      'Check the SCIM base URL: the port may be one that speaks plain HTTP, or the address may need http:// for a local test server. If the LMS sits behind a proxy that inspects HTTPS, ask for its CA certificate.',
      { errorCode: code || null },
    );
  }
  if (TLS_CODES.has(code) || code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL')) {
    return appError(
      LmsErrorCode.tls,
      `The LMS's HTTPS certificate is not trusted (${code}) for ${host}.`,
      'If the LMS uses a private certificate authority, paste its CA certificate (PEM) into the LMS connection settings. Check the host name matches the certificate. Rollcall never turns certificate checks off.',
      { errorCode: code },
    );
  }
  if (code === 'ETIMEDOUT' || code === 'LMS_TIMEOUT') {
    return appError(
      LmsErrorCode.timeout,
      `The LMS at ${host} did not answer in time.`,
      'Check the LMS is up and that a firewall or proxy is not holding the connection; then try again.',
      { errorCode: code },
    );
  }
  return appError(
    LmsErrorCode.unreachable,
    `Cannot reach the LMS at ${host}${code ? ` (${code})` : ''}.`,
    'Check the SCIM base URL (host name and port), your network or VPN, and any proxy or firewall between this computer and the LMS.',
    { errorCode: code || null },
  );
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
]);
