/**
 * The plan cache's rows file: the diff viewer's rows and search text are the plan's own, every
 * op read back piece by piece from the plan file is the op that was saved (multi-byte text
 * included), and rows that do not belong to the plan file on disk are never used.
 */
import { copyFile, readFile, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src-main/core/model';
import { tableOfPlan, tableOfRows } from '../../src-main/ipc/plan-table';
import { cacheFile } from '../../src-main/sync/cache-files';
import { readPlanPieces, readPlanRows, type CompactRow, type PlanRowsFile } from '../../src-main/sync/plan-file';
import { loadCached, saveCached } from '../../src-main/sync/snapshot-cache';
import { samplePlan } from '../helpers/plans';
import { withTempDir } from '../helpers/tmp';

/** 4,500 ops (three pieces), some with names and e-mails far from ASCII. */
function bigPlan(): Plan {
  const p = samplePlan('int-1', 4_500);
  for (const i of [0, 1999, 2000, 2001, 4499]) {
    const op = p.ops[i];
    if (op) Object.assign(op, { displayName: `Zoë Åström 山田 ${i} 🎓`, email: `zoë.${i}@exämple.com` });
  }
  return p;
}

async function saved(dir: string, plan: Plan): Promise<void> {
  await mkdir(path.join(dir, 'integrations'), { recursive: true });
  await saveCached(dir, 'int-1', 'plan', plan);
}

describe('the plan rows file', () => {
  it('gives the rows, kinds, reasons and search text of the plan, and reads every op back exactly', () =>
    withTempDir(async (dir) => {
      const plan = bigPlan();
      await saved(dir, plan);
      const rows = await readPlanRows(dir, 'int-1');
      if (!rows) throw new Error('no rows');
      expect(rows.pieces).toHaveLength(3);
      const fromRows = tableOfRows(rows, (pieces) => readPlanPieces(dir, 'int-1', rows, pieces));
      const inMemory = tableOfPlan(plan);
      expect(fromRows.header).toEqual(inMemory.header);
      expect(fromRows.length).toBe(plan.ops.length);
      for (let i = 0; i < plan.ops.length; i++) {
        expect(fromRows.row(i)).toEqual(inMemory.row(i));
        expect(fromRows.searchText(i)).toBe(inMemory.searchText(i));
        expect(fromRows.kind(i)).toBe(plan.ops[i]?.kind);
        expect(fromRows.reason(i)).toBe(plan.ops[i]?.reason);
      }
      // Every op, in any order, across pieces, and out-of-range positions left out.
      const all = plan.ops.map((_op, i) => i).reverse();
      expect(await fromRows.ops([...all, 4_500, -1])).toEqual([...plan.ops].reverse());
      expect(await fromRows.ops([2000])).toEqual([plan.ops[2000]]);
      // The plan file itself is still the whole plan for every other reader.
      expect(await loadCached(dir, 'int-1', 'plan')).toEqual(plan);
    }));

  it('refuses rows that belong to another plan file, or none', () =>
    withTempDir(async (dir) => {
      await saved(dir, samplePlan('int-1', 10, '2026-11-01T00:00:00.000Z'));
      const oldRows = path.join(dir, 'old-rows.json');
      await copyFile(cacheFile(dir, 'int-1', 'plan-rows'), oldRows);
      await saved(dir, samplePlan('int-1', 10, '2026-11-02T00:00:00.000Z'));
      expect((await readPlanRows(dir, 'int-1'))?.header.createdAt).toBe('2026-11-02T00:00:00.000Z');
      // Rows written before they listed their warnings are not used (the plan file is read instead).
      const current = await readFile(cacheFile(dir, 'int-1', 'plan-rows'), 'utf8');
      const withoutWarnings = JSON.parse(current) as { data: Record<string, unknown> };
      delete withoutWarnings.data.warnings;
      await writeFile(cacheFile(dir, 'int-1', 'plan-rows'), JSON.stringify(withoutWarnings));
      expect(await readPlanRows(dir, 'int-1')).toBeNull();
      await writeFile(cacheFile(dir, 'int-1', 'plan-rows'), current);
      // A crash between the plan and its rows leaves the old rows beside the new plan.
      await copyFile(oldRows, cacheFile(dir, 'int-1', 'plan-rows'));
      expect(await readPlanRows(dir, 'int-1')).toBeNull();
      // A plan file from before rows files has no key.
      await writeFile(cacheFile(dir, 'int-1', 'plan'), JSON.stringify({ version: 1, data: samplePlan('int-1', 10) }));
      expect(await readPlanRows(dir, 'int-1')).toBeNull();
      await rm(cacheFile(dir, 'int-1', 'plan-rows'));
      expect(await readPlanRows(dir, 'int-1')).toBeNull();
      await writeFile(cacheFile(dir, 'int-1', 'plan-rows'), '{"version":1,"data":{"key":');
      expect(await readPlanRows(dir, 'int-1')).toBeNull();
    }));

  it('does not read ops from a plan file a newer run has replaced', () =>
    withTempDir(async (dir) => {
      await saved(dir, bigPlan());
      const rows = await readPlanRows(dir, 'int-1');
      if (!rows) throw new Error('no rows');
      await saved(dir, samplePlan('int-1', 4_500, '2026-11-24T09:00:00.000Z'));
      expect(await readPlanPieces(dir, 'int-1', rows, [0, 1])).toBeNull();
      await rm(cacheFile(dir, 'int-1', 'plan'));
      expect(await readPlanPieces(dir, 'int-1', rows, [0])).toBeNull();
      const table = tableOfRows(rows, (pieces) => readPlanPieces(dir, 'int-1', rows, pieces));
      await expect(table.ops([0])).rejects.toMatchObject({ error: { code: 'PLAN_REPLACED' } });
    }));

  it('gives every op once and in order when a request spans more pieces than are kept', async () => {
    const plan = samplePlan('int-1', 40);
    const { ops, ...header } = plan;
    const perPiece = 3;
    const kinds = [...new Set(ops.map((o) => o.kind))];
    const reasons = [...new Set(ops.map((o) => o.reason))];
    const rows: PlanRowsFile = {
      key: 'k',
      header,
      perPiece,
      pieces: Array.from({ length: Math.ceil(ops.length / perPiece) }, (): [number, number] => [0, 0]),
      kinds,
      reasons,
      fields: [],
      warnings: [],
      rows: ops.map((o): CompactRow => [kinds.indexOf(o.kind), reasons.indexOf(o.reason), o.email, o.displayName, o.sourceId, o.targetId, o.detail, []]),
    };
    const reads: number[][] = [];
    const table = tableOfRows(rows, (pieces) => {
      reads.push([...pieces]);
      return Promise.resolve(new Map(pieces.map((p) => [p, ops.slice(p * perPiece, (p + 1) * perPiece)])));
    });
    // Details opened here and there keep a few pieces; then an export asks for long chunks.
    await table.ops([38, 2, 20, 7]);
    for (let offset = 0; offset < ops.length; offset += 25) {
      const indices = Array.from({ length: Math.min(25, ops.length - offset) }, (_v, k) => offset + k);
      expect(await table.ops(indices)).toEqual(ops.slice(offset, offset + 25));
    }
    // A kept piece is not read again.
    reads.length = 0;
    await table.ops([39]);
    expect(reads).toEqual([]);
  });
});
