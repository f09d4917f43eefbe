/** Which Test results turn an integration red, and which turn it back. */
import { describe, expect, it } from 'vitest';
import { IntegrationConfigSchema } from '../../src-main/core/config';
import { appError } from '../../src-main/core/errors';
import { createIntegration, noteCredentialCheck } from '../../src-main/store/integrations';
import { Store } from '../../src-main/store/store';
import { withTempDir } from '../helpers/tmp';
import { VALID_CONFIG } from '../helpers/context';

const NOW = new Date('2026-12-06T10:00:00Z');
const pass = (id: string) => ({ id, status: 'pass' });
const failing = (id: string) => ({ id, status: 'fail' });

describe('credential status after a Test', () => {
  it('is cleared only by a passing check of the side that was refused, even when another check still fails', async () => {
    await withTempDir(async (dir) => {
      const store = await Store.open(dir);
      const { id } = await createIntegration(store, IntegrationConfigSchema.parse(VALID_CONFIG), NOW);
      const status = () => store.settings.data.integrations.find((i) => i.id === id)?.status;
      await store.settings.update((s) => void Object.assign(s.integrations[0] ?? {}, { status: 'disabled' }));
      // The Entra secret was refused.
      await noteCredentialCheck(store, id, appError('ENTRA_SECRET_EXPIRED', 'expired', 'new one'), [failing('entra-sign-in')]);
      expect(status()).toBe('invalid');
      // A new LMS token says nothing of the secret.
      await noteCredentialCheck(store, id, null, [pass('lms-connection')]);
      expect(status()).toBe('invalid');
      // The new secret signs in; a permission still missing does not keep it red.
      await noteCredentialCheck(store, id, null, [pass('entra-sign-in'), failing('permission-User.Read.All')]);
      expect(status()).toBe('disabled');
    });
  });
});
