/**
 * The last snapshots read for an integration, kept in the data directory (owner-only): the
 * source snapshot is what delta reads are merged into, and both let diagnose() answer in
 * under a second without reading Entra and the LMS again.
 */
import path from 'node:path';
import type { Plan, SourceSnapshot, TargetSnapshot } from '../core/model';
import { readTextIfExists, writeFileAtomic } from '../store/atomic-file';

export interface CachedSnapshots {
  source: SourceSnapshot | null;
  target: TargetSnapshot | null;
  plan: Plan | null;
}

const SNAPSHOT_CACHE_VERSION = 1;

function fileFor(dataDir: string, integrationId: string, what: 'source' | 'target' | 'plan'): string {
  return path.join(dataDir, 'integrations', `${integrationId}.${what}.json`);
}

async function readJson<T>(file: string): Promise<T | null> {
  const text = await readTextIfExists(file);
  if (text === null) return null;
  try {
    const parsed = JSON.parse(text) as { version?: number; data?: T };
    // A cache from another version, or a damaged one, is simply not used: the next run reads in full.
    return parsed.version === SNAPSHOT_CACHE_VERSION && parsed.data ? parsed.data : null;
  } catch {
    return null;
  }
}

export async function loadCached(dataDir: string, integrationId: string, what: 'source'): Promise<SourceSnapshot | null>;
export async function loadCached(dataDir: string, integrationId: string, what: 'target'): Promise<TargetSnapshot | null>;
export async function loadCached(dataDir: string, integrationId: string, what: 'plan'): Promise<Plan | null>;
export async function loadCached(dataDir: string, integrationId: string, what: 'source' | 'target' | 'plan'): Promise<unknown> {
  return readJson(fileFor(dataDir, integrationId, what));
}

export async function saveCached(dataDir: string, integrationId: string, what: 'source' | 'target' | 'plan', data: SourceSnapshot | TargetSnapshot | Plan): Promise<void> {
  await writeFileAtomic(fileFor(dataDir, integrationId, what), JSON.stringify({ version: SNAPSHOT_CACHE_VERSION, data }));
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
  return { readAt, complete: cached.complete, incompleteReason: cached.incompleteReason, readMode: 'delta', users: [...byId.values()], groups };
}
