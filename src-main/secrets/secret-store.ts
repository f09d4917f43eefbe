import { appError, type AppError, type Result } from '../core/errors';

/** The two secrets an integration has: Entra client secret and LMS token. */
export type SecretKind = 'clientSecret' | 'lmsToken';
export const SECRET_KINDS: readonly SecretKind[] = ['clientSecret', 'lmsToken'];

/** Keychain service name; one account per integration and kind ("<integrationId>/<kind>"). */
export const KEYCHAIN_SERVICE = 'Rollcall';

export function keychainAccount(integrationId: string, kind: SecretKind): string {
  return `${integrationId}/${kind}`;
}

/**
 * Where secrets live: only the OS keychain. Callers never print, log, return over IPC or store
 * what get() returns; they hand it straight to the MSAL / SCIM client.
 */
export interface SecretStore {
  /** Whether the keychain can be used at all; the error says why not and what to do. */
  available(): Promise<Result<void>>;
  get(integrationId: string, kind: SecretKind): Promise<Result<string | null>>;
  set(integrationId: string, kind: SecretKind, value: string): Promise<Result<void>>;
  delete(integrationId: string, kind: SecretKind): Promise<Result<void>>;
  has(integrationId: string, kind: SecretKind): Promise<Result<boolean>>;
}

export function keychainUnavailable(reason: string): AppError {
  return appError(
    'KEYCHAIN_UNAVAILABLE',
    `The system keychain cannot be used (${reason}). Rollcall keeps secrets only in the keychain and will not store them anywhere else.`,
    process.platform === 'linux'
      ? 'Install and unlock a Secret Service keyring (GNOME Keyring or KWallet, with libsecret), log in to a desktop session, then try again.'
      : 'Unlock your keychain (macOS Keychain / Windows Credential Manager) and try again.',
  );
}
