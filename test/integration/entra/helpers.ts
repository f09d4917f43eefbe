/** Start a simulator and make a real Entra reader that trusts its CA. */
import type { EntraSettings } from '../../../src-main/core/config';
import { createEntraSource, type EntraSource, type EntraSourceOptions } from '../../../src-main/entra';
import { DEMO_APPS, generateTenant, startGraphSimulator, type GeneratedTenant, type GraphFaults, type GraphSimulator } from '../../../src-main/demo/graph';

export interface Rig {
  sim: GraphSimulator;
  tenant: GeneratedTenant;
  settings(overrides?: Partial<EntraSettings>, trustCa?: boolean): EntraSettings;
  source(opts?: { clientId?: string; secret?: string; settings?: Partial<EntraSettings>; trustCa?: boolean; options?: EntraSourceOptions }): EntraSource;
  close(): Promise<void>;
}

/** Fast retries for tests; Retry-After honouring is tested on its own. */
export const FAST: EntraSourceOptions = { retry: { baseDelayMs: 2, maxDelayMs: 20 }, requestTimeoutMs: 5_000 };

export async function startRig(users: number, faults?: GraphFaults, seed = 42): Promise<Rig> {
  const tenant = generateTenant({ users, seed, now: new Date() });
  const sim = await startGraphSimulator({ tenant: tenant.fixture, ...(faults ? { faults } : {}) });
  const sources: EntraSource[] = [];
  const settings = (overrides: Partial<EntraSettings> = {}, trustCa = true): EntraSettings => ({
    kind: 'entra',
    tenantId: sim.tenantId,
    clientId: DEMO_APPS.main.clientId,
    cloud: 'custom',
    custom: { authorityHost: sim.authorityHost, graphEndpoint: sim.graphEndpoint, ...(trustCa ? { caCertPem: sim.caCertPem } : {}) },
    ...overrides,
  });
  return {
    sim,
    tenant,
    settings,
    source(opts = {}) {
      const s = createEntraSource(
        settings({ ...(opts.clientId ? { clientId: opts.clientId } : {}), ...opts.settings }, opts.trustCa ?? true),
        opts.secret ?? DEMO_APPS.main.secret,
        opts.options ?? FAST,
      );
      sources.push(s);
      return s;
    },
    async close() {
      for (const s of sources) s.close();
      await sim.close();
    },
  };
}
