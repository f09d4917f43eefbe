/**
 * The real OS keychain (libsecret + GNOME Keyring in CI, via scripts/with-keyring.sh): secrets
 * set through the API land in the keychain under service "Rollcall", and nowhere on disk.
 */
import { describe, expect, it } from 'vitest';
import type { IntegrationSummary } from '../../src-preload/api-types';
import { dispatch } from '../../src-main/ipc/dispatch';
import { KeytarSecretStore } from '../../src-main/secrets/keytar-store';
import { KEYCHAIN_SERVICE } from '../../src-main/secrets/secret-store';
import { testContext, VALID_CONFIG } from '../helpers/context';
import { missingSystemPart } from '../helpers/system';
import { readTree, withTempDir } from '../helpers/tmp';
import { createRequire } from 'node:module';

const store = new KeytarSecretStore();
const availability = await store.available();
const skipReason = availability.ok ? null : missingSystemPart('The OS keychain', availability.error.message);

describe.skipIf(skipReason !== null)(`real keychain${skipReason ? ` — skipped: ${skipReason}` : ''}`, () => {
  it('stores, reads and deletes a secret in the OS keychain', async () => {
    const id = `int-test${process.pid}`;
    expect(await store.set(id, 'lmsToken', 'token-value-1')).toEqual({ ok: true, value: undefined });
    expect(await store.get(id, 'lmsToken')).toEqual({ ok: true, value: 'token-value-1' });
    expect(await store.has(id, 'lmsToken')).toEqual({ ok: true, value: true });
    // It is really the keychain: keytar itself sees it under the Rollcall service.
    const keytar = createRequire(import.meta.url)('keytar') as { getPassword(s: string, a: string): Promise<string | null> };
    expect(await keytar.getPassword(KEYCHAIN_SERVICE, `${id}/lmsToken`)).toBe('token-value-1');
    expect(await store.delete(id, 'lmsToken')).toEqual({ ok: true, value: undefined });
    expect(await store.get(id, 'lmsToken')).toEqual({ ok: true, value: null });
  });

  it('a secret set through the API is in the keychain and nowhere in the data directory', async () => {
    await withTempDir(async (dir) => {
      const ctx = await testContext(dir, store);
      const secret = `kc-secret-${Math.random().toString(36).slice(2)}-value`;
      const created = await dispatch('createIntegration', { config: VALID_CONFIG }, ctx);
      if (!created.ok) throw new Error(created.error.message);
      const id = (created.value as IntegrationSummary).id;
      const set = await dispatch('setSecret', { integrationId: id, kind: 'clientSecret', value: secret }, ctx);
      expect(set).toEqual({ ok: true, value: { stored: true, warning: null } });
      expect(JSON.stringify(set)).not.toContain(secret);

      expect(await store.get(id, 'clientSecret')).toEqual({ ok: true, value: secret });
      const summary = await dispatch('getIntegration', { id }, ctx);
      expect(summary).toMatchObject({ ok: true, value: { secrets: { clientSecret: { stored: true } } } });
      expect(JSON.stringify(summary)).not.toContain(secret);
      for (const { file, content } of await readTree(dir)) expect(content.includes(secret), file).toBe(false);

      expect(await dispatch('removeIntegration', { id }, ctx)).toEqual({ ok: true, value: { removed: true } });
      expect(await store.get(id, 'clientSecret')).toEqual({ ok: true, value: null });
    });
  });
});

describe('keychain unavailable', () => {
  it('says so clearly and stores the secret nowhere else', async () => {
    await withTempDir(async (dir) => {
      const broken = new KeytarSecretStore();
      // Simulate a machine where keytar cannot load (no libsecret): the store must refuse, not fall back.
      Object.assign(broken, { keytar: null, loadError: 'the keytar module could not be loaded: libsecret-1.so.0: cannot open shared object file' });
      const ctx = await testContext(dir, broken);
      const created = await dispatch('createIntegration', { config: VALID_CONFIG }, ctx);
      if (!created.ok) throw new Error(created.error.message);
      const id = (created.value as IntegrationSummary).id;
      const r = await dispatch('setSecret', { integrationId: id, kind: 'clientSecret', value: 'would-be-secret-123' }, ctx);
      expect(r).toMatchObject({ ok: false, error: { code: 'KEYCHAIN_UNAVAILABLE' } });
      if (!r.ok) {
        expect(r.error.message).toContain('will not store them anywhere else');
        expect(r.error.fix.length).toBeGreaterThan(20);
      }
      for (const { content } of await readTree(dir)) expect(content).not.toContain('would-be-secret-123');
      const info = await dispatch('getAppInfo', undefined, ctx);
      expect(info).toMatchObject({ ok: true, value: { keychain: { available: false, problem: { code: 'KEYCHAIN_UNAVAILABLE' } } } });
    });
  });
});
