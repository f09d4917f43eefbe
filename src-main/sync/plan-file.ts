/**
 * The plan cache, in two files. `<id>.plan.json` is the whole plan as JSON (what loadCached,
 * diagnose and the CLI read), with a random key at its head. Beside it, `<id>.plan-rows.json`
 * serves the diff viewer: each op's row (what the table shows and the filter searches, with
 * kinds, reasons and field names as numbers) and where in the plan file each piece of ops lies.
 * A viewer opened after a restart parses the rows (a third of the plan's size at 100k users) and
 * reads only the pieces of ops whose details it shows or exports. The rows file is written after
 * the plan and names its key: rows whose key is not the plan file's are not used.
 */
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type { OpKind, Plan, PlanOp } from '../core/model';
import { readTextIfExists, writeFileAtomic } from '../store/atomic-file';
import { cacheFile, ITEMS_PER_PIECE, jsonPieces, keyAtHead, PLAN_CACHE_VERSION } from './cache-files';

/**
 * kind, reason (indexes into kinds and reasons), e-mail, display name, Entra id, LMS id, detail,
 * changed fields (indexes into fields), warning codes (indexes into warnings).
 */
export type CompactRow = [kind: number, reason: number, email: string | null, displayName: string | null, sourceId: string | null, targetId: string | null, detail: string, fields: number[], warnings?: number[]];

export interface PlanRowsFile {
  /** The key at the head of the plan file these rows were written with. */
  key: string;
  header: Omit<Plan, 'ops'>;
  /** Ops per piece of the plan file. */
  perPiece: number;
  /** Byte range in the plan file of each piece's ops: JSON objects joined by commas. */
  pieces: Array<[number, number]>;
  kinds: OpKind[];
  reasons: string[];
  fields: string[];
  /** Warning codes (PlanWarning.code) the rows name. */
  warnings: string[];
  rows: CompactRow[];
}

/** Writes the plan, then its rows; returns the plan file's key. A crash in between leaves rows the key check refuses. */
export async function writePlan(dataDir: string, id: string, plan: Plan): Promise<string> {
  const key = randomUUID();
  const pieces: Array<[number, number]> = [];
  // A cache: a torn or missing file is ignored and the next run reads in full, so no fsync.
  await writeFileAtomic(cacheFile(dataDir, id, 'plan'), jsonPieces({ version: PLAN_CACHE_VERSION, key, data: plan }, 'ops', (start, end) => pieces.push([start, end])), { durable: false });
  await writeFileAtomic(cacheFile(dataDir, id, 'plan-rows'), jsonPieces({ version: PLAN_CACHE_VERSION, data: rowsOf(plan, key, pieces) }, 'rows'), { durable: false });
  return key;
}

/** What the hidden characters cleaned from an op's Entra values are filtered as (reference 000: "Sales" with a byte-order mark). */
export const HIDDEN_CHARACTERS = 'hidden_characters';

/**
 * The warning codes an op carries, each once, for the diff viewer's warning filter: its warnings,
 * and HIDDEN_CHARACTERS when values were cleaned, so the admin finds everyone whose Entra data to fix.
 */
export function warningCodesOf(op: PlanOp): string[] {
  const hidden = op.notices !== undefined && op.notices.length > 0;
  if ((!op.warnings || op.warnings.length === 0) && !hidden) return [];
  const codes = new Set((op.warnings ?? []).map((w) => w.code));
  if (hidden) codes.add(HIDDEN_CHARACTERS);
  return [...codes];
}

/** How many ops carry each warning code, most first (then by code): the header's and `rollcall plan`'s counts. */
export function countWarnings(codesPerOp: Iterable<readonly string[]>): Array<{ code: string; count: number }> {
  const counts = new Map<string, number>();
  for (const codes of codesPerOp) for (const code of codes) counts.set(code, (counts.get(code) ?? 0) + 1);
  return [...counts].map(([code, count]) => ({ code, count })).sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
}

function rowsOf(plan: Plan, key: string, pieces: Array<[number, number]>): PlanRowsFile {
  const { ops, ...header } = plan;
  const numbering = <T>() => {
    const list: T[] = [];
    const at = new Map<T, number>();
    return {
      list,
      of(v: T): number {
        let i = at.get(v);
        if (i === undefined) at.set(v, (i = list.push(v) - 1));
        return i;
      },
    };
  };
  const kinds = numbering<OpKind>();
  const reasons = numbering<string>();
  const fields = numbering<string>();
  const warnings = numbering<string>();
  const rows = ops.map((op): CompactRow => [
    kinds.of(op.kind),
    reasons.of(op.reason),
    op.email,
    op.displayName,
    op.sourceId,
    op.targetId,
    op.detail,
    op.changes.map((c) => fields.of(c.field)),
    warningCodesOf(op).map((code) => warnings.of(code)),
  ]);
  return { key, header, perPiece: ITEMS_PER_PIECE, pieces, kinds: kinds.list, reasons: reasons.list, fields: fields.list, warnings: warnings.list, rows };
}

const isRowsFile = (v: unknown): v is PlanRowsFile => {
  const r = v as Partial<PlanRowsFile> | null;
  return typeof r === 'object' && r !== null && typeof r.key === 'string' && typeof r.header === 'object' && Array.isArray(r.rows) && Array.isArray(r.pieces) && Array.isArray(r.kinds) && Array.isArray(r.reasons) && Array.isArray(r.fields) && Array.isArray(r.warnings) && typeof r.perPiece === 'number';
};

/** The rows of the current plan file, or null when there are none that match it (then parse the plan). */
export async function readPlanRows(dataDir: string, id: string): Promise<PlanRowsFile | null> {
  const text = await readTextIfExists(cacheFile(dataDir, id, 'plan-rows'));
  if (text === null) return null;
  let parsed: { version?: unknown; data?: unknown };
  try {
    parsed = JSON.parse(text) as { version?: unknown; data?: unknown };
  } catch {
    return null;
  }
  if (parsed.version !== PLAN_CACHE_VERSION || !isRowsFile(parsed.data)) return null;
  const rows = parsed.data;
  const covered = rows.pieces.length === Math.ceil(rows.rows.length / rows.perPiece);
  return covered && (await keyAtHead(cacheFile(dataDir, id, 'plan'), PLAN_CACHE_VERSION)) === rows.key ? rows : null;
}

/**
 * The ops of the given pieces, read from the plan file; null when the file is no longer the plan
 * these rows describe (a newer run replaced it).
 */
export async function readPlanPieces(dataDir: string, id: string, rows: PlanRowsFile, pieceIndexes: readonly number[]): Promise<Map<number, PlanOp[]> | null> {
  const file = cacheFile(dataDir, id, 'plan');
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch (err) {
    // Gone (a newer run is renaming its plan into place, or the integration was removed).
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    const out = new Map<number, PlanOp[]>();
    for (const p of pieceIndexes) {
      const range = rows.pieces[p];
      if (!range) continue;
      const [start, end] = range;
      const buf = Buffer.alloc(end - start);
      const { bytesRead } = await handle.read(buf, 0, buf.length, start);
      let ops: PlanOp[];
      try {
        ops = JSON.parse(`[${buf.subarray(0, bytesRead).toString('utf8')}]`) as PlanOp[];
      } catch {
        return null;
      }
      const expected = Math.min(rows.perPiece, rows.rows.length - p * rows.perPiece);
      if (ops.length !== expected) return null;
      out.set(p, ops);
    }
    // Checked after reading: a file replaced meanwhile shows a new key.
    return (await keyAtHead(file, PLAN_CACHE_VERSION)) === rows.key ? out : null;
  } finally {
    await handle.close();
  }
}
