import { describe, expect, it } from 'vitest';
import { linkBatchSize } from '../../src-main/sync/run';

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
