/**
 * Connector setup shared by the bench scripts: the Entra source pointed at a Graph simulator
 * (custom cloud, its CA), the SCIM target pointed at an LMS simulator, and a connector factory
 * for runIntegration that keeps the connectors it made so their request counts can be read.
 */
import { LmsSettingsSchema, type EntraSettings } from '../../../src-main/core/config';
import { DEMO_APPS } from '../../../src-main/demo/graph';
import { createEntraSource, type EntraSource } from '../../../src-main/entra';
import { createScimTarget } from '../../../src-main/lms';
import type { ConnectorFactory } from '../../../src-main/sync/connectors';

/** What a client needs to know about a running Graph simulator. */
export interface GraphEndpoint {
  tenantId: string;
  authorityHost: string;
  graphEndpoint: string;
  caCertPem: string;
}

export const BENCH_CLIENT_ID = DEMO_APPS.main.clientId;
export const BENCH_CLIENT_SECRET = DEMO_APPS.main.secret;
export const BENCH_LMS_TOKEN = 'bench-token-0123456789';

export function entraSettingsFor(g: GraphEndpoint): EntraSettings {
  return { kind: 'entra', tenantId: g.tenantId, clientId: BENCH_CLIENT_ID, cloud: 'custom', custom: { authorityHost: g.authorityHost, graphEndpoint: g.graphEndpoint, caCertPem: g.caCertPem } };
}

/** The real Entra reader with the retry policy the bench scripts use (short backoff when Retry-After is absent). */
export function benchEntraSource(g: GraphEndpoint): EntraSource {
  return createEntraSource(entraSettingsFor(g), BENCH_CLIENT_SECRET, { retry: { baseDelayMs: 50, maxDelayMs: 2_000 } });
}

export function benchScimTarget(baseUrl: string, concurrency: number) {
  return createScimTarget(LmsSettingsSchema.parse({ kind: 'scim', baseUrl, concurrency }), BENCH_LMS_TOKEN);
}

export type BenchTarget = ReturnType<typeof createScimTarget>;

/** runIntegration's connectors, remembered so the bench can read their request counts afterwards. */
export function recordingConnectors(): { factory: ConnectorFactory; made: { source: EntraSource | null; target: BenchTarget | null } } {
  const made: { source: EntraSource | null; target: BenchTarget | null } = { source: null, target: null };
  return {
    made,
    factory: {
      source: (settings, secret) => (made.source = createEntraSource(settings, secret)),
      target: (settings, token) => (made.target = createScimTarget(settings, token)),
    },
  };
}
