/**
 * Builds an integration's Entra source and LMS target from its settings and its keychain
 * secrets. The secrets go straight into the clients and nowhere else.
 */
import type { EntraSettings, LmsSettings } from '../core/config';
import type { SourceDirectory, TargetDirectory } from '../core/directories';
import { appError, fail, ok, type Result } from '../core/errors';
import { createEntraSource } from '../entra';
import { createScimTarget } from '../lms';
import type { SecretStore } from '../secrets/secret-store';

export interface Connectors {
  source: SourceDirectory & { close?: () => void };
  target: TargetDirectory;
}

/** How connectors are made; tests and the benchmark pass their own options through it. */
export interface ConnectorFactory {
  source(settings: EntraSettings, clientSecret: string): SourceDirectory & { close?: () => void };
  target(settings: LmsSettings, token: string): TargetDirectory;
}

export const defaultConnectorFactory: ConnectorFactory = {
  source: (settings, secret) => createEntraSource(settings, secret),
  target: (settings, token) => createScimTarget(settings, token),
};

export async function openConnectors(
  secrets: SecretStore,
  integrationId: string,
  settings: { source: EntraSettings; target: LmsSettings },
  factory: ConnectorFactory = defaultConnectorFactory,
): Promise<Result<Connectors>> {
  const secret = await secrets.get(integrationId, 'clientSecret');
  if (!secret.ok) return secret;
  const token = await secrets.get(integrationId, 'lmsToken');
  if (!token.ok) return token;
  const missing = [secret.value ? null : 'Entra client secret', token.value ? null : 'LMS token'].filter((x): x is string => x !== null);
  if (missing.length > 0 || !secret.value || !token.value) {
    return fail(
      appError(
        'SETUP_INCOMPLETE',
        `The ${missing.join(' and ')} for this integration is not in the keychain.`,
        'Choose Update credentials on the integration (or set ROLLCALL_CLIENT_SECRET / ROLLCALL_LMS_TOKEN and run rollcall integration add again).',
      ),
    );
  }
  return ok({ source: factory.source(settings.source, secret.value), target: factory.target(settings.target, token.value) });
}
