import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { plan } from '../../src-main/core/plan';
import { syntheticTenant } from '../../src-main/core/testing/synthetic';
import { unmanagedAccounts } from '../../src-main/core/unmanaged';
import { cacheFile } from '../../src-main/sync/cache-files';
import { saveAll, saveCached } from '../../src-main/sync/snapshot-cache';
import { readUnmanaged } from '../../src-main/sync/unmanaged-file';
import { withTempDir } from '../helpers/tmp';

describe('the list of unmanaged accounts beside the plan', () => {
  it('is read for the plan it was found with, never for a later one, and not when damaged', async () => {
    await withTempDir(async (dir) => {
      await mkdir(path.join(dir, 'integrations'));
      const base = syntheticTenant({ users: 300, seed: 5 });
      // An account made by hand in the LMS, which nothing manages.
      const t = { ...base, target: { ...base.target, users: [...base.target.users, { ...base.target.users[0], id: 'by-hand', externalId: null, userName: 'by.hand@example.com', emails: ['by.hand@example.com'] } as (typeof base.target.users)[number]] } };
      const p = plan(t.source, t.target, t.config, t.links, new Date('2026-11-23T10:00:00Z'));
      const found = unmanagedAccounts(t.source, t.target, p.ops, t.links, []);
      if (!found) throw new Error('the synthetic LMS read is complete');
      expect(found.accounts.map((a) => a.id)).toContain('by-hand');
      await saveAll(dir, 'int-1', { source: t.source, target: t.target, plan: p, unmanaged: found.accounts });
      const now = await readUnmanaged(dir, 'int-1', 'current');
      expect(now?.accounts).toEqual(found.accounts);
      expect((await readUnmanaged(dir, 'int-1', p.createdAt))?.plan.createdAt).toBe(p.createdAt);
      expect(await readUnmanaged(dir, 'int-1', '2020-01-01T00:00:00.000Z')).toBeNull();

      // A later plan was saved, but its list was not (the process died in between): the old list is not the current one.
      await saveCached(dir, 'int-1', 'plan', { ...p, createdAt: '2026-11-23T11:00:00.000Z' });
      expect(await readUnmanaged(dir, 'int-1', 'current')).toBeNull();

      // A run whose LMS read was incomplete removes the list.
      await saveAll(dir, 'int-1', { source: t.source, target: t.target, plan: p, unmanaged: null });
      expect(await readUnmanaged(dir, 'int-1', 'current')).toBeNull();

      // A damaged file is no list.
      await writeFile(cacheFile(dir, 'int-1', 'unmanaged'), '{"version":1,"data":{"plan":');
      expect(await readUnmanaged(dir, 'int-1', p.createdAt)).toBeNull();
    });
  });
});
