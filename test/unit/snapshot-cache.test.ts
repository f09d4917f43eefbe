import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { syntheticTenant } from '../../src-main/core/testing/synthetic';
import { plan } from '../../src-main/core/plan';
import { forgetParsed, jsonPieces, loadCached, loadCachedForRun, readParsedCache, saveAll, saveCached } from '../../src-main/sync/snapshot-cache';
import { ITEMS_PER_PIECE, PLAN_CACHE_VERSION } from '../../src-main/sync/cache-files';
import { withTempDir } from '../helpers/tmp';

/** A synthetic tenant's snapshots and plan, saved as a run in this process saves them. */
async function saveSyntheticRun(dir: string, users: number, seed: number) {
  await mkdir(path.join(dir, 'integrations'));
  const t = syntheticTenant({ users, seed });
  const p = plan(t.source, t.target, t.config, t.links, new Date('2026-11-23T10:00:00Z'));
  await saveAll(dir, 'int-1', { source: t.source, target: t.target, plan: p });
  return { t, p };
}

describe('snapshot cache files', () => {
  it('are written in pieces that make exactly the UTF-8 bytes of what JSON.stringify would', () => {
    // Any code points (names in every script, emoji, lone surrogates), not just ASCII.
    const text = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), fc.constant('Sales\uFEFF ⟨ö⟩ "quoted" \\ \u0000'));
    const item = fc.record({ id: fc.string(), name: text, n: fc.integer(), tags: fc.array(text, { maxLength: 3 }) });
    fc.assert(
      fc.property(fc.array(item, { maxLength: 4_500 }), text, (users, readAt) => {
        const value = { version: 1, data: { readAt, users, complete: true } };
        const ranges: Array<[number, number]> = [];
        const bytes = Buffer.concat([...jsonPieces(value, 'users', (start, end) => ranges.push([start, end]))]);
        expect(bytes.toString('utf8')).toBe(JSON.stringify(value));
        // Each piece's byte range holds exactly its items: what the diff viewer reads by range.
        expect(ranges).toHaveLength(Math.ceil(users.length / ITEMS_PER_PIECE));
        expect(ranges.map(([start, end]) => JSON.parse(`[${bytes.subarray(start, end).toString('utf8')}]`) as unknown)).toEqual(
          ranges.map((_, i) => JSON.parse(JSON.stringify(users.slice(i * ITEMS_PER_PIECE, (i + 1) * ITEMS_PER_PIECE))) as unknown),
        );
      }),
      { numRuns: 40 },
    );
  });

  it('falls back to one piece when the named list is missing', () => {
    const value = { version: 1, data: { readAt: 'x' } };
    expect([...jsonPieces(value, 'users')].map((b) => Buffer.from(b).toString('utf8'))).toEqual([JSON.stringify(value)]);
  });

  it('a saved run reads back the same, from disk and from memory', () =>
    withTempDir(async (dir) => {
      const { t, p } = await saveSyntheticRun(dir, 2_500, 9);
      expect(await loadCached(dir, 'int-1', 'plan')).toEqual(p);
      expect(await loadCached(dir, 'int-1', 'source')).toEqual(t.source);
      expect(await loadCached(dir, 'int-1', 'target')).toEqual(t.target);
      const text = await readFile(path.join(dir, 'integrations', 'int-1.plan.json'), 'utf8');
      // The plan file carries a key at its head, which its rows file names (plan-file.ts).
      const key = new RegExp(`^\\{"version":${PLAN_CACHE_VERSION},"key":"([0-9a-f-]{36})"`).exec(text)?.[1];
      expect(key).toBeDefined();
      expect(text).toBe(JSON.stringify({ version: PLAN_CACHE_VERSION, key, data: p }));
      expect((await readParsedCache(dir, 'int-1'))?.plan).toBe(p);
    }));

  it('a run builds on the kept copy only while the files are the ones it came from', () =>
    withTempDir(async (dir) => {
      const { t, p } = await saveSyntheticRun(dir, 300, 4);
      // The same objects: no second parse of what this process has just written.
      expect((await loadCachedForRun(dir, 'int-1', 'source'))?.snapshot).toBe(t.source);
      expect((await loadCachedForRun(dir, 'int-1', 'target'))?.snapshot).toBe(t.target);
      // Another process wrote the target since: both come from disk, and say what is there now.
      const elsewhere = { ...t.target, users: t.target.users.slice(1) };
      await saveCached(dir, 'int-1', 'target', elsewhere);
      const target = (await loadCachedForRun(dir, 'int-1', 'target'))?.snapshot;
      expect(target).not.toBe(t.target);
      expect(target).toEqual(elsewhere);
      expect((await loadCachedForRun(dir, 'int-1', 'source'))?.snapshot).toEqual(t.source);
      // Forgotten (a run is planning): read from disk.
      await saveAll(dir, 'int-1', { source: t.source, target: t.target, plan: p });
      forgetParsed(dir, 'int-1');
      const source = (await loadCachedForRun(dir, 'int-1', 'source'))?.snapshot;
      expect(source).not.toBe(t.source);
      expect(source).toEqual(t.source);
    }));
});
