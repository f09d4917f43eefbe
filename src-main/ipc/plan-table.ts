/**
 * One plan as the diff viewer's handlers see it: its header, and per op the row, kind, reason and
 * search text, with the full ops fetched by index. Either a plan in memory (a run of this process
 * handed it over, or an old cache without rows), or the rows file with ops read piece by piece
 * from the plan file (sync/plan-file.ts), so a cold viewer never parses the whole plan.
 */
import { AppErrorException, appError } from '../core/errors';
import type { OpKind, Plan, PlanOp } from '../core/model';
import { warningCodesOf, type PlanRowsFile } from '../sync/plan-file';
import type { PlanRow } from '../../src-preload/api-types';

export interface PlanTable {
  readonly header: Omit<Plan, 'ops'>;
  readonly length: number;
  kind(i: number): OpKind;
  reason(i: number): string;
  /** The warning codes the op carries (PlanWarning.code), each once. */
  warnings(i: number): readonly string[];
  row(i: number): PlanRow;
  /** What the text filter searches, lower-cased: e-mail, name, Entra id, LMS id. */
  searchText(i: number): string;
  /** The full ops at these positions (positions out of range are left out). */
  ops(indices: readonly number[]): Promise<PlanOp[]>;
}

const searchText = (email: string | null, displayName: string | null, sourceId: string | null, targetId: string | null): string =>
  `${email ?? ''}\u0000${displayName ?? ''}\u0000${sourceId ?? ''}\u0000${targetId ?? ''}`.toLowerCase();

export function tableOfPlan(plan: Plan): PlanTable {
  const { ops, ...header } = plan;
  const at = (i: number): PlanOp => {
    const op = ops[i];
    if (!op) throw new RangeError(`no op ${i}`);
    return op;
  };
  return {
    header,
    length: ops.length,
    kind: (i) => at(i).kind,
    reason: (i) => at(i).reason,
    warnings: (i) => warningCodesOf(at(i)),
    row(i) {
      const op = at(i);
      return { index: i, kind: op.kind, email: op.email, displayName: op.displayName, sourceId: op.sourceId, targetId: op.targetId, reason: op.reason, detail: op.detail, fields: op.changes.map((c) => c.field) };
    },
    searchText: (i) => {
      const op = at(i);
      return searchText(op.email, op.displayName, op.sourceId, op.targetId);
    },
    ops: (indices) => Promise.resolve(indices.flatMap((i) => (ops[i] ? [ops[i]] : []))),
  };
}

/** Pieces of parsed ops kept per plan: neighbouring rows and an export's next chunk reuse them. */
const KEEP_PIECES = 4;

export const planReplaced = () => appError('PLAN_REPLACED', 'A newer dry run has replaced the one on screen.', 'The newer dry run is shown now; review it before you apply.');

export function tableOfRows(rows: PlanRowsFile, readPieces: (pieces: readonly number[]) => Promise<Map<number, PlanOp[]> | null>): PlanTable {
  const at = (i: number) => {
    const r = rows.rows[i];
    if (!r) throw new RangeError(`no op ${i}`);
    return r;
  };
  const kept = new Map<number, PlanOp[]>();
  return {
    header: rows.header,
    length: rows.rows.length,
    kind: (i) => rows.kinds[at(i)[0]] as OpKind,
    reason: (i) => rows.reasons[at(i)[1]] ?? '',
    warnings: (i) => (at(i)[8] ?? []).map((w) => rows.warnings[w] ?? ''),
    row(i) {
      const [kind, reason, email, displayName, sourceId, targetId, detail, fields] = at(i);
      return { index: i, kind: rows.kinds[kind] as OpKind, email, displayName, sourceId, targetId, reason: rows.reasons[reason] ?? '', detail, fields: fields.map((f) => rows.fields[f] ?? '') };
    },
    searchText(i) {
      const [, , email, displayName, sourceId, targetId] = at(i);
      return searchText(email, displayName, sourceId, targetId);
    },
    async ops(indices) {
      const wanted = indices.filter((i) => i >= 0 && i < rows.rows.length);
      const needed = [...new Set(wanted.map((i) => Math.floor(i / rows.perPiece)))];
      // This request's pieces, from what is kept or read now: never evicted while it uses them.
      const pieces = new Map<number, PlanOp[]>();
      for (const p of needed) {
        const ops = kept.get(p);
        if (ops) pieces.set(p, ops);
      }
      const missing = needed.filter((p) => !pieces.has(p));
      if (missing.length > 0) {
        const read = await readPieces(missing).catch((err: unknown) => {
          if (err instanceof AppErrorException) throw err;
          throw new AppErrorException(appError('PLAN_UNREADABLE', 'The last dry run could not be read from the data directory.', 'Check that the data directory is readable, then run a new dry run.'));
        });
        if (!read || missing.some((p) => !read.has(p))) throw new AppErrorException(planReplaced());
        for (const [p, ops] of read) pieces.set(p, ops);
      }
      // Most recently used last; the oldest go once more than a few are kept.
      for (const [p, ops] of pieces) {
        kept.delete(p);
        kept.set(p, ops);
      }
      for (const k of kept.keys()) {
        if (kept.size <= KEEP_PIECES) break;
        kept.delete(k);
      }
      return wanted.map((i) => {
        const op = pieces.get(Math.floor(i / rows.perPiece))?.[i % rows.perPiece];
        // A piece has exactly its ops (readPlanPieces checks the count), so this cannot miss.
        if (!op) throw new AppErrorException(planReplaced());
        return op;
      });
    },
  };
}
