import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Link } from '../../src-main/core/model';
import { Store } from '../../src-main/store/store';
import { linkBatchSize, linkRecorder, mergeLinks } from '../../src-main/sync/link-recorder';

/** The rewrites of the link file during a first apply of `creates` people, and the links they write in all. */
function firstApply(creates: number): { rewrites: number; linksWritten: number } {
  let inFile = 0;
  let pending = 0;
  let rewrites = 0;
  let linksWritten = 0;
  for (let i = 0; i < creates; i++) {
    pending++;
    if (pending >= linkBatchSize(inFile)) {
      inFile += pending;
      pending = 0;
      rewrites++;
      linksWritten += inFile;
    }
  }
  return { rewrites, linksWritten };
}

describe('link batches during an apply', () => {
  it('grow with the link file, between 500 and 5,000', () => {
    expect([0, 4_000, 20_000, 100_000, 1_000_000].map(linkBatchSize)).toEqual([500, 500, 2_000, 5_000, 5_000]);
  });

  it('keep a 100k-user first apply from rewriting the file 200 times (quadratic in the file size)', () => {
    const big = firstApply(100_000);
    // Fixed batches of 500: 200 rewrites and 10 million links written.
    expect(big.rewrites).toBeLessThan(60);
    expect(big.linksWritten).toBeLessThan(1_500_000);
    // A small tenant keeps small batches: links are on disk soon after they are made.
    expect(firstApply(2_000).rewrites).toBe(4);
  });
});

describe('the link recorder', () => {
  it('writes one batch at a time: links that arrive while the file is being written wait for the next batch', async () => {
    const batches: number[] = [];
    let links: Link[] = [];
    // A link file that takes a while to rewrite, as a 20 MB one does.
    const store = {
      links: async () => ({
        get data() {
          return { links };
        },
        replace: async (next: (file: { links: Link[] }) => { links: Link[] }) => {
          await new Promise((r) => setTimeout(r, 15));
          const before = links.length;
          links = next({ links }).links;
          batches.push(links.length - before);
        },
      }),
    } as unknown as Store;
    const recorder = linkRecorder(store, 'int-1');
    // 3,000 creates answered a few at a time, as an apply at concurrency 8 sees them.
    for (let i = 0; i < 3_000; i++) {
      recorder.record({ integrationId: 'int-1', sourceId: `s${i}`, targetId: `t${i}`, origin: 'created', linkedAt: '2026-12-04T00:00:00Z', emailAtLink: null });
      if (i % 8 === 7) await new Promise((r) => setTimeout(r, 1));
    }
    await recorder.flush();
    expect(links).toHaveLength(3_000);
    // Every batch but the last is a full one: no rewrite of the whole file for a handful of links.
    expect(batches.slice(0, -1).every((n) => n >= 500)).toBe(true);
    expect(batches.length).toBeLessThanOrEqual(6);
  });
});

describe('the link recorder on a large table', () => {
  it('sizes its first batch by the table it adds to: 600 links into 20,000 wait for the end of the apply', async () => {
    let rewrites = 0;
    const existing = Array.from({ length: 20_000 }, (_, i) => ({ integrationId: 'int-1', sourceId: `old${i}`, targetId: `lms${i}`, origin: 'created' as const, linkedAt: '2026-12-01T00:00:00Z', emailAtLink: null }));
    const table = { data: { links: existing }, replace: async (next: (file: { links: Link[] }) => unknown) => void (rewrites++, next({ links: existing })) };
    const store = { links: async () => table } as unknown as Store;
    const recorder = linkRecorder(store, 'int-1');
    await new Promise((r) => setTimeout(r, 0));
    for (let i = 0; i < 600; i++) recorder.record({ integrationId: 'int-1', sourceId: `s${i}`, targetId: `t${i}`, origin: 'created', linkedAt: '2026-12-04T00:00:00Z', emailAtLink: null });
    await new Promise((r) => setTimeout(r, 10));
    expect(rewrites).toBe(0);
    await recorder.flush();
    expect(rewrites).toBe(1);
  });
});

describe('merging a batch of new links into the link table', () => {
  const link = (sourceId: string, targetId: string, origin: Link['origin'] = 'created', linkedAt = '2026-12-04T00:00:00Z'): Link => ({ integrationId: 'int-1', sourceId, targetId, origin, linkedAt, emailAtLink: null });
  // A damaged table: s1 is linked to two accounts (a restored backup, a hand edit).
  const damaged = [link('s1', 'a', 'matched', '2026-01-01T00:00:00Z'), link('s2', 'c'), link('s1', 'b', 'matched', '2026-02-01T00:00:00Z')];

  it("leaves everyone else's links as they were, a damaged table's second link included", () => {
    expect(mergeLinks(damaged, [link('s3', 'd')])).toEqual([...damaged, link('s3', 'd')]);
  });

  it("gives someone in the batch one link, the one made, in the place of their first", () => {
    expect(mergeLinks(damaged, [link('s1', 'e', 'relinked')])).toEqual([link('s1', 'e', 'relinked'), link('s2', 'c')]);
  });

  it('keeps the origin and date of a link the table already had for that account', () => {
    expect(mergeLinks(damaged, [link('s1', 'b', 'created', '2026-12-04T10:00:00Z')])).toEqual([damaged[2], link('s2', 'c')]);
    expect(mergeLinks(damaged, [link('s2', 'c', 'relinked', '2026-12-04T10:00:00Z'), link('s2', 'c', 'created')])).toEqual(damaged);
    // A table that repeats the same link keeps the first (the older date).
    const repeated = [link('s1', 'a', 'matched', '2026-01-01T00:00:00Z'), link('s1', 'a', 'relinked', '2026-03-01T00:00:00Z')];
    expect(mergeLinks(repeated, [link('s1', 'a')])).toEqual([repeated[0]]);
  });
});

describe('the link recorder on a real link table', () => {
  it('writes the links made and leaves a damaged entry it did not touch as it was', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'rollcall-links-'));
    try {
      const store = await Store.open(dir);
      const table = await store.links('int-1');
      const before = [
        { integrationId: 'int-1', sourceId: 's1', targetId: 'a', origin: 'matched' as const, linkedAt: '2026-01-01T00:00:00Z', emailAtLink: null },
        { integrationId: 'int-1', sourceId: 's1', targetId: 'b', origin: 'matched' as const, linkedAt: '2026-02-01T00:00:00Z', emailAtLink: null },
      ];
      await table.update((file) => void (file.links = before));
      const recorder = linkRecorder(store, 'int-1');
      recorder.record({ integrationId: 'int-1', sourceId: 's2', targetId: 'c', origin: 'created', linkedAt: '2026-12-04T00:00:00Z', emailAtLink: null });
      await recorder.flush();
      const onDisk = JSON.parse(await readFile(table.file, 'utf8')) as { links: Link[] };
      expect(onDisk.links.map((l) => `${l.sourceId}→${l.targetId}`)).toEqual(['s1→a', 's1→b', 's2→c']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
