/**
 * getPeopleNames: the wizard names the people of an id list ("New accounts confirmed") by what
 * the last dry run read from Entra, without reading Entra again; whom it does not know, it leaves
 * out (the window shows their id).
 */
import { describe, expect, it } from 'vitest';
import type { IntegrationSummary, PersonName } from '../../src-preload/api-types';
import { sourceSnapshot, sourceUser } from '../../src-main/core/testing/builders';
import { dispatch } from '../../src-main/ipc/dispatch';
import { saveCached } from '../../src-main/sync/snapshot-cache';
import { testContext, VALID_CONFIG } from '../helpers/context';
import { withTempDir } from '../helpers/tmp';

const CARLA = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const BO = '0b1c2d3e-4f50-4617-8a9b-0c1d2e3f4a5b';

describe('getPeopleNames', () => {
  it('names the people the last dry run read, leaves out whom it did not, and reads nothing before the first', async () => {
    await withTempDir(async (dir) => {
      const ctx = await testContext(dir);
      const created = await dispatch('createIntegration', { config: VALID_CONFIG }, ctx);
      if (!created.ok) throw new Error(created.error.message);
      const { id } = created.value as IntegrationSummary;

      expect(await dispatch('getPeopleNames', { id, sourceIds: [CARLA] }, ctx)).toEqual({ ok: true, value: [] });

      const carla = sourceUser(CARLA, { displayName: 'Carla Newname', userPrincipalName: 'carla.newname@contoso.com', mail: 'carla@contoso.com' });
      const bo = sourceUser(BO, { displayName: null, userPrincipalName: 'bo@contoso.com', mail: null });
      await saveCached(dir, id, 'source', sourceSnapshot([carla, bo, sourceUser('someone-else')], []));

      // An id as Entra spells it or in capitals; unknown ones are left out, never guessed.
      const r = await dispatch('getPeopleNames', { id, sourceIds: [CARLA.toUpperCase(), 'gone-from-entra', BO] }, ctx);
      expect(r).toEqual({
        ok: true,
        value: [
          { sourceId: CARLA.toUpperCase(), displayName: 'Carla Newname', userPrincipalName: 'carla.newname@contoso.com', mail: 'carla@contoso.com' },
          { sourceId: BO, displayName: null, userPrincipalName: 'bo@contoso.com', mail: null },
        ] satisfies PersonName[],
      });
    });
  });

  it('refuses an unknown integration and a list longer than any wizard shows', async () => {
    await withTempDir(async (dir) => {
      const ctx = await testContext(dir);
      expect(await dispatch('getPeopleNames', { id: 'int-nobody', sourceIds: [CARLA] }, ctx)).toMatchObject({ ok: false, error: { code: 'INTEGRATION_NOT_FOUND' } });
      const many = Array.from({ length: 5_001 }, (_v, i) => `id-${i}`);
      expect(await dispatch('getPeopleNames', { id: 'int-nobody', sourceIds: many }, ctx)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    });
  });
});
