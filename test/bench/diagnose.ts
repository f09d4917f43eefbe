/**
 * diagnose() on a 100,000-user tenant, from snapshots already in memory (the cached reads), and
 * the whole diagnoseUser() service from the on-disk cache. Not a test:
 * `npx tsx test/bench/diagnose.ts [users]`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { IntegrationConfigSchema } from '../../src-main/core/config';
import { diagnose } from '../../src-main/core/diagnose';
import { plan } from '../../src-main/core/plan';
import { syntheticTenant } from '../../src-main/core/testing/synthetic';
import { MemorySecretStore } from '../../src-main/secrets/memory-store';
import { createIntegration } from '../../src-main/store/integrations';
import { Store } from '../../src-main/store/store';
import { diagnoseUser } from '../../src-main/sync/diagnose-service';
import { saveCached } from '../../src-main/sync/snapshot-cache';

const users = Number(process.argv[2] ?? 100_000);
const now = new Date('2026-03-01T12:00:00Z');
const ms = (t: number): string => `${(performance.now() - t).toFixed(0)} ms`;

let t = performance.now();
const tenant = syntheticTenant({ users, seed: 2026 });
console.log(`tenant: ${users} users, ${tenant.target.users.length} LMS accounts, ${tenant.links.length} links — built in ${ms(t)}`);
t = performance.now();
const thePlan = plan(tenant.source, tenant.target, tenant.config, tenant.links, now);
console.log(`plan(): ${ms(t)} (${JSON.stringify(thePlan.summary)})`);

const integration = { id: tenant.config.id, config: tenant.config, status: 'active' as const, statusReason: null, enabled: true };
const inputs = { source: tenant.source, target: tenant.target, integration, links: tenant.links, otherLinks: [], plan: thePlan, runs: [], nextRunAt: '2026-03-01T14:10:00Z', now };
const queries = [
  ['e-mail (in the middle)', `user${Math.floor(users / 2)}@contoso.com`],
  ['object id (last user)', `00000000-0000-4000-8000-${users.toString(16).padStart(12, '0')}`],
  ['name', `User ${users - 7}`],
  ['nobody', 'nobody@nowhere.example'],
] as const;
diagnose(queries[0][1], inputs); // warm up the JIT once
for (const [what, q] of queries) {
  t = performance.now();
  const c = diagnose(q, inputs);
  console.log(`diagnose() by ${what}: ${ms(t)} — ${c.verdict}`);
}

// The service: cached reads and plan loaded from disk, links and runs from the store.
const dataDir = await mkdtemp(path.join(os.tmpdir(), 'rollcall-bench-diagnose-'));
try {
  const store = await Store.open(dataDir);
  const config = IntegrationConfigSchema.parse({
    name: 'Bench',
    source: { kind: 'entra', tenantId: 'contoso.onmicrosoft.com', clientId: '3f1c2a9e-5b7d-4e21-9a0c-6d8e4b2f1a01' },
    target: { kind: 'scim', baseUrl: 'https://lms.example.com/scim/v2' },
    scope: tenant.config.scope,
    deactivation: tenant.config.deactivation,
    mapping: tenant.config.mapping,
  });
  const record = await createIntegration(store, config, now);
  const links = tenant.links.map((l) => ({ ...l, integrationId: record.id }));
  await (await store.links(record.id)).update((f) => void (f.links = links));
  await saveCached(dataDir, record.id, 'source', tenant.source);
  await saveCached(dataDir, record.id, 'target', tenant.target);
  await saveCached(dataDir, record.id, 'plan', { ...thePlan, integrationId: record.id });
  const services = { store, secrets: new MemorySecretStore(), now: () => now };
  t = performance.now();
  const r = await diagnoseUser(services, record.id, queries[0][1], { freshness: 'cache' });
  console.log(`diagnoseUser() from the on-disk cache, first call (parse + diagnose): ${ms(t)} — ${r.ok ? r.value.verdict : r.error.message}`);
  t = performance.now();
  const again = await diagnoseUser(services, record.id, queries[1][1], { freshness: 'cache' });
  console.log(`diagnoseUser() next call (parsed cache kept): ${ms(t)} — ${again.ok ? again.value.verdict : again.error.message}`);
} finally {
  await rm(dataDir, { recursive: true, force: true });
}
