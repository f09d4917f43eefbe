import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SourceSnapshot, SourceUser, TargetSnapshot, TargetUser } from '../../src-main/core/model';
import { mergeTargetChanges } from '../../src-main/core/target-changes';
import { syntheticTenant } from '../../src-main/core/testing/synthetic';
import { cacheFile } from '../../src-main/sync/cache-files';
import { loadCached, loadSnapshot, mergeDelta, saveCached } from '../../src-main/sync/snapshot-cache';
import { REWRITE_BASE_SHARE } from '../../src-main/sync/snapshot-changes';
import { withTempDir } from '../helpers/tmp';

const exists = (file: string) => stat(file).then(() => true, () => false);

async function baseOf(dir: string, users: number): Promise<{ source: SourceSnapshot; target: TargetSnapshot; sourceId: string; targetId: string }> {
  await mkdir(path.join(dir, 'integrations'), { recursive: true });
  const { source, target } = syntheticTenant({ users, seed: 5 });
  const sourceId = await saveCached(dir, 'int-1', 'source', source);
  const targetId = await saveCached(dir, 'int-1', 'target', target);
  return { source, target, sourceId, targetId };
}

/** What a delta read hands the run: changed, new and returning people, and the ids of the gone. */
function deltaOf(snapshot: SourceSnapshot, gone: Map<string, SourceUser>, pick: { change: number[]; add: number; remove: number[]; back: number }, round: number) {
  const upserted = new Map<string, SourceUser>();
  for (const i of pick.change) {
    const u = snapshot.users[i % snapshot.users.length];
    if (u) upserted.set(u.id, { ...u, jobTitle: `Round ${round}`, displayName: `Renamed ${round} ⟨ö⟩` });
  }
  for (let k = 0; k < pick.add; k++) upserted.set(`new-${round}-${k}`, { ...(snapshot.users[0] as SourceUser), id: `new-${round}-${k}`, mail: `new-${round}-${k}@contoso.com` });
  // Someone removed in an earlier round comes back (restored from the recycle bin).
  for (const [id, u] of [...gone].slice(0, pick.back)) {
    upserted.set(id, { ...u, jobTitle: `Back in round ${round}` });
    gone.delete(id);
  }
  const removedIds: string[] = [];
  for (const i of pick.remove) {
    const u = snapshot.users[i % snapshot.users.length];
    if (!u || upserted.has(u.id) || removedIds.includes(u.id)) continue;
    removedIds.push(u.id);
    gone.set(u.id, u);
  }
  return { upserted: [...upserted.values()], removedIds };
}

describe('a cached snapshot saved as its changes', () => {
  it('reads back exactly as the runs merged it, in order, after any sequence of delta runs', () =>
    withTempDir(async (dir) => {
      const round = fc.record({ change: fc.array(fc.nat(), { maxLength: 12 }), add: fc.nat({ max: 3 }), remove: fc.array(fc.nat(), { maxLength: 4 }), back: fc.nat({ max: 2 }) });
      let n = 0;
      let changesWritten = 0;
      let basesWritten = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(round, { minLength: 1, maxLength: 8 }), async (rounds) => {
          const runDir = path.join(dir, `r${n++}`);
          let { source: snapshot, sourceId: saved } = await baseOf(runDir, 120);
          const gone = new Map<string, SourceUser>();
          const baseFile = cacheFile(runDir, 'int-1', 'source');
          for (const [i, pick] of rounds.entries()) {
            const delta = deltaOf(snapshot, gone, pick, i);
            const before = await readFile(baseFile, 'utf8');
            snapshot = mergeDelta(snapshot, delta, snapshot.groups, `2026-12-0${(i % 9) + 1}T10:00:00.000Z`);
            const id = await saveCached(runDir, 'int-1', 'source', snapshot, { save: saved, changedIds: [...delta.upserted.map((u) => u.id), ...delta.removedIds] });
            const changesFile = cacheFile(runDir, 'int-1', 'source-changes');
            if (await exists(changesFile)) {
              changesWritten++;
              // Only the changes were written: the base is the bytes it was.
              expect(await readFile(baseFile, 'utf8')).toBe(before);
              const changes = JSON.parse(await readFile(changesFile, 'utf8')) as { data: { users: Array<{ id: string }>; removed: string[] } };
              expect(new Set([...changes.data.users.map((u) => u.id), ...changes.data.removed]).size).toBeLessThanOrEqual(REWRITE_BASE_SHARE * snapshot.users.length);
            } else basesWritten++;
            // Exactly what the run holds, in its order: a restart plans what the app would have.
            expect(await loadSnapshot(runDir, 'int-1', 'source')).toEqual({ snapshot, id });
            saved = id;
          }
        }),
        { numRuns: 30 },
      );
      // Both paths were taken, so the property says something about each.
      expect(changesWritten).toBeGreaterThan(10);
      expect(basesWritten).toBeGreaterThan(3);
    }));

  it('keeps most people in the base: a run that changed a few writes only them', () =>
    withTempDir(async (dir) => {
      const { source: base, sourceId } = await baseOf(dir, 400);
      const changed = { ...(base.users[7] as SourceUser), jobTitle: 'Chief Learning Officer' };
      const goneId = base.users[9]?.id ?? '';
      const next = mergeDelta(base, { upserted: [changed], removedIds: [goneId] }, base.groups, '2026-12-04T10:00:00.000Z');
      await saveCached(dir, 'int-1', 'source', next, { save: sourceId, changedIds: [changed.id, goneId] });
      const changes = JSON.parse(await readFile(cacheFile(dir, 'int-1', 'source-changes'), 'utf8')) as { data: { users: SourceUser[]; removed: string[] } };
      expect(changes.data.users).toEqual([changed]);
      expect(changes.data.removed).toEqual([goneId]);
      expect(await loadCached(dir, 'int-1', 'source')).toEqual(next);
    }));

  it('does the same for the LMS side: accounts changed in place, new ones at the end, and the header moves on', () =>
    withTempDir(async (dir) => {
      const { target, targetId } = await baseOf(dir, 300);
      const edited: TargetUser = { ...(target.users[4] as TargetUser), attributes: { ...(target.users[4] as TargetUser).attributes, title: 'Edited in the LMS' }, lastModified: '2026-12-04T09:30:00.000Z' };
      const added: TargetUser = { ...(target.users[0] as TargetUser), id: 'lms-new-1', userName: 'new.person@contoso.com', emails: ['new.person@contoso.com'], externalId: null, lastModified: '2026-12-04T09:40:00.000Z' };
      const cached = { ...target, changesFrom: '2026-12-04T09:00:00.000Z' };
      const merged = mergeTargetChanges(cached, { since: '2026-12-04T09:00:00.000Z', users: [edited, added], total: target.users.length + 1, readAt: '2026-12-04T10:00:00.000Z', changesFrom: '2026-12-04T10:00:00.000Z', departments: target.departments, jobProfiles: target.jobProfiles, permissionTypes: target.permissionTypes, capabilities: target.capabilities });
      if (!merged.ok) throw new Error(merged.fullReadBecause);
      const id = await saveCached(dir, 'int-1', 'target', merged.snapshot, { save: targetId, changedIds: [edited.id, added.id] });
      expect(await exists(cacheFile(dir, 'int-1', 'target-changes'))).toBe(true);
      expect(await loadSnapshot(dir, 'int-1', 'target')).toEqual({ snapshot: merged.snapshot, id });
    }));

  it('has a new id for every save, so a lost changes file reads back as another save', () =>
    withTempDir(async (dir) => {
      const { source: base, sourceId } = await baseOf(dir, 100);
      const next = mergeDelta(base, { upserted: [{ ...(base.users[1] as SourceUser), jobTitle: 'X' }], removedIds: [] }, base.groups, '2026-12-04T10:00:00.000Z');
      const first = await saveCached(dir, 'int-1', 'source', next, { save: sourceId, changedIds: [base.users[1]?.id ?? ''] });
      const second = await saveCached(dir, 'int-1', 'source', next, { save: first, changedIds: [] });
      expect(new Set([sourceId, first, second]).size).toBe(3);
      expect((await loadSnapshot(dir, 'int-1', 'source'))?.id).toBe(second);
      // Lost in a power cut, or deleted by hand: what is left is the base, under the base's id,
      // which is not the save the run recorded (sync/read-source.ts then reads in full).
      await rm(cacheFile(dir, 'int-1', 'source-changes'));
      expect(await loadSnapshot(dir, 'int-1', 'source')).toEqual({ snapshot: base, id: sourceId });
    }));

  it('writes the base, not changes, when the files are no longer the save the run built on', () =>
    withTempDir(async (dir) => {
      const { source: base, sourceId } = await baseOf(dir, 200);
      const [a, b] = base.users as [SourceUser, SourceUser];
      // Run 1 removes a; its changes file is the save run 2 builds on.
      const first = mergeDelta(base, { upserted: [], removedIds: [a.id] }, base.groups, '2026-12-04T10:00:00.000Z');
      const firstId = await saveCached(dir, 'int-1', 'source', first, { save: sourceId, changedIds: [a.id] });
      // The changes file is deleted while run 2 runs (by hand, or a restore of an old copy).
      await rm(cacheFile(dir, 'int-1', 'source-changes'));
      const second = mergeDelta(first, { upserted: [{ ...b, jobTitle: 'Y' }], removedIds: [] }, base.groups, '2026-12-04T11:00:00.000Z');
      const secondId = await saveCached(dir, 'int-1', 'source', second, { save: firstId, changedIds: [b.id] });
      // Run 2's changes alone on the base would bring a back: the whole snapshot is written instead.
      expect(await exists(cacheFile(dir, 'int-1', 'source-changes'))).toBe(false);
      expect(await loadSnapshot(dir, 'int-1', 'source')).toEqual({ snapshot: second, id: secondId });
    }));

  it('a full read writes the base again and drops the changes', () =>
    withTempDir(async (dir) => {
      const { source: base, sourceId } = await baseOf(dir, 100);
      const next = mergeDelta(base, { upserted: [{ ...(base.users[1] as SourceUser), jobTitle: 'X' }], removedIds: [] }, base.groups, '2026-12-04T10:00:00.000Z');
      await saveCached(dir, 'int-1', 'source', next, { save: sourceId, changedIds: [base.users[1]?.id ?? ''] });
      expect(await exists(cacheFile(dir, 'int-1', 'source-changes'))).toBe(true);
      await saveCached(dir, 'int-1', 'source', next, null);
      expect(await exists(cacheFile(dir, 'int-1', 'source-changes'))).toBe(false);
      expect(await loadCached(dir, 'int-1', 'source')).toEqual(next);
    }));

  it('reads a base that repeats a person as the runs merged it: one entry, first place, last copy', () =>
    withTempDir(async (dir) => {
      const { source } = await baseOf(dir, 50);
      const [a, b] = source.users as [SourceUser, SourceUser];
      const repeated = { ...source, users: [a, b, ...source.users.slice(2), { ...a, jobTitle: 'Second copy' }] };
      const repeatedId = await saveCached(dir, 'int-1', 'source', repeated);
      const next = mergeDelta(repeated, { upserted: [{ ...b, jobTitle: 'Changed' }], removedIds: [] }, source.groups, '2026-12-04T10:00:00.000Z');
      await saveCached(dir, 'int-1', 'source', next, { save: repeatedId, changedIds: [b.id] });
      expect(await loadCached(dir, 'int-1', 'source')).toEqual(next);
    }));

  it('ignores changes left over from before the base was rewritten, and refuses damaged ones', () =>
    withTempDir(async (dir) => {
      const { source: base, sourceId } = await baseOf(dir, 100);
      const next = mergeDelta(base, { upserted: [{ ...(base.users[1] as SourceUser), jobTitle: 'X' }], removedIds: [] }, base.groups, '2026-12-04T10:00:00.000Z');
      await saveCached(dir, 'int-1', 'source', next, { save: sourceId, changedIds: [base.users[1]?.id ?? ''] });
      const changesFile = cacheFile(dir, 'int-1', 'source-changes');
      const leftOver = await readFile(changesFile, 'utf8');
      // The base is written again (a full read) and the process dies before removing the changes.
      const rewritten = await saveCached(dir, 'int-1', 'source', base, null);
      await writeFile(changesFile, leftOver);
      expect(await loadSnapshot(dir, 'int-1', 'source')).toEqual({ snapshot: base, id: rewritten });
      // Changes that cannot be read: the base alone would be older than the delta link, so the
      // cache is not used at all (the next run reads Entra in full).
      await saveCached(dir, 'int-1', 'source', next, { save: rewritten, changedIds: [base.users[1]?.id ?? ''] });
      await writeFile(changesFile, (await readFile(changesFile, 'utf8')).slice(0, 50));
      expect(await loadCached(dir, 'int-1', 'source')).toBeNull();
    }));
});
