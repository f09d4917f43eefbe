/**
 * Every way talking to Entra can fail, said once in the admin's words with a concrete fix.
 * Raw MSAL / Graph / socket errors come in; AppErrors go out. Nothing here ever echoes the secret.
 */
import { appError, UPDATE_CLIENT_SECRET, type AppError } from '../core/errors';
import { GUID_PATTERN } from '../core/config';
import type { GraphPermission } from '../core/directories';
import type { TransportError } from './http';

export const EntraErrorCode = {
  TenantInvalid: 'ENTRA_TENANT_INVALID',
  CloudInvalid: 'ENTRA_CLOUD_INVALID',
  ClientIdInvalid: 'ENTRA_CLIENT_ID_INVALID',
  SecretMissing: 'ENTRA_SECRET_MISSING',
  WrongSecret: 'ENTRA_WRONG_SECRET',
  SecretIdPasted: 'ENTRA_SECRET_ID_PASTED',
  SecretExpired: 'ENTRA_SECRET_EXPIRED',
  AppNotFound: 'ENTRA_APP_NOT_FOUND',
  TenantNotFound: 'ENTRA_TENANT_NOT_FOUND',
  SignInFailed: 'ENTRA_SIGNIN_FAILED',
  ConsentMissing: 'ENTRA_CONSENT_MISSING',
  Unreachable: 'ENTRA_UNREACHABLE',
  Tls: 'ENTRA_TLS',
  Throttled: 'ENTRA_THROTTLED',
  DeltaExpired: 'ENTRA_DELTA_EXPIRED',
  DeltaLinkForeign: 'ENTRA_DELTA_LINK_FOREIGN',
  GroupNotFound: 'ENTRA_GROUP_NOT_FOUND',
  GraphError: 'ENTRA_GRAPH_ERROR',
  Cancelled: 'ENTRA_CANCELLED',
} as const;
export type EntraErrorCode = (typeof EntraErrorCode)[keyof typeof EntraErrorCode];

/** Codes that mean "the credentials were rejected": the integration turns red (invalid). */
const CREDENTIAL_CODES: ReadonlySet<string> = new Set([
  EntraErrorCode.TenantInvalid,
  EntraErrorCode.CloudInvalid,
  EntraErrorCode.ClientIdInvalid,
  EntraErrorCode.SecretMissing,
  EntraErrorCode.WrongSecret,
  EntraErrorCode.SecretIdPasted,
  EntraErrorCode.SecretExpired,
  EntraErrorCode.AppNotFound,
  EntraErrorCode.TenantNotFound,
]);

/** True when the fix is "Update credentials" (status invalid); false = a run error (status error). */
export function isCredentialsRejected(error: AppError): boolean {
  return CREDENTIAL_CODES.has(error.code);
}

export function integrationStatusFor(error: AppError): 'invalid' | 'error' {
  return isCredentialsRejected(error) ? 'invalid' : 'error';
}

const UPDATE = UPDATE_CLIENT_SECRET;
const APP_PAGE = 'In the Microsoft Entra admin center open Entra ID → App registrations → your app';

export interface CredentialContext {
  tenantId: string;
  clientId: string;
  /** Used only to recognise a pasted Secret ID (GUID shape) and to scrub; never copied out. */
  secret: string;
}

export function tenantInvalid(tenantId: string): AppError {
  return appError(
    EntraErrorCode.TenantInvalid,
    `"${tenantId.slice(0, 80)}" is not a Directory (tenant) ID: it must be a GUID or a domain such as contoso.onmicrosoft.com.`,
    `${APP_PAGE} → Overview, and copy the Directory (tenant) ID. ${UPDATE}`,
  );
}

export function clientIdInvalid(clientId: string): AppError {
  return appError(
    EntraErrorCode.ClientIdInvalid,
    `"${clientId.slice(0, 80)}" is not an Application (client) ID: it must be a GUID.`,
    `${APP_PAGE} → Overview, and copy the Application (client) ID. ${UPDATE}`,
  );
}

export function cloudInvalid(): AppError {
  return appError(
    EntraErrorCode.CloudInvalid,
    'The custom cloud has no sign-in (authority) host or Graph endpoint.',
    'Enter both https:// addresses in the integration\'s cloud settings, or choose the global, US Government or China cloud.',
  );
}

export function secretMissing(): AppError {
  return appError(
    EntraErrorCode.SecretMissing,
    'No client secret is stored for this integration.',
    `${APP_PAGE} → Certificates & secrets, create a client secret and paste its Value. ${UPDATE}`,
  );
}

/** Translate an AADSTS sign-in error (from the token endpoint) into admin language. */
export function signInError(aadsts: number | null, ctx: CredentialContext, description: string): AppError {
  const details = { aadsts: aadsts === null ? null : `AADSTS${aadsts}`, tenantId: ctx.tenantId, clientId: ctx.clientId };
  switch (aadsts) {
    case 7000215:
      if (GUID_PATTERN.test(ctx.secret.trim())) {
        return appError(
          EntraErrorCode.SecretIdPasted,
          'Microsoft Entra rejected the client secret. What was pasted looks like the Secret ID, not the secret itself.',
          `${APP_PAGE} → Certificates & secrets and paste the secret's Value, not its Secret ID. The Value is shown only right after the secret is created; if it is hidden now, create a new client secret and copy its Value at once. ${UPDATE}`,
          details,
        );
      }
      return appError(
        EntraErrorCode.WrongSecret,
        'Microsoft Entra rejected the client secret: it does not belong to this app (AADSTS7000215).',
        `${APP_PAGE} → Certificates & secrets, create a new client secret and paste its Value (not the Secret ID). ${UPDATE}`,
        details,
      );
    case 7000222:
      return appError(
        EntraErrorCode.SecretExpired,
        'The client secret has expired (AADSTS7000222), so Microsoft Entra no longer accepts it.',
        `${APP_PAGE} → Certificates & secrets, create a new client secret and paste its Value. Note its expiry date so Rollcall can remind you next time. ${UPDATE}`,
        details,
      );
    case 700016:
      return appError(
        EntraErrorCode.AppNotFound,
        `No app with Application (client) ID ${ctx.clientId} exists in tenant ${ctx.tenantId} (AADSTS700016).`,
        `Check the Application (client) ID on the app's Overview page, and that the Directory (tenant) ID is the tenant the app is registered in. If the app is new, wait a few minutes and try again. ${UPDATE}`,
        details,
      );
    case 90002:
    case 90072:
      return appError(
        EntraErrorCode.TenantNotFound,
        `Microsoft Entra has no tenant "${ctx.tenantId}" (AADSTS${aadsts}).`,
        `Copy the Directory (tenant) ID from the app's Overview page in the Microsoft Entra admin center, and check the cloud (global, US Government, China) is the one your tenant lives in. ${UPDATE}`,
        details,
      );
    case 900023:
      return tenantInvalid(ctx.tenantId);
    default:
      return appError(
        EntraErrorCode.SignInFailed,
        `Microsoft Entra refused the sign-in${aadsts === null ? '' : ` (AADSTS${aadsts})`}: ${firstSentence(description)}`,
        'Check the app registration in the Microsoft Entra admin center. Search the AADSTS code on learn.microsoft.com for the exact cause.',
        details,
      );
  }
}

/** A request that got no HTTP answer: unreachable host, untrusted certificate, timeout, cancel. */
export function transportError(e: TransportError): AppError {
  const details = { host: e.host, systemCode: e.systemCode };
  switch (e.kind) {
    case 'tls':
      return appError(
        EntraErrorCode.Tls,
        `The certificate presented by ${e.host} is not trusted${e.systemCode ? ` (${e.systemCode})` : ''}, so Rollcall did not send anything to it.`,
        'If a proxy or a private cloud inspects TLS, add its CA certificate (PEM) to the integration\'s custom cloud settings. Rollcall never turns certificate checks off.',
        details,
      );
    case 'aborted':
      return cancelled();
    case 'timeout':
      return appError(
        EntraErrorCode.Unreachable,
        `${e.host} did not answer in time.`,
        'Check this computer\'s internet connection, proxy and firewall, then try again.',
        details,
      );
    case 'dropped':
    case 'unreachable':
      return appError(
        EntraErrorCode.Unreachable,
        `Rollcall could not reach ${e.host}${e.systemCode ? ` (${e.systemCode})` : ''}.`,
        'Check this computer\'s internet connection, proxy and firewall, and that the cloud (global, US Government, China or custom hosts) is right.',
        details,
      );
  }
}

export function cancelled(): AppError {
  return appError(EntraErrorCode.Cancelled, 'The read from Microsoft Entra was cancelled.', 'Start it again when ready.');
}

export function consentMissing(permissions: readonly GraphPermission[], what: string): AppError {
  const list = permissions.join(', ');
  return appError(
    EntraErrorCode.ConsentMissing,
    `The app is not allowed to ${what}: Microsoft Graph application permission ${list} is missing or has no admin consent.`,
    `${APP_PAGE} → API permissions → Add a permission → Microsoft Graph → Application permissions, add ${list}, then click "Grant admin consent".`,
    { missing: list },
  );
}

export function throttled(host: string, attempts: number): AppError {
  return appError(
    EntraErrorCode.Throttled,
    `Microsoft Graph kept asking Rollcall to slow down or was unavailable (${attempts} answers in a row), so the read stopped.`,
    'Nothing is wrong with the setup. Try again in a few minutes; large tenants read best outside office hours.',
    { host, attempts },
  );
}

export function deltaExpired(reason: string): AppError {
  return appError(
    EntraErrorCode.DeltaExpired,
    `The saved change token can no longer be used (${reason}).`,
    'Nothing to do: Rollcall reads everyone again (a full read) and continues from there.',
  );
}

export function groupNotFound(groupId: string): AppError {
  return appError(
    EntraErrorCode.GroupNotFound,
    `The group ${groupId} no longer exists in Microsoft Entra.`,
    'Open the integration\'s scope and pick the group again (it may have been deleted and recreated).',
    { groupId },
  );
}

export function graphFailure(status: number, code: string | null, message: string | null, requestId: string | null): AppError {
  return appError(
    EntraErrorCode.GraphError,
    `Microsoft Graph answered ${status}${code ? ` ${code}` : ''}${message ? `: ${firstSentence(message)}` : ''}.`,
    'Try again. If it keeps happening, send the request id to Microsoft support or Rollcall support.',
    { status, graphCode: code, requestId },
  );
}

function firstSentence(text: string): string {
  // AADSTS descriptions carry trace ids and timestamps after the first sentence.
  const clean = text.replace(/\s+/g, ' ').trim();
  const m = /^(.*?[.!?])(\s|$)/.exec(clean);
  return (m?.[1] ?? clean).slice(0, 300);
}

/** The AADSTS number in an MSAL error message or error_codes, if any. */
export function aadstsCode(text: string, errorNo?: string | number | null): number | null {
  if (errorNo !== undefined && errorNo !== null && /^\d+$/.test(String(errorNo))) return Number(errorNo);
  const m = /AADSTS(\d+)/.exec(text);
  return m?.[1] ? Number(m[1]) : null;
}

/** Last line of defence: a secret pasted into a field (say, the tenant ID) never leaves here. */
export function scrubSecret(error: AppError, secret: string): AppError {
  const s = secret.trim();
  if (s.length < 4) return error;
  const scrub = (v: string): string => v.split(s).join('[hidden]');
  const out: AppError = { code: error.code, message: scrub(error.message), fix: scrub(error.fix) };
  if (error.details) {
    const details: NonNullable<AppError['details']> = {};
    for (const [k, v] of Object.entries(error.details)) details[k] = typeof v === 'string' ? scrub(v) : v;
    out.details = details;
  }
  return out;
}
