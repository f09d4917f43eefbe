import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SourceSnapshot, SourceUser } from '../../src-main/core/model';
import { syntheticTenant } from '../../src-main/core/testing/synthetic';
import { cacheFile } from '../../src-main/sync/cache-files';
import { loadCached, mergeDelta, saveCached } from '../../src-main/sync/snapshot-cache';
import { REWRITE_BASE_SHARE } from '../../src-main/sync/snapshot-changes';
import { withTempDir } from '../helpers/tmp';

const byId = (s: SourceSnapshot | null) => (s ? { ...s, users: [...s.users].sort((a, b) => (a.id < b.id ? -1 : 1)) } : null);
const exists = (file: string) => stat(file).then(() => true, () => false);

async function baseOf(dir: string, users: number): Promise<SourceSnapshot> {
  await mkdir(path.join(dir, 'integrations'), { recursive: true });
  const { source } = syntheticTenant({ users, seed: 5 });
  await saveCached(dir, 'int-1', 'source', source);
  return source;
}

/** What a delta read hands the run: changed and new people, the ids of the gone. */
function deltaOf(snapshot: SourceSnapshot, pick: { change: number[]; add: number; remove: number[] }, round: number) {
  const upserted: SourceUser[] = [];
  for (const i of pick.change) {
    const u = snapshot.users[i % snapshot.users.length];
    if (u) upserted.push({ ...u, jobTitle: `Round ${round}`, displayName: `Renamed ${round} ⟨ö⟩` });
  }
  for (let k = 0; k < pick.add; k++) upserted.push({ ...(snapshot.users[0] as SourceUser), id: `new-${round}-${k}`, mail: `new-${round}-${k}@contoso.com` });
  const removedIds = pick.remove.map((i) => snapshot.users[i % snapshot.users.length]?.id ?? '').filter((id) => id !== '' && !upserted.some((u) => u.id === id));
  return { upserted, removedIds };
}

describe('a cached snapshot saved as its changes', () => {
  it('reads back as the merged snapshot after any sequence of delta runs, and writes the base only past a tenth', () =>
    withTempDir(async (dir) => {
      const round = fc.record({ change: fc.array(fc.nat(), { maxLength: 12 }), add: fc.nat({ max: 3 }), remove: fc.array(fc.nat(), { maxLength: 4 }) });
      let n = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(round, { minLength: 1, maxLength: 6 }), async (rounds) => {
          const runDir = path.join(dir, `r${n++}`);
          let snapshot = await baseOf(runDir, 120);
          const baseFile = cacheFile(runDir, 'int-1', 'source');
          for (const [i, pick] of rounds.entries()) {
            const delta = deltaOf(snapshot, pick, i);
            const before = await readFile(baseFile, 'utf8');
            snapshot = mergeDelta(snapshot, delta, snapshot.groups, `2026-12-0${i + 1}T10:00:00.000Z`);
            await saveCached(runDir, 'int-1', 'source', snapshot, [...delta.upserted.map((u) => u.id), ...delta.removedIds]);
            const changesFile = cacheFile(runDir, 'int-1', 'source-changes');
            if (await exists(changesFile)) {
              // Only the changes were written: the base is the bytes it was.
              expect(await readFile(baseFile, 'utf8')).toBe(before);
              const changes = JSON.parse(await readFile(changesFile, 'utf8')) as { data: { users: unknown[]; removed: unknown[] } };
              expect(changes.data.users.length + changes.data.removed.length).toBeLessThanOrEqual(REWRITE_BASE_SHARE * snapshot.users.length);
            }
            expect(byId(await loadCached(runDir, 'int-1', 'source'))).toEqual(byId(snapshot));
          }
        }),
        { numRuns: 25 },
      );
    }));

  it('keeps most people in the base: a run that changed a few writes only them', () =>
    withTempDir(async (dir) => {
      const base = await baseOf(dir, 400);
      const changed = { ...(base.users[7] as SourceUser), jobTitle: 'Chief Learning Officer' };
      const gone = base.users[9]?.id ?? '';
      const next = mergeDelta(base, { upserted: [changed], removedIds: [gone] }, base.groups, '2026-12-04T10:00:00.000Z');
      await saveCached(dir, 'int-1', 'source', next, [changed.id, gone]);
      const changes = JSON.parse(await readFile(cacheFile(dir, 'int-1', 'source-changes'), 'utf8')) as { data: { users: SourceUser[]; removed: string[] } };
      expect(changes.data.users).toEqual([changed]);
      expect(changes.data.removed).toEqual([gone]);
      // Read back in order: changed in place, the gone one dropped.
      expect(await loadCached(dir, 'int-1', 'source')).toEqual(next);
    }));

  it('a full read writes the base again and drops the changes', () =>
    withTempDir(async (dir) => {
      const base = await baseOf(dir, 100);
      const next = mergeDelta(base, { upserted: [{ ...(base.users[1] as SourceUser), jobTitle: 'X' }], removedIds: [] }, base.groups, '2026-12-04T10:00:00.000Z');
      await saveCached(dir, 'int-1', 'source', next, [base.users[1]?.id ?? '']);
      expect(await exists(cacheFile(dir, 'int-1', 'source-changes'))).toBe(true);
      await saveCached(dir, 'int-1', 'source', next, null);
      expect(await exists(cacheFile(dir, 'int-1', 'source-changes'))).toBe(false);
      expect(await loadCached(dir, 'int-1', 'source')).toEqual(next);
    }));

  it('ignores changes left over from before the base was rewritten, and refuses damaged ones', () =>
    withTempDir(async (dir) => {
      const base = await baseOf(dir, 100);
      const next = mergeDelta(base, { upserted: [{ ...(base.users[1] as SourceUser), jobTitle: 'X' }], removedIds: [] }, base.groups, '2026-12-04T10:00:00.000Z');
      await saveCached(dir, 'int-1', 'source', next, [base.users[1]?.id ?? '']);
      const changesFile = cacheFile(dir, 'int-1', 'source-changes');
      const leftOver = await readFile(changesFile, 'utf8');
      // The base is written again (a full read) and the process dies before removing the changes.
      await saveCached(dir, 'int-1', 'source', base, null);
      await writeFile(changesFile, leftOver);
      expect(await loadCached(dir, 'int-1', 'source')).toEqual(base);
      // Changes that cannot be read: the base alone would be older than the delta link, so the
      // cache is not used at all (the next run reads Entra in full).
      await saveCached(dir, 'int-1', 'source', next, [base.users[1]?.id ?? '']);
      await writeFile(changesFile, (await readFile(changesFile, 'utf8')).slice(0, 50));
      expect(await loadCached(dir, 'int-1', 'source')).toBeNull();
    }));
});
