/**
 * The last plan of an integration, kept in memory for the diff viewer, which asks for a window of
 * rows on every scroll and filter and for a detail on every expanded row. A run in this process
 * hands its plan over when it finishes (no parsing at all). Otherwise the plan's rows file is
 * read (sync/plan-file.ts: at 100k users ~40 MB instead of the plan's ~140 MB, and ops are read
 * piece by piece when shown); without one (a cache from before rows files) the plan is parsed
 * whole. A plan written by another process (the CLI from cron) is noticed by the file's size and
 * time, so a kept copy is never served stale.
 */
import { promises as fs } from 'node:fs';
import { AppErrorException, appError } from '../core/errors';
import type { Plan } from '../core/model';
import type { RunManager } from '../sync/run-manager';
import { readPlanPieces, readPlanRows } from '../sync/plan-file';
import { cacheFile, loadCached } from '../sync/snapshot-cache';
import { indexPlan, type PlanIndex } from './plan-query';
import { tableOfPlan, tableOfRows, type PlanTable } from './plan-table';

export interface HeldPlan {
  /** Names this plan for the window: its creation time and the file it came from. */
  version: string;
  table: PlanTable;
  index: PlanIndex;
}

interface Entry {
  stamp: string;
  held: HeldPlan;
  timer: ReturnType<typeof setTimeout>;
}

/** Dropped after this long without a request: the window keeps its own rows, and a reload is seconds. */
const KEEP_IDLE_MS = 10 * 60_000;
/** Plans kept at once, counted in ops (the newest is always kept, whatever its size). */
const KEEP_OPS = 300_000;

const entries = new Map<string, Entry>();
const loading = new Map<string, Promise<HeldPlan | null>>();
/** Hand-overs under way: a request that arrives meanwhile waits for them instead of parsing the file. */
const handing = new Map<string, Promise<void>>();
const followed = new WeakSet<RunManager>();

const keyOf = (dataDir: string, id: string) => `${dataDir}\u0000${id}`;

/** Size and time of the plan file; null when it cannot be seen (then nothing is kept, never stale). */
async function stampOf(dataDir: string, id: string): Promise<string | null> {
  try {
    const s = await fs.stat(cacheFile(dataDir, id, 'plan'));
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return null;
  }
}

const held = (table: PlanTable, stamp: string): HeldPlan => ({ version: `${table.header.createdAt}~${stamp}`, table, index: indexPlan(table) });

function keep(key: string, stamp: string, table: PlanTable): HeldPlan {
  const kept = held(table, stamp);
  drop(key);
  const timer = setTimeout(() => drop(key), KEEP_IDLE_MS);
  timer.unref?.();
  entries.set(key, { stamp, held: kept, timer });
  // Oldest first out, until the kept plans fit (the one just kept stays).
  let ops = [...entries.values()].reduce((n, e) => n + e.held.table.length, 0);
  for (const [k, e] of entries) {
    if (ops <= KEEP_OPS || k === key) break;
    ops -= e.held.table.length;
    drop(k);
  }
  return kept;
}

/** The plan on disk as a table: its rows file when it matches the plan file, else the plan parsed whole. */
async function loadTable(dataDir: string, id: string): Promise<PlanTable | null> {
  const rows = await readPlanRows(dataDir, id);
  if (rows) return tableOfRows(rows, (pieces) => readPlanPieces(dataDir, id, rows, pieces));
  const plan = await loadCached(dataDir, id, 'plan');
  return plan ? tableOfPlan(plan) : null;
}

function drop(key: string): void {
  const e = entries.get(key);
  if (!e) return;
  clearTimeout(e.timer);
  entries.delete(key);
}

function touch(key: string, e: Entry): void {
  clearTimeout(e.timer);
  e.timer = setTimeout(() => drop(key), KEEP_IDLE_MS);
  e.timer.unref?.();
  // Most recently used last.
  entries.delete(key);
  entries.set(key, e);
}

/** The last plan of an integration, parsed (null when there is none). */
export async function heldPlan(dataDir: string, id: string): Promise<HeldPlan | null> {
  const key = keyOf(dataDir, id);
  await handing.get(key);
  const stamp = await stampOf(dataDir, id);
  const kept = entries.get(key);
  if (kept && stamp !== null && kept.stamp === stamp) {
    touch(key, kept);
    return kept.held;
  }
  // Several windows ask at once on a cold start: one read and one parse serve them all.
  const loadKey = `${key}\u0000${stamp ?? '-'}`;
  let pending = loading.get(loadKey);
  if (!pending) {
    pending = loadTable(dataDir, id).then(
      (table) => {
        if (!table) {
          drop(key);
          return null;
        }
        if (stamp === null) return held(table, 'unstamped');
        return keep(key, stamp, table);
      },
      () => {
        // Unreadable (permissions, a disk error): an error value for the window, not INTERNAL.
        throw new AppErrorException(appError('PLAN_UNREADABLE', 'The last dry run could not be read from the data directory.', 'Check that the data directory is readable, then run a new dry run.'));
      },
    );
    loading.set(loadKey, pending);
    void pending.finally(() => loading.delete(loadKey)).catch(() => undefined);
  }
  return pending;
}

/** Keeps the plan a run has just saved, so the viewer's first request after it parses nothing. */
export async function handOver(dataDir: string, id: string, plan: Plan): Promise<void> {
  const stamp = await stampOf(dataDir, id);
  if (stamp !== null) keep(keyOf(dataDir, id), stamp, tableOfPlan(plan));
}

/** Follows the runs of this process (once per run manager): each finished run's plan is handed over. */
export function followRuns(runs: RunManager, dataDir: string): void {
  if (followed.has(runs)) return;
  followed.add(runs);
  runs.onFinished((status, outcome) => {
    const key = keyOf(dataDir, status.integrationId);
    const plan = outcome?.plan ?? null;
    const done = (plan ? handOver(dataDir, status.integrationId, plan) : Promise.resolve())
      .catch(() => undefined)
      .finally(() => {
        if (handing.get(key) === done) handing.delete(key);
      });
    handing.set(key, done);
  });
}

/** Forgets every kept plan (tests). */
export function forgetPlans(): void {
  for (const key of [...entries.keys()]) drop(key);
}
