import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { syntheticTenant } from '../../src-main/core/testing/synthetic';
import { plan } from '../../src-main/core/plan';
import { jsonPieces, loadCached, readParsedCache, saveAll } from '../../src-main/sync/snapshot-cache';
import { withTempDir } from '../helpers/tmp';

describe('snapshot cache files', () => {
  it('are written in pieces that make exactly the text JSON.stringify would', () => {
    const item = fc.record({ id: fc.string(), name: fc.oneof(fc.string(), fc.constant('Sales\uFEFF ⟨ö⟩ "quoted" \\ \u0000')), n: fc.integer(), tags: fc.array(fc.string(), { maxLength: 3 }) });
    fc.assert(
      fc.property(fc.array(item, { maxLength: 4_500 }), fc.string(), (users, readAt) => {
        const value = { version: 1, data: { readAt, users, complete: true } };
        expect([...jsonPieces(value, 'users')].join('')).toBe(JSON.stringify(value));
      }),
      { numRuns: 40 },
    );
  });

  it('falls back to one piece when the named list is missing', () => {
    const value = { version: 1, data: { readAt: 'x' } };
    expect([...jsonPieces(value, 'users')]).toEqual([JSON.stringify(value)]);
  });

  it('a saved run reads back the same, from disk and from memory', () =>
    withTempDir(async (dir) => {
      await mkdir(path.join(dir, 'integrations'));
      const t = syntheticTenant({ users: 2_500, seed: 9 });
      const p = plan(t.source, t.target, t.config, t.links, new Date('2026-11-23T10:00:00Z'));
      await saveAll(dir, 'int-1', { source: t.source, target: t.target, plan: p });
      expect(await loadCached(dir, 'int-1', 'plan')).toEqual(p);
      expect(await loadCached(dir, 'int-1', 'source')).toEqual(t.source);
      expect(await loadCached(dir, 'int-1', 'target')).toEqual(t.target);
      const text = await readFile(path.join(dir, 'integrations', 'int-1.plan.json'), 'utf8');
      // The plan file carries a key at its head, which its rows file names (plan-file.ts).
      const key = /^\{"version":1,"key":"([0-9a-f-]{36})"/.exec(text)?.[1];
      expect(text).toBe(JSON.stringify({ version: 1, key, data: p }));
      expect((await readParsedCache(dir, 'int-1'))?.plan).toBe(p);
    }));
});
