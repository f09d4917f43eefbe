/**
 * A complete sync environment on loopback: the Graph simulator (HTTPS, own CA) with a generated
 * tenant, the LMS simulator, a temporary data directory and an integration pointing at both.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { IntegrationConfigSchema, type IntegrationConfigInput } from '../../src-main/core/config';
import { DEMO_APPS, generateTenant, startGraphSimulator, type GeneratedTenant, type GraphFaults, type GraphSimulator } from '../../src-main/demo/graph';
import { simulatorEntraSettings } from '../../src-main/demo/tenant';
import { startLmsSimulator, type LmsFaults, type LmsSeed, type LmsSimulator } from '../../src-main/demo/lms';
import { MemorySecretStore } from '../../src-main/secrets/memory-store';
import { createIntegration, refreshSetupStatus, setEnabled } from '../../src-main/store/integrations';
import { Store } from '../../src-main/store/store';
import type { RunServices } from '../../src-main/sync/run';
import { defaultConnectorFactory, type ConnectorFactory } from '../../src-main/sync/connectors';

export const LMS_TOKEN = 'sim-lms-token-5f0c2e9a7b';

export interface SyncEnv extends RunServices {
  graph: GraphSimulator;
  lms: LmsSimulator;
  tenant: GeneratedTenant;
  integrationId: string;
  dataDir: string;
  secrets: MemorySecretStore;
  close(): Promise<void>;
}

export interface SyncEnvOptions {
  users?: number;
  seed?: number;
  lmsSeed?: 'empty' | 'default' | LmsSeed;
  graphFaults?: GraphFaults;
  lmsFaults?: LmsFaults;
  /** Changes to the integration config beyond the defaults below. */
  config?: (base: IntegrationConfigInput, tenant: GeneratedTenant) => IntegrationConfigInput;
  enabled?: boolean;
  now?: () => Date;
}

export async function startSyncEnv(options: SyncEnvOptions = {}): Promise<SyncEnv> {
  const tenant = generateTenant({ users: options.users ?? 200, seed: options.seed ?? 42 });
  const graph = await startGraphSimulator({ tenant: tenant.fixture, faults: options.graphFaults });
  const lms = await startLmsSimulator({ token: LMS_TOKEN, seed: options.lmsSeed ?? 'empty', faults: options.lmsFaults });
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'rollcall-sync-'));
  const store = await Store.open(dataDir);
  const secrets = new MemorySecretStore();
  const base: IntegrationConfigInput = {
    name: 'Demo tenant',
    source: simulatorEntraSettings(graph),
    target: { kind: 'scim', baseUrl: lms.baseUrl, concurrency: 8 },
    scope: { include: [{ kind: 'group', groupId: tenant.groupIds.allStaff, groupName: 'All Staff' }] },
    deactivation: { deactivateUsers: true, useLastDay: true },
  };
  const config = IntegrationConfigSchema.parse(options.config ? options.config(base, tenant) : base);
  const now = options.now ?? (() => new Date());
  const record = await createIntegration(store, config, now());
  await secrets.set(record.id, 'clientSecret', DEMO_APPS.main.secret);
  await secrets.set(record.id, 'lmsToken', LMS_TOKEN);
  await refreshSetupStatus(store, secrets, record.id);
  if (options.enabled ?? true) await setEnabled(store, secrets, record.id, true, now(), { communicationConfirmed: true });
  return {
    store,
    secrets,
    now,
    graph,
    lms,
    tenant,
    integrationId: record.id,
    dataDir,
    async close() {
      await graph.close();
      await lms.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Time passes in the LMS: every account's last modification moves an hour back, so changes reads skip them. */
export function ageLmsAccounts(e: SyncEnv): void {
  const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
  for (const u of e.lms.store.allUsers()) (u.meta as Record<string, unknown>).lastModified = hourAgo;
}

/**
 * The real connectors, with the named LMS client calls passed through `around` (to watch them, or
 * to answer one of them differently): the rest of the client and the simulator stay real.
 */
export function aroundLmsCalls(methods: ReadonlySet<string>, around: (method: string, args: unknown[], call: () => Promise<unknown>) => Promise<unknown>): ConnectorFactory {
  return {
    source: defaultConnectorFactory.source,
    target: (settings, token) => {
      const real = defaultConnectorFactory.target(settings, token);
      return new Proxy(real, {
        get(t, name, receiver) {
          const value: unknown = Reflect.get(t, name, receiver);
          if (typeof value !== 'function' || !methods.has(String(name))) return value;
          return (...args: unknown[]) => around(String(name), args, () => (value as (...a: unknown[]) => Promise<unknown>).apply(t, args));
        },
      });
    },
  };
}
