import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startRig, type Rig } from './helpers';
import { DEMO_APPS } from '../../../src-main/demo/graph';
import { createEntraSource, integrationStatusFor } from '../../../src-main/entra';
import type { AppError } from '../../../src-main/core/errors';

const ALL_SECRETS = Object.values(DEMO_APPS).map((a) => a.secret);

describe('errors in the admin language', () => {
  let rig: Rig;
  const seen: AppError[] = [];
  beforeAll(async () => {
    rig = await startRig(300);
  });
  afterAll(async () => {
    // Whatever went wrong, no secret is in any message, fix or detail.
    const text = JSON.stringify(seen);
    expect(seen.length).toBeGreaterThan(8);
    for (const s of ALL_SECRETS) expect(text).not.toContain(s);
    await rig.close();
  });

  async function failure(p: Promise<{ ok: true } | { ok: false; error: AppError }>): Promise<AppError> {
    const r = await p;
    if (r.ok) throw new Error('expected a failure');
    seen.push(r.error);
    expect(r.error.message.length).toBeGreaterThan(10);
    expect(r.error.fix.length).toBeGreaterThan(10);
    return r.error;
  }

  it('nothing is written to the console while signing in fails or succeeds', async () => {
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) => vi.spyOn(console, m));
    try {
      await rig.source({ secret: 'Wr0ng~Secret.Value-That.Is-Not.Registered1' }).testConnection();
      await rig.source().readUser('anna.lindqvist@contoso.example', []);
      for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });

  it('wrong secret (AADSTS7000215) → invalid', async () => {
    const e = await failure(rig.source({ secret: 'Wr0ng~Secret.Value-That.Is-Not.Registered1' }).testConnection());
    expect(e.code).toBe('ENTRA_WRONG_SECRET');
    expect(e.message).toContain('AADSTS7000215');
    expect(integrationStatusFor(e)).toBe('invalid');
  });

  it('the Secret ID pasted instead of the Value', async () => {
    const e = await failure(rig.source({ secret: DEMO_APPS.main.secretId }).testConnection());
    expect(e.code).toBe('ENTRA_SECRET_ID_PASTED');
    expect(e.message).toMatch(/Secret ID/);
    expect(e.fix).toMatch(/Value/);
    expect(integrationStatusFor(e)).toBe('invalid');
  });

  it('expired secret (AADSTS7000222)', async () => {
    const e = await failure(rig.source({ clientId: DEMO_APPS.expiredSecret.clientId, secret: DEMO_APPS.expiredSecret.secret }).testConnection());
    expect(e.code).toBe('ENTRA_SECRET_EXPIRED');
    expect(e.fix).toMatch(/new client secret/);
  });

  it('app not in this tenant (AADSTS700016)', async () => {
    const e = await failure(rig.source({ clientId: '11111111-2222-4333-8444-555555555555' }).testConnection());
    expect(e.code).toBe('ENTRA_APP_NOT_FOUND');
    expect(e.message).toContain('11111111-2222-4333-8444-555555555555');
  });

  it('tenant not found (AADSTS90002), by GUID and by domain', async () => {
    const e = await failure(rig.source({ settings: { tenantId: '99999999-2222-4333-8444-555555555555' } }).testConnection());
    expect(e.code).toBe('ENTRA_TENANT_NOT_FOUND');
    const e2 = await failure(rig.source({ settings: { tenantId: 'fabrikam.onmicrosoft.com' } }).testConnection());
    expect(e2.code).toBe('ENTRA_TENANT_NOT_FOUND');
    // Signing in by the verified domain works.
    expect((await rig.source({ settings: { tenantId: rig.sim.domain } }).testConnection()).ok).toBe(true);
  });

  it('tenant id that is neither GUID nor domain is refused before any request', async () => {
    const before = rig.sim.stats.tokenRequests;
    const e = await failure(rig.source({ settings: { tenantId: 'my tenant' } }).testConnection());
    expect(e.code).toBe('ENTRA_TENANT_INVALID');
    expect(rig.sim.stats.tokenRequests).toBe(before);
    expect(integrationStatusFor(e)).toBe('invalid');
  });

  it('the secret pasted into the tenant field is not echoed back', async () => {
    const e = await failure(rig.source({ settings: { tenantId: DEMO_APPS.main.secret } }).testConnection());
    expect(e.code).toBe('ENTRA_TENANT_INVALID');
    expect(e.message).toContain('[hidden]');
  });

  it('missing permissions are read from the token roles', async () => {
    const r = await rig.source({ clientId: DEMO_APPS.noLifecycle.clientId, secret: DEMO_APPS.noLifecycle.secret }).testConnection();
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.missingPermissions).toEqual(['User-LifecycleInfo.Read.All']);
    expect(r.value.tenantId).toBe(rig.sim.tenantId);
    const all = await rig.source().testConnection();
    expect(all.ok && all.value.missingPermissions).toEqual([]);
    const none = await rig.source({ clientId: DEMO_APPS.noConsent.clientId, secret: DEMO_APPS.noConsent.secret }).testConnection();
    expect(none.ok && none.value.missingPermissions).toEqual(['User.Read.All', 'Group.Read.All', 'User-LifecycleInfo.Read.All']);
  });

  it('without Last Day permission users are still read, leave dates unknown', async () => {
    const r = await rig.source({ clientId: DEMO_APPS.noLifecycle.clientId, secret: DEMO_APPS.noLifecycle.secret }).readFull({ groupIds: [], extraAttributes: [] });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.snapshot.users.every((u) => u.employeeLeaveDateTime === null)).toBe(true);
    // And the snapshot says so: a plan that deactivates on Last Day warns instead of staying silent.
    expect(r.value.snapshot.lastDayUnread).toBe(true);
  });

  it('no admin consent → ENTRA_CONSENT_MISSING naming the permission (from the roles and from a Graph 403)', async () => {
    const e = await failure(rig.source({ clientId: DEMO_APPS.noConsent.clientId, secret: DEMO_APPS.noConsent.secret }).readFull({ groupIds: [], extraAttributes: [] }));
    expect(e.code).toBe('ENTRA_CONSENT_MISSING');
    expect(e.message).toContain('User.Read.All');
    expect(integrationStatusFor(e)).toBe('error');
    rig.sim.setAppRoles(DEMO_APPS.noConsent.clientId, ['User.Read.All']);
    const e2 = await failure(rig.source({ clientId: DEMO_APPS.noConsent.clientId, secret: DEMO_APPS.noConsent.secret }).readGroups([rig.tenant.groupIds.sales]));
    expect(e2.code).toBe('ENTRA_CONSENT_MISSING');
    expect(e2.message).toContain('Group.Read.All');
    expect(e2.fix).toMatch(/Grant admin consent/);
    rig.sim.setAppRoles(DEMO_APPS.noConsent.clientId, []);
  });

  it('an untrusted certificate is refused (ENTRA_TLS); trusting the CA makes it work', async () => {
    const e = await failure(rig.source({ trustCa: false }).testConnection());
    expect(e.code).toBe('ENTRA_TLS');
    expect(e.fix).toMatch(/CA certificate/);
    expect((await rig.source({ trustCa: true }).testConnection()).ok).toBe(true);
  });

  it('a host nobody answers on → ENTRA_UNREACHABLE', async () => {
    const closed = rig.settings({ custom: { authorityHost: 'https://127.0.0.1:1', graphEndpoint: 'https://127.0.0.1:1', caCertPem: rig.sim.caCertPem } });
    const s = createEntraSource(closed, DEMO_APPS.main.secret, { requestTimeoutMs: 2_000 });
    const e = await failure(s.testConnection());
    s.close();
    expect(e.code).toBe('ENTRA_UNREACHABLE');
    expect(e.details?.systemCode).toBe('ECONNREFUSED');
    const dns = createEntraSource(rig.settings({ custom: { authorityHost: 'https://login.rollcall-does-not-exist.invalid', graphEndpoint: 'https://graph.rollcall-does-not-exist.invalid' } }), DEMO_APPS.main.secret, { requestTimeoutMs: 5_000 });
    const e2 = await failure(dns.testConnection());
    dns.close();
    expect(e2.code).toBe('ENTRA_UNREACHABLE');
    expect(integrationStatusFor(e2)).toBe('error');
  });
});
