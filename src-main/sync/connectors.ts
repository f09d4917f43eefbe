/**
 * Builds an integration's Entra source and LMS target from its settings and its keychain
 * secrets. The secrets go straight into the clients and nowhere else.
 */
import { credentialDestination, type CredentialKind, type EntraSettings, type LmsSettings } from '../core/config';
import type { SourceDirectory, TargetDirectory } from '../core/directories';
import { appError, fail, ok, type Result } from '../core/errors';
import { createEntraSource } from '../entra';
import { createScimTarget } from '../lms';
import type { SecretStore } from '../secrets/secret-store';

export interface Connectors {
  source: SourceDirectory & { close?: () => void };
  /** close() releases kept-alive connections. */
  target: TargetDirectory & { close?: () => void };
}

/** How connectors are made; tests and the benchmark pass their own options through it. */
export interface ConnectorFactory {
  source(settings: EntraSettings, clientSecret: string): SourceDirectory & { close?: () => void };
  target(settings: LmsSettings, token: string): TargetDirectory & { close?: () => void };
}

export const defaultConnectorFactory: ConnectorFactory = {
  source: (settings, secret) => createEntraSource(settings, secret),
  target: (settings, token) => createScimTarget(settings, token),
};

const CREDENTIAL_WORDS: Record<CredentialKind, { label: string; flag: string; env: string }> = {
  clientSecret: { label: 'Entra client secret', flag: '--client-secret', env: 'ROLLCALL_CLIENT_SECRET' },
  lmsToken: { label: 'LMS token', flag: '--lms-token', env: 'ROLLCALL_LMS_TOKEN' },
};

/** The missing credentials, with the one command (this integration's id, their flags) that stores them on a server. */
function secretMissing(kinds: readonly CredentialKind[], integrationId: string) {
  const words = kinds.map((k) => CREDENTIAL_WORDS[k]);
  return appError(
    'SETUP_INCOMPLETE',
    `The ${words.map((w) => w.label).join(' and the ')} for this integration ${words.length === 1 ? 'is' : 'are'} not in the keychain.`,
    `Choose Update credentials on the integration (on a server: rollcall integration credentials --integration ${integrationId} ${words.map((w) => w.flag).join(' ')}, with ${words.map((w) => w.env).join(' / ')} set or typed when asked).`,
  );
}

/** Where each stored credential was entered for (credentialEnteredFor); null = not recorded. */
export type EnteredFor = (kind: CredentialKind) => string | null;

/**
 * A credential entered for another address is not handed to a client: the settings in hand may
 * predate a change of address that came with a new credential (a Test still running, say).
 */
function addressMismatch(kind: CredentialKind, enteredFor: EnteredFor | undefined, goingTo: string | null) {
  const entered = enteredFor?.(kind) ?? null;
  if (entered === null || entered === goingTo) return null;
  const what = kind === 'lmsToken' ? 'LMS token' : 'Entra client secret';
  return appError(
    'CREDENTIAL_ADDRESS_MISMATCH',
    `The saved ${what} was entered for ${entered}, not for ${goingTo ?? 'this address'}, so it was not sent.`,
    `If the address changed, enter the ${what} for the new address (Edit settings → Save & Test); otherwise try again.`,
  );
}

export async function openSource(
  secrets: SecretStore,
  integrationId: string,
  settings: EntraSettings,
  factory: ConnectorFactory = defaultConnectorFactory,
  enteredFor?: EnteredFor,
): Promise<Result<Connectors['source']>> {
  const secret = await secrets.get(integrationId, 'clientSecret');
  if (!secret.ok) return secret;
  if (!secret.value) return fail(secretMissing(['clientSecret'], integrationId));
  const mismatch = addressMismatch('clientSecret', enteredFor, credentialDestination({ source: settings, target: { baseUrl: '' } }, 'clientSecret'));
  if (mismatch) return fail(mismatch);
  return ok(factory.source(settings, secret.value));
}

export async function openTarget(
  secrets: SecretStore,
  integrationId: string,
  settings: LmsSettings,
  factory: ConnectorFactory = defaultConnectorFactory,
  enteredFor?: EnteredFor,
): Promise<Result<Connectors['target']>> {
  const token = await secrets.get(integrationId, 'lmsToken');
  if (!token.ok) return token;
  if (!token.value) return fail(secretMissing(['lmsToken'], integrationId));
  const mismatch = addressMismatch('lmsToken', enteredFor, credentialDestination({ source: {}, target: settings }, 'lmsToken'));
  if (mismatch) return fail(mismatch);
  return ok(factory.target(settings, token.value));
}

export async function openConnectors(
  secrets: SecretStore,
  integrationId: string,
  settings: { source: EntraSettings; target: LmsSettings },
  factory: ConnectorFactory = defaultConnectorFactory,
  enteredFor?: EnteredFor,
): Promise<Result<Connectors>> {
  const source = await openSource(secrets, integrationId, settings.source, factory, enteredFor);
  if (!source.ok) {
    // Both missing (a data folder moved to a new machine): one fix for both, not one at a time.
    if (source.error.code === 'SETUP_INCOMPLETE') {
      const token = await secrets.get(integrationId, 'lmsToken');
      if (token.ok && !token.value) return fail(secretMissing(['clientSecret', 'lmsToken'], integrationId));
    }
    return source;
  }
  const target = await openTarget(secrets, integrationId, settings.target, factory, enteredFor);
  if (!target.ok) {
    source.value.close?.();
    return target;
  }
  return ok({ source: source.value, target: target.value });
}

export function closeConnectors(c: Partial<Connectors>): void {
  c.source?.close?.();
  c.target?.close?.();
}
