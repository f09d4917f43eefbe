import { describe, expect, it } from 'vitest';
import type { Link } from '../../src-main/core/model';
import type { Store } from '../../src-main/store/store';
import { linkBatchSize, linkRecorder } from '../../src-main/sync/run';

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
        update: async (change: (file: { links: Link[] }) => void) => {
          await new Promise((r) => setTimeout(r, 15));
          const before = links.length;
          const file = { links: [...links] };
          change(file);
          links = file.links;
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
