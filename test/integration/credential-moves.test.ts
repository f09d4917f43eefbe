/**
 * A stored credential is only ever sent to the address it was entered for: changing the LMS
 * address or the Entra sign-in host removes it, so the next Test or run cannot send it there.
 */
import { describe, expect, it } from 'vitest';
import type { Check, IntegrationSummary } from '../../src-preload/api-types';
import { credentialDestination, IntegrationConfigSchema } from '../../src-main/core/config';
import { scopeWarning } from '../../src-main/sync/check';
import { fail, appError } from '../../src-main/core/errors';
import { startLmsSimulator } from '../../src-main/demo/lms';
import { dispatch } from '../../src-main/ipc/dispatch';
import { credentialEnteredFor } from '../../src-main/store/integrations';
import { openTarget, type ConnectorFactory } from '../../src-main/sync/connectors';
import { MemorySecretStore } from '../../src-main/secrets/memory-store';
import { Store } from '../../src-main/store/store';
import { testContext, VALID_CONFIG } from '../helpers/context';
import { withTempDir } from '../helpers/tmp';

const SECRET = 'Xq8~fake.client-secret_value-0123456789abcd';
const OLD_TOKEN = 'token-for-the-old-lms-7c1e';
const NEW_TOKEN = 'token-for-the-new-lms-93ab';

async function withIntegration(keychain: MemorySecretStore, dir: string, baseUrl: string) {
  const ctx = await testContext(dir, keychain);
  const created = await dispatch('createIntegration', { config: { ...VALID_CONFIG, target: { kind: 'scim', baseUrl } } }, ctx);
  if (!created.ok) throw new Error(created.error.message);
  const id = (created.value as IntegrationSummary).id;
  expect((await dispatch('setSecret', { integrationId: id, kind: 'clientSecret', value: SECRET }, ctx)).ok).toBe(true);
  expect((await dispatch('setSecret', { integrationId: id, kind: 'lmsToken', value: OLD_TOKEN }, ctx)).ok).toBe(true);
  return { ctx, id };
}

describe('credentials follow their address', () => {
  it('says where each credential goes: the LMS origin, the cloud, a custom sign-in origin', () => {
    const base = { source: { cloud: 'global' as const }, target: { baseUrl: 'https://LMS.example.com:8443/scim/v2' } };
    expect(credentialDestination(base, 'lmsToken')).toBe('https://lms.example.com:8443');
    expect(credentialDestination({ ...base, target: { baseUrl: 'https://lms.example.com:8443/other/path' } }, 'lmsToken')).toBe('https://lms.example.com:8443');
    expect(credentialDestination(base, 'clientSecret')).toBe('global cloud');
    expect(credentialDestination({ ...base, source: { cloud: 'custom', custom: { authorityHost: 'https://login.test:9443/' } } }, 'clientSecret')).toBe('https://login.test:9443');
  });

  it('a new LMS address removes the saved token, so the new LMS never receives it', async () => {
    const other = await startLmsSimulator({ token: NEW_TOKEN, seed: 'empty' });
    try {
      await withTempDir(async (dir) => {
        const keychain = new MemorySecretStore();
        const { ctx, id } = await withIntegration(keychain, dir, 'https://lms.example.com/scim/v2');
        const config = { ...VALID_CONFIG, target: { kind: 'scim', baseUrl: other.baseUrl } };
        const updated = await dispatch('updateIntegration', { id, config }, ctx);
        expect(updated.ok).toBe(true);
        if (!updated.ok) return;
        const summary = updated.value as IntegrationSummary;
        expect(summary.secrets.lmsToken.stored).toBe(false);
        expect(summary.secrets.clientSecret.stored).toBe(true);
        expect(summary.status).toBe('setup');
        expect(summary.statusReason).toMatchObject({ code: 'CREDENTIAL_REMOVED' });
        expect(summary.statusReason?.fix).toMatch(/LMS token/);
        expect((await keychain.get(id, 'lmsToken')).ok && (await keychain.get(id, 'lmsToken'))).toMatchObject({ value: null });

        // Test now stops before connecting: the new LMS saw no request at all, let alone the old token.
        const check = await dispatch('checkIntegration', { id, part: 'lms' }, ctx);
        expect(JSON.stringify(check)).not.toContain(OLD_TOKEN);
        expect(other.requests()).toHaveLength(0);

        // Entering the new address's token completes the setup again and clears the reason.
        expect((await dispatch('setSecret', { integrationId: id, kind: 'lmsToken', value: NEW_TOKEN }, ctx)).ok).toBe(true);
        const after = await dispatch('getIntegration', { id }, ctx);
        expect(after.ok && (after.value as IntegrationSummary)).toMatchObject({ status: 'disabled', statusReason: null });
      });
    } finally {
      await other.close();
    }
  });

  it('the welcome e-mail confirmation is kept with the integration, and asked again for another LMS', async () => {
    await withTempDir(async (dir) => {
      const keychain = new MemorySecretStore();
      const { ctx, id } = await withIntegration(keychain, dir, 'https://lms.example.com/scim/v2');
      const acked = await dispatch('acknowledgeCommunication', { id, acknowledged: true }, ctx);
      expect(acked.ok && (acked.value as IntegrationSummary).communicationAcknowledgedAt).toBe('2026-11-23T10:00:00.000Z');
      const samePlace = await dispatch('updateIntegration', { id, config: { ...VALID_CONFIG, name: 'Renamed', target: { kind: 'scim', baseUrl: 'https://lms.example.com/scim/v2' } } }, ctx);
      expect(samePlace.ok && (samePlace.value as IntegrationSummary).communicationAcknowledgedAt).toBe('2026-11-23T10:00:00.000Z');
      const moved = await dispatch('updateIntegration', { id, config: { ...VALID_CONFIG, target: { kind: 'scim', baseUrl: 'https://other-lms.example.org/scim/v2' } } }, ctx);
      expect(moved.ok && (moved.value as IntegrationSummary).communicationAcknowledgedAt).toBeNull();
      expect(await dispatch('acknowledgeCommunication', { id: 'int-nope', acknowledged: true }, ctx)).toMatchObject({ ok: false, error: { code: 'INTEGRATION_NOT_FOUND' } });
    });
  });

  it('an enabled integration pointed at another LMS or tenant is switched off until a dry run is reviewed', async () => {
    await withTempDir(async (dir) => {
      const keychain = new MemorySecretStore();
      const { ctx, id } = await withIntegration(keychain, dir, 'https://lms.example.com/scim/v2');
      expect((await dispatch('setIntegrationEnabled', { id, enabled: true, communicationConfirmed: true }, ctx)).ok).toBe(true);
      const moved = await dispatch('updateIntegration', { id, config: { ...VALID_CONFIG, target: { kind: 'scim', baseUrl: 'https://new-lms.example.org/scim/v2' } } }, ctx);
      expect(moved.ok && (moved.value as IntegrationSummary)).toMatchObject({ enabled: false, status: 'setup', statusReason: { code: 'CREDENTIAL_REMOVED' } });
      if (moved.ok) expect((moved.value as IntegrationSummary).statusReason?.message).toMatch(/switched off/);
      // The new token completes the setup, but the integration stays off until the admin enables it.
      expect((await dispatch('setSecret', { integrationId: id, kind: 'lmsToken', value: NEW_TOKEN }, ctx)).ok).toBe(true);
      const after = await dispatch('getIntegration', { id }, ctx);
      expect(after.ok && (after.value as IntegrationSummary)).toMatchObject({ enabled: false, status: 'disabled' });

      // Another tenant on the same cloud keeps the secret (same sign-in host) but switches it off too.
      expect((await dispatch('setIntegrationEnabled', { id, enabled: true, communicationConfirmed: true }, ctx)).ok).toBe(true);
      const tenant = await dispatch('updateIntegration', { id, config: { ...VALID_CONFIG, source: { ...VALID_CONFIG.source, tenantId: 'fabrikam.onmicrosoft.com' }, target: { kind: 'scim', baseUrl: 'https://new-lms.example.org/scim/v2' } } }, ctx);
      expect(tenant.ok && (tenant.value as IntegrationSummary)).toMatchObject({ enabled: false, status: 'disabled', statusReason: { code: 'SWITCHED_OFF_NEW_ADDRESS' } });
      expect(await keychain.get(id, 'clientSecret')).toMatchObject({ ok: true, value: SECRET });
    });
  });

  it('settings read before an address change never get the credential stored for the new address', async () => {
    await withTempDir(async (dir) => {
      const keychain = new MemorySecretStore();
      const { ctx, id } = await withIntegration(keychain, dir, 'https://lms.example.com/scim/v2');
      // A Test that read the settings before the admin moved the LMS and stored its token…
      const before = ctx.store.settings.data.integrations[0]?.config;
      if (!before) throw new Error('no integration');
      expect((await dispatch('updateIntegration', { id, config: { ...VALID_CONFIG, target: { kind: 'scim', baseUrl: 'https://new-lms.example.org/scim/v2' } } }, ctx)).ok).toBe(true);
      expect((await dispatch('setSecret', { integrationId: id, kind: 'lmsToken', value: NEW_TOKEN }, ctx)).ok).toBe(true);
      // …now reaches for the token: it is not handed to a client for the old address.
      const made: string[] = [];
      const factory: ConnectorFactory = {
        source: () => ({}) as ReturnType<ConnectorFactory['source']>,
        target: (settings) => (made.push(settings.baseUrl), {} as ReturnType<ConnectorFactory['target']>),
      };
      const stale = await openTarget(ctx.secrets, id, before.target, factory, credentialEnteredFor(ctx.store, id));
      expect(stale).toMatchObject({ ok: false, error: { code: 'CREDENTIAL_ADDRESS_MISMATCH' } });
      if (!stale.ok) expect(JSON.stringify(stale.error)).not.toContain(NEW_TOKEN);
      expect(made).toEqual([]);
      // The current settings get it.
      const current = ctx.store.settings.data.integrations[0]?.config;
      if (!current) throw new Error('no integration');
      expect((await openTarget(ctx.secrets, id, current.target, factory, credentialEnteredFor(ctx.store, id))).ok).toBe(true);
      expect(made).toEqual(['https://new-lms.example.org/scim/v2']);
    });
  });

  it('a new path on the same LMS keeps the token', async () => {
    await withTempDir(async (dir) => {
      const keychain = new MemorySecretStore();
      const { ctx, id } = await withIntegration(keychain, dir, 'https://lms.example.com/scim/v2');
      const r = await dispatch('updateIntegration', { id, config: { ...VALID_CONFIG, target: { kind: 'scim', baseUrl: 'https://lms.example.com/api/scim/v2' } } }, ctx);
      expect(r.ok && (r.value as IntegrationSummary).secrets.lmsToken.stored).toBe(true);
      expect(await keychain.get(id, 'lmsToken')).toMatchObject({ ok: true, value: OLD_TOKEN });
    });
  });

  it('a keychain that cannot remove the token keeps the old address and says what to do', async () => {
    await withTempDir(async (dir) => {
      const keychain = new MemorySecretStore();
      const { ctx, id } = await withIntegration(keychain, dir, 'https://lms.example.com/scim/v2');
      keychain.delete = () => Promise.resolve(fail(appError('KEYCHAIN_LOCKED', 'The keychain is locked.', 'Unlock it.')));
      const r = await dispatch('updateIntegration', { id, config: { ...VALID_CONFIG, target: { kind: 'scim', baseUrl: 'https://evil.example.net/scim/v2' } } }, ctx);
      expect(r).toMatchObject({ ok: false, error: { code: 'CREDENTIAL_NOT_REMOVED' } });
      if (!r.ok) expect(r.error.fix).toMatch(/Unlock the keychain/);
      expect(ctx.store.settings.data.integrations[0]?.config.target.baseUrl).toBe('https://lms.example.com/scim/v2');
    });
  });

  it('a save that crosses another process’s save is refused, and keeps what the other saved', async () => {
    await withTempDir(async (dir) => {
      const keychain = new MemorySecretStore();
      const { ctx, id } = await withIntegration(keychain, dir, 'https://lms.example.com/scim/v2');
      // The command line, in another process, points the integration elsewhere while the window
      // is removing the old token from the keychain.
      const cli = await Store.open(dir);
      const remove = keychain.delete.bind(keychain);
      keychain.delete = async (i, kind) => {
        await cli.settings.update((s) => {
          const r = s.integrations.find((x) => x.id === id);
          if (r) r.config = { ...r.config, name: 'Renamed on the command line', target: { ...r.config.target, baseUrl: 'https://cli-lms.example.org/scim/v2' } };
        });
        return remove(i, kind);
      };
      const r = await dispatch('updateIntegration', { id, config: { ...VALID_CONFIG, target: { kind: 'scim', baseUrl: 'https://new-lms.example.org/scim/v2' } } }, ctx);
      expect(r).toMatchObject({ ok: false, error: { code: 'SETTINGS_CHANGED_ELSEWHERE' } });
      if (!r.ok) expect(r.error.message).toMatch(/LMS token had already been removed/);
      const onDisk = (await Store.open(dir)).settings.data.integrations[0];
      expect(onDisk?.config).toMatchObject({ name: 'Renamed on the command line', target: { baseUrl: 'https://cli-lms.example.org/scim/v2' } });
      // The token is gone from the keychain, and the integration says so: it needs one entered.
      expect(onDisk?.credentialFor.lmsToken).toBeNull();
      expect(onDisk?.status).toBe('setup');
    });
  });
});

describe('a Test that cannot reach Entra', () => {
  // Nobody listens there: the sign-in fails for the network, not for the secret.
  const unreachable = { ...VALID_CONFIG, source: { ...VALID_CONFIG.source, cloud: 'custom' as const, custom: { authorityHost: 'https://127.0.0.1:9', graphEndpoint: 'https://127.0.0.1:9' } } };

  it('fails the sign-in check but does not call the credentials rejected (the integration is not turned red)', async () => {
    await withTempDir(async (dir) => {
      const keychain = new MemorySecretStore();
      const ctx = await testContext(dir, keychain);
      const created = await dispatch('createIntegration', { config: unreachable }, ctx);
      if (!created.ok) throw new Error(created.error.message);
      const id = (created.value as IntegrationSummary).id;
      expect((await dispatch('setSecret', { integrationId: id, kind: 'clientSecret', value: SECRET }, ctx)).ok).toBe(true);
      expect((await dispatch('setSecret', { integrationId: id, kind: 'lmsToken', value: OLD_TOKEN }, ctx)).ok).toBe(true);
      const check = await dispatch('checkIntegration', { id, part: 'entra' }, ctx);
      expect(check).toMatchObject({ ok: true, value: { ok: false } });
      const checks = check.ok ? (check.value as { checks: Check[] }).checks : [];
      expect(checks.find((c) => c.id === 'entra-sign-in')).toMatchObject({ status: 'fail', detail: expect.stringContaining('could not reach') as unknown });
      // rollcall check adds that no include rules means everyone in the tenant.
      const parsed = IntegrationConfigSchema.parse(unreachable);
      expect(scopeWarning(parsed)).toMatchObject({ id: 'scope-everyone', status: 'warn' });
      expect(scopeWarning({ ...parsed, scope: { ...parsed.scope, include: [{ kind: 'group', groupId: 'g', groupName: 'All Staff' }] } })).toBeNull();
      expect(await dispatch('getIntegration', { id }, ctx)).toMatchObject({ ok: true, value: { status: 'disabled', statusReason: null } });
    });
  });
});
