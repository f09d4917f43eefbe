import { describe, expect, it, vi } from 'vitest';
import { api, METHOD_NAMES } from '../../src-preload/api';
import type { IntegrationSummary } from '../../src-preload/api-types';
import { dispatch } from '../../src-main/ipc/dispatch';
import { handlers } from '../../src-main/ipc/handlers';
import { testContext, VALID_CONFIG } from '../helpers/context';
import { readTree, withTempDir } from '../helpers/tmp';

const SECRET = 'Xq8~fake.client-secret_value-0123456789abcd';
const TOKEN = 'lms-token-6b1d2c9e-top-secret';

describe('typed API dispatch', () => {
  it('has exactly one handler per method of the API map', () => {
    expect(Object.keys(handlers).sort()).toEqual([...METHOD_NAMES].sort());
    expect(METHOD_NAMES.length).toBeGreaterThan(5);
  });

  it('refuses an unknown method with an error value', async () => {
    await withTempDir(async (dir) => {
      const r = await dispatch('deleteEverything', {}, await testContext(dir));
      expect(r).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    });
  });

  it('validates input and names the field and the problem', async () => {
    await withTempDir(async (dir) => {
      const ctx = await testContext(dir);
      const r = await dispatch('createIntegration', { config: { ...VALID_CONFIG, source: { ...VALID_CONFIG.source, tenantId: 'not a tenant' } } }, ctx);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error.code).toBe('INVALID_INPUT');
      expect(r.error.message).toContain('config.source.tenantId');
      expect(r.error.message).toContain('Directory (tenant) ID');
      expect(r.error.fix).toContain('config.source.tenantId');
      expect(ctx.store.settings.data.integrations).toEqual([]);
    });
  });

  it('walks an integration from setup to disabled to active as the secrets arrive', async () => {
    await withTempDir(async (dir) => {
      const ctx = await testContext(dir);
      const created = await dispatch('createIntegration', { config: VALID_CONFIG }, ctx);
      expect(created.ok).toBe(true);
      if (!created.ok) return;
      const summary = created.value as IntegrationSummary;
      expect(summary.status).toBe('setup');
      expect(summary.setupMissing).toEqual(['Entra client secret', 'LMS token']);

      const early = await dispatch('setIntegrationEnabled', { id: summary.id, enabled: true }, ctx);
      expect(early).toMatchObject({ ok: false, error: { code: 'SETUP_INCOMPLETE' } });

      expect(await dispatch('setSecret', { integrationId: summary.id, kind: 'clientSecret', value: SECRET }, ctx)).toEqual({ ok: true, value: { stored: true, warning: null } });
      expect(await dispatch('setSecret', { integrationId: summary.id, kind: 'lmsToken', value: TOKEN }, ctx)).toMatchObject({ ok: true });
      const afterSecrets = await dispatch('getIntegration', { id: summary.id }, ctx);
      expect(afterSecrets).toMatchObject({ ok: true, value: { status: 'disabled', setupMissing: [], secrets: { clientSecret: { stored: true }, lmsToken: { stored: true } } } });

      // Its first sync starts at once: not before the LMS's welcome e-mails are confirmed dealt with.
      const unconfirmed = await dispatch('setIntegrationEnabled', { id: summary.id, enabled: true }, ctx);
      expect(unconfirmed).toMatchObject({ ok: false, error: { code: 'COMMUNICATION_NOT_CONFIRMED', fix: expect.stringContaining(`rollcall integration enable --integration ${summary.id} --emails-confirmed`) as unknown } });
      expect(await dispatch('getIntegration', { id: summary.id }, ctx)).toMatchObject({ ok: true, value: { enabled: false, status: 'disabled', communicationAcknowledgedAt: null } });
      const enabled = await dispatch('setIntegrationEnabled', { id: summary.id, enabled: true, communicationConfirmed: true }, ctx);
      expect(enabled).toMatchObject({ ok: true, value: { status: 'active', nextRunAt: '2026-11-23T10:00:00.000Z', communicationAcknowledgedAt: '2026-11-23T10:00:00.000Z' } });

      const disabled = await dispatch('setIntegrationEnabled', { id: summary.id, enabled: false }, ctx);
      expect(disabled).toMatchObject({ ok: true, value: { status: 'disabled', nextRunAt: null } });
      // Confirmed once, it is not asked again (until the LMS address changes).
      expect(await dispatch('setIntegrationEnabled', { id: summary.id, enabled: true }, ctx)).toMatchObject({ ok: true, value: { status: 'active' } });
      expect(await dispatch('setIntegrationEnabled', { id: summary.id, enabled: false }, ctx)).toMatchObject({ ok: true });

      expect(await dispatch('clearSecret', { integrationId: summary.id, kind: 'lmsToken' }, ctx)).toEqual({ ok: true, value: { stored: false } });
      expect(await dispatch('getIntegration', { id: summary.id }, ctx)).toMatchObject({ ok: true, value: { status: 'setup', setupMissing: ['LMS token'] } });
    });
  });

  // The token goes in every request: over plain HTTP only to this computer (a test LMS, the simulator).
  it('refuses a plain http:// LMS address other than this computer, naming the field', async () => {
    await withTempDir(async (dir) => {
      const ctx = await testContext(dir);
      const remote = await dispatch('createIntegration', { config: { ...VALID_CONFIG, target: { kind: 'scim', baseUrl: 'http://lms.example.com/scim/v2' } } }, ctx);
      expect(remote).toMatchObject({ ok: false, error: { code: 'CONFIG_INVALID', message: expect.stringContaining('must use https://') as unknown, details: { field: 'target.baseUrl' } } });
      for (const local of ['http://127.0.0.1:8443/scim/v2', 'http://localhost/scim/v2', 'http://[::1]:9000/scim/v2']) {
        expect((await dispatch('createIntegration', { config: { ...VALID_CONFIG, target: { kind: 'scim', baseUrl: local } } }, ctx)).ok, local).toBe(true);
      }
      const made = await dispatch('createIntegration', { config: VALID_CONFIG }, ctx);
      if (!made.ok) throw new Error(made.error.message);
      const id = (made.value as IntegrationSummary).id;
      expect(await dispatch('updateIntegration', { id, config: { ...VALID_CONFIG, target: { kind: 'scim', baseUrl: 'http://lms.example.com/scim/v2' } } }, ctx)).toMatchObject({ ok: false, error: { code: 'CONFIG_INVALID' } });
    });
  });

  it('warns when a GUID-shaped Secret ID is pasted as the client secret', async () => {
    await withTempDir(async (dir) => {
      const ctx = await testContext(dir);
      const created = await dispatch('createIntegration', { config: VALID_CONFIG }, ctx);
      if (!created.ok) throw new Error('create failed');
      const id = (created.value as IntegrationSummary).id;
      const r = await dispatch('setSecret', { integrationId: id, kind: 'clientSecret', value: ' 3f2b1c0d-9e8f-4a7b-8c6d-5e4f3a2b1c0d ' }, ctx);
      expect(r).toMatchObject({ ok: true, value: { stored: true, warning: { code: 'SECRET_LOOKS_LIKE_ID' } } });
    });
  });

  it('never returns or stores a secret: not in any API result, not in the data directory', async () => {
    await withTempDir(async (dir) => {
      const ctx = await testContext(dir);
      const results: unknown[] = [];
      const created = await dispatch('createIntegration', { config: VALID_CONFIG }, ctx);
      if (!created.ok) throw new Error('create failed');
      const id = (created.value as IntegrationSummary).id;
      results.push(await dispatch('setSecret', { integrationId: id, kind: 'clientSecret', value: SECRET }, ctx));
      results.push(await dispatch('setSecret', { integrationId: id, kind: 'lmsToken', value: TOKEN }, ctx));
      results.push(await dispatch('setSecret', { integrationId: 'int-missing', kind: 'lmsToken', value: TOKEN }, ctx));
      results.push(await dispatch('setSecret', { integrationId: id, kind: 'lmsToken', value: `${TOKEN}${'x'.repeat(5000)}` }, ctx));
      expect(await ctx.secrets.get(id, 'clientSecret')).toEqual({ ok: true, value: SECRET });
      for (const m of METHOD_NAMES) results.push(await dispatch(m, m === 'getAppInfo' || m === 'listIntegrations' ? undefined : { id, integrationId: id }, ctx));
      const text = JSON.stringify(results);
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(TOKEN);
      for (const { file, content } of await readTree(dir)) {
        expect(content.includes(SECRET), file).toBe(false);
        expect(content.includes(TOKEN), file).toBe(false);
      }
    });
  });

  it('removing an integration removes its secrets from the secret store', async () => {
    await withTempDir(async (dir) => {
      const ctx = await testContext(dir);
      const created = await dispatch('createIntegration', { config: VALID_CONFIG }, ctx);
      if (!created.ok) throw new Error('create failed');
      const id = (created.value as IntegrationSummary).id;
      await dispatch('setSecret', { integrationId: id, kind: 'clientSecret', value: SECRET }, ctx);
      expect(await dispatch('removeIntegration', { id }, ctx)).toEqual({ ok: true, value: { removed: true } });
      expect(await ctx.secrets.get(id, 'clientSecret')).toEqual({ ok: true, value: null });
      expect(await dispatch('listIntegrations', undefined, ctx)).toEqual({ ok: true, value: [] });
      expect(await dispatch('getIntegration', { id }, ctx)).toMatchObject({ ok: false, error: { code: 'INTEGRATION_NOT_FOUND' } });
    });
  });

  it('turns an exception inside a handler into an INTERNAL error value without the input', async () => {
    await withTempDir(async (dir) => {
      const ctx = await testContext(dir);
      const broken = { ...handlers, setSecret: async () => { throw new Error(`boom ${SECRET}`); } };
      const logged: unknown[][] = [];
      const spy = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void logged.push(args));
      try {
        const r = await dispatch('setSecret', { integrationId: 'int-1', kind: 'clientSecret', value: SECRET }, ctx, broken);
        expect(r).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
        expect(JSON.stringify(r)).not.toContain(SECRET);
      } finally {
        spy.mockRestore();
      }
      expect(logged).toHaveLength(1);
      expect(JSON.stringify(logged)).toContain('boom [redacted]');
      expect(JSON.stringify(logged)).not.toContain(SECRET);
    });
  });

  it('every method has an input schema', () => {
    for (const m of METHOD_NAMES) expect(typeof api[m].input.safeParse).toBe('function');
  });
});

describe('resolving a conflict', () => {
  it('relinks an account, but refuses one another integration already links, and changes nothing', async () => {
    await withTempDir(async (dir) => {
      const ctx = await testContext(dir);
      const a = await dispatch('createIntegration', { config: { ...VALID_CONFIG, name: 'Contoso' } }, ctx);
      const b = await dispatch('createIntegration', { config: { ...VALID_CONFIG, name: 'Fabrikam' } }, ctx);
      if (!a.ok || !b.ok) throw new Error('not created');
      const [idA, idB] = [(a.value as IntegrationSummary).id, (b.value as IntegrationSummary).id];

      expect((await dispatch('resolveConflict', { id: idA, action: 'relink', sourceId: 'entra-anna', targetId: 'lms-7' }, ctx)).ok).toBe(true);
      expect((await ctx.store.links(idA)).data.links).toMatchObject([{ sourceId: 'entra-anna', targetId: 'lms-7', origin: 'relinked' }]);

      const refused = await dispatch('resolveConflict', { id: idB, action: 'relink', sourceId: 'entra-anna-2', targetId: 'lms-7' }, ctx);
      expect(refused).toMatchObject({ ok: false, error: { code: 'ACCOUNT_LINKED_ELSEWHERE' } });
      if (!refused.ok) {
        expect(refused.error.message).toContain('"Contoso"');
        expect(refused.error.fix).toMatch(/ignore this person here/);
      }
      expect((await ctx.store.links(idB)).data.links).toEqual([]);
      // Another account is fine.
      expect((await dispatch('resolveConflict', { id: idB, action: 'relink', sourceId: 'entra-anna-2', targetId: 'lms-8' }, ctx)).ok).toBe(true);
    });
  });

  it("settles a person a damaged link table links to two accounts: one link left, everyone else's kept", async () => {
    await withTempDir(async (dir) => {
      const ctx = await testContext(dir);
      const created = await dispatch('createIntegration', { config: VALID_CONFIG }, ctx);
      if (!created.ok) throw new Error('not created');
      const id = (created.value as IntegrationSummary).id;
      const linkTo = (sourceId: string, targetId: string) => ({ integrationId: id, sourceId, targetId, origin: 'matched' as const, linkedAt: '2026-01-01T00:00:00.000Z', emailAtLink: null });
      await (await ctx.store.links(id)).update((file) => {
        file.links = [linkTo('entra-anna', 'lms-1'), linkTo('entra-bob', 'lms-3'), linkTo('entra-anna', 'lms-2')];
      });
      expect((await dispatch('resolveConflict', { id, action: 'relink', sourceId: 'entra-anna', targetId: 'lms-2' }, ctx)).ok).toBe(true);
      expect((await ctx.store.links(id)).data.links.map((l) => [l.sourceId, l.targetId, l.origin])).toEqual([
        ['entra-bob', 'lms-3', 'matched'],
        ['entra-anna', 'lms-2', 'relinked'],
      ]);
    });
  });
});
