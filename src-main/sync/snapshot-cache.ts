/**
 * The last snapshots read for an integration, kept in the data directory (owner-only): the
 * source snapshot is what delta reads are merged into, and both let diagnose() answer in
 * under a second without reading Entra and the LMS again.
 */
import { promises as fs } from 'node:fs';
import type { Plan, SourceSnapshot, TargetSnapshot } from '../core/model';
import type { PlanMemo } from '../core/plan';
import type { UnmanagedAccount } from '../core/unmanaged';
import { readTextIfExists } from '../store/atomic-file';
import { cacheFile, PLAN_CACHE_VERSION, SNAPSHOT_CACHE_VERSION } from './cache-files';
import { writePlan } from './plan-file';
import { writeUnmanaged } from './unmanaged-file';
import { saveSnapshot, withChanges, type BuiltOn, type SavedSnapshot, type SnapshotKind } from './snapshot-changes';

export { cacheFile, jsonPieces } from './cache-files';

export interface CachedSnapshots {
  source: SourceSnapshot | null;
  target: TargetSnapshot | null;
  plan: Plan | null;
}


async function readJson<T>(file: string, version: number): Promise<{ data: T; key: string | null } | null> {
  const text = await readTextIfExists(file);
  if (text === null) return null;
  try {
    const parsed = JSON.parse(text) as { version?: number; key?: unknown; data?: T };
    // A cache from another version, or a damaged one, is simply not used: the next run reads in full.
    return parsed.version === version && parsed.data ? { data: parsed.data, key: typeof parsed.key === 'string' ? parsed.key : null } : null;
  } catch {
    return null;
  }
}

/** A cached snapshot with the id of the save it came from (snapshot-changes.ts). */
export async function loadSnapshot(dataDir: string, integrationId: string, what: 'source'): Promise<SavedSnapshot<SourceSnapshot> | null>;
export async function loadSnapshot(dataDir: string, integrationId: string, what: 'target'): Promise<SavedSnapshot<TargetSnapshot> | null>;
export async function loadSnapshot(dataDir: string, integrationId: string, what: SnapshotKind): Promise<SavedSnapshot<SourceSnapshot | TargetSnapshot> | null>;
export async function loadSnapshot(dataDir: string, integrationId: string, what: SnapshotKind): Promise<SavedSnapshot<SourceSnapshot | TargetSnapshot> | null> {
  const file = await readJson<SourceSnapshot | TargetSnapshot>(cacheFile(dataDir, integrationId, what), SNAPSHOT_CACHE_VERSION);
  return file === null ? null : withChanges(dataDir, integrationId, what, file.data, file.key);
}

export async function loadCached(dataDir: string, integrationId: string, what: 'source'): Promise<SourceSnapshot | null>;
export async function loadCached(dataDir: string, integrationId: string, what: 'target'): Promise<TargetSnapshot | null>;
export async function loadCached(dataDir: string, integrationId: string, what: 'plan'): Promise<Plan | null>;
export async function loadCached(dataDir: string, integrationId: string, what: 'source' | 'target' | 'plan'): Promise<unknown> {
  if (what !== 'plan') return (await loadSnapshot(dataDir, integrationId, what))?.snapshot ?? null;
  const file = await readJson<Record<string, unknown>>(cacheFile(dataDir, integrationId, 'plan'), PLAN_CACHE_VERSION);
  if (file === null) return null;
  file.data.targetReadMode ??= 'full';
  return file.data;
}

/** Per side, the save a changes read built on and the people it found changed (null: read in full). */
export interface ChangedPeople {
  source: BuiltOn | null;
  target: BuiltOn | null;
}

/** The ids of the snapshots a run saved; the run stores them beside its delta link. */
export interface SnapshotIds {
  source: string;
  target: string;
}

/** Saves a snapshot (returning the save's id: see snapshot-changes.ts) or a plan. */
export async function saveCached(dataDir: string, integrationId: string, what: 'source', data: SourceSnapshot, builtOn?: BuiltOn | null): Promise<string>;
export async function saveCached(dataDir: string, integrationId: string, what: 'target', data: TargetSnapshot, builtOn?: BuiltOn | null): Promise<string>;
export async function saveCached(dataDir: string, integrationId: string, what: 'plan', data: Plan): Promise<string>;
export async function saveCached(dataDir: string, integrationId: string, what: 'source' | 'target' | 'plan', data: SourceSnapshot | TargetSnapshot | Plan, builtOn: BuiltOn | null = null): Promise<string> {
  if (what === 'plan') return writePlan(dataDir, integrationId, data as Plan);
  return saveSnapshot(dataDir, integrationId, what, data as SourceSnapshot | TargetSnapshot, builtOn);
}

/** Applies a delta read to the cached full snapshot: upserts by id, removes the removed. */
export function mergeDelta(
  cached: SourceSnapshot,
  delta: { upserted: SourceSnapshot['users']; removedIds: string[] },
  groups: SourceSnapshot['groups'],
  readAt: string,
): SourceSnapshot {
  const byId = new Map(cached.users.map((u) => [u.id, u]));
  for (const id of delta.removedIds) byId.delete(id);
  for (const u of delta.upserted) byId.set(u.id, u);
  return { readAt, complete: cached.complete, incompleteReason: cached.incompleteReason, readMode: 'delta', users: [...byId.values()], groups, ...(cached.lastDayUnread ? { lastDayUnread: true } : {}) };
}

// ---------------------------------------------------------------------------------------------
// Parsed copies in memory. At 100k users parsing the files takes seconds (the plan alone is
// ~110 MB) and an admin troubleshooting asks about several people in a row, so the parsed cache
// is kept for a few minutes; a run in this process hands over what it has just written, so the
// first diagnosis after it needs no parsing at all. A changed file (a run in another process) is
// noticed by its size and time, so a kept copy is never stale.
// ---------------------------------------------------------------------------------------------

export interface ParsedCache {
  source: SourceSnapshot;
  target: TargetSnapshot;
  plan: Plan | null;
}

const KEEP_PARSED_MS = 5 * 60_000;
/** `memo`: the working state behind the plan, when a run in this process made it (replan.ts). */
const parsed = new Map<string, { stamp: string; cache: ParsedCache; ids: SnapshotIds; memo: PlanMemo | null; timer: ReturnType<typeof setTimeout> }>();
const keyOf = (dataDir: string, id: string): string => `${dataDir}\u0000${id}`;

async function cacheStamp(dataDir: string, id: string): Promise<string> {
  const stats = await Promise.all((['source', 'source-changes', 'target', 'target-changes', 'plan'] as const).map((what) => fs.stat(cacheFile(dataDir, id, what)).then((s) => `${s.size}:${s.mtimeMs}`, () => '-')));
  return stats.join('|');
}

function keep(key: string, stamp: string, cache: ParsedCache, ids: SnapshotIds, memo: PlanMemo | null = null): void {
  // One tenant in memory at a time.
  for (const [k, v] of parsed) {
    clearTimeout(v.timer);
    parsed.delete(k);
  }
  const timer = setTimeout(() => parsed.delete(key), KEEP_PARSED_MS);
  timer.unref?.();
  parsed.set(key, { stamp, cache, ids, memo, timer });
}

/** The last snapshots and plan of an integration, parsed (kept in memory for a few minutes). */
export async function readParsedCache(dataDir: string, id: string): Promise<ParsedCache | null> {
  const key = keyOf(dataDir, id);
  const stamp = await cacheStamp(dataDir, id);
  const kept = parsed.get(key);
  if (kept && kept.stamp === stamp) return kept.cache;
  const [source, target, plan] = await Promise.all([loadSnapshot(dataDir, id, 'source'), loadSnapshot(dataDir, id, 'target'), loadCached(dataDir, id, 'plan')]);
  if (!source || !target) return null;
  const cache = { source: source.snapshot, target: target.snapshot, plan };
  keep(key, stamp, cache, { source: source.id, target: target.id });
  return cache;
}

/**
 * A cached snapshot for a run to build on: the copy kept in memory when the files on disk are
 * still the ones it came from (a dry run, then the apply after review: no second parse of 100k
 * people), else parsed from the file. Runs never change a snapshot in place, so sharing is safe.
 */
export async function loadCachedForRun(dataDir: string, id: string, what: 'source'): Promise<SavedSnapshot<SourceSnapshot> | null>;
export async function loadCachedForRun(dataDir: string, id: string, what: 'target'): Promise<SavedSnapshot<TargetSnapshot> | null>;
export async function loadCachedForRun(dataDir: string, id: string, what: SnapshotKind): Promise<SavedSnapshot<SourceSnapshot | TargetSnapshot> | null> {
  const kept = parsed.get(keyOf(dataDir, id));
  if (kept && kept.stamp === (await cacheStamp(dataDir, id))) return { snapshot: kept.cache[what], id: kept.ids[what] };
  return loadSnapshot(dataDir, id, what);
}

/**
 * Lets go of the kept copy of an integration's last run: a run that reads both sides in full
 * builds on nothing in it, and at 100k people holding it beside the new snapshots and plan costs
 * hundreds of MB and slows the reads and the plan by garbage collection. A diagnosis meanwhile
 * parses the files, which are still the last run's.
 */
export function forgetParsed(dataDir: string, id: string): void {
  const key = keyOf(dataDir, id);
  const kept = parsed.get(key);
  if (!kept) return;
  clearTimeout(kept.timer);
  parsed.delete(key);
}

/**
 * The memo of the plan kept in memory, for a run that read both sides by their changes on top of
 * exactly the kept snapshots (so its unchanged people are the very objects the memo planned), or
 * why there is none. Lets go of the kept copy either way, as forgetParsed() does: the caller
 * plans next.
 */
export async function takePlanMemo(dataDir: string, id: string, changed: ChangedPeople): Promise<{ memo: PlanMemo } | { memo: null; why: string }> {
  const kept = parsed.get(keyOf(dataDir, id));
  const why =
    changed.source === null
      ? 'Entra was read in full'
      : changed.target === null
        ? 'the LMS was read in full'
        : !kept?.memo
          ? 'no earlier plan in memory'
          : changed.source.save !== kept.ids.source || changed.target.save !== kept.ids.target || kept.stamp !== (await cacheStamp(dataDir, id))
            ? "the reads did not build on the last plan's snapshots"
            : null;
  forgetParsed(dataDir, id);
  return why === null && kept?.memo ? { memo: kept.memo } : { memo: null, why: why ?? 'no earlier plan in memory' };
}

/**
 * Writes the snapshots (only their changes after a changes read) and the plan, and keeps the
 * parsed objects (and the plan's memo, for the next run's replan) for the next diagnosis.
 * Returns the snapshots' save ids for the run to store.
 */
export async function saveAll(
  dataDir: string,
  id: string,
  cache: ParsedCache & { plan: Plan; unmanaged?: UnmanagedAccount[] | null },
  changed: ChangedPeople = { source: null, target: null },
  memo: PlanMemo | null = null,
): Promise<SnapshotIds> {
  const ids = { source: await saveCached(dataDir, id, 'source', cache.source, changed.source), target: await saveCached(dataDir, id, 'target', cache.target, changed.target) };
  const planKey = await saveCached(dataDir, id, 'plan', cache.plan);
  // The list of unmanaged accounts names the plan it was found with (rollcall unmanaged checks it).
  if (cache.unmanaged !== undefined) await writeUnmanaged(dataDir, id, { createdAt: cache.plan.createdAt, key: planKey, ...(cache.plan.basis !== undefined ? { basis: cache.plan.basis } : {}) }, cache.unmanaged);
  keep(keyOf(dataDir, id), await cacheStamp(dataDir, id), cache, ids, memo);
  return ids;
}
