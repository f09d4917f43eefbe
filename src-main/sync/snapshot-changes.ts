/**
 * A cached snapshot as two files: the base (`<id>.source.json`, every person) and, after runs
 * that read by changes (an Entra delta, the LMS accounts modified since), a changes file
 * (`<id>.source-changes.json`) with only the people changed since the base was written. At
 * 100,000 people the base is ~60 MB and takes over a second to write; a scheduled run that saw
 * a few hundred changes writes those instead of the whole tenant again, every time.
 *
 * The changes file names the base it applies to by the key at the base's head. Writing a new
 * base removes the changes file; a crash in between leaves one naming the old key, which is
 * ignored. A changes file that names the current base but cannot be read makes the whole cache
 * unusable (the next run reads in full): the base alone would be older than the delta link.
 */
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type { SourceSnapshot, TargetSnapshot } from '../core/model';
import { readTextIfExists, writeFileAtomic } from '../store/atomic-file';
import { cacheFile, jsonPieces, keyAtHead, SNAPSHOT_CACHE_VERSION } from './cache-files';

export type SnapshotKind = 'source' | 'target';
type Snapshot = SourceSnapshot | TargetSnapshot;

/** Once this share of the people are in the changes file, the next save writes the base again. */
export const REWRITE_BASE_SHARE = 0.1;

interface ChangesFile {
  /** The key of the base file these changes apply to. */
  base: string;
  /** Everything but the people: read time, completeness, groups or LMS lists, as of this run. */
  header: Record<string, unknown>;
  /** Ids of people in the base who are gone. */
  removed: string[];
  /** People changed or added since the base, as they are now. */
  users: Array<{ id: string }>;
}

const changesFileOf = (what: SnapshotKind) => (what === 'source' ? 'source-changes' : 'target-changes');

const isChangesFile = (v: unknown): v is ChangesFile => {
  const c = v as Partial<ChangesFile> | null;
  return typeof c === 'object' && c !== null && typeof c.base === 'string' && typeof c.header === 'object' && c.header !== null && Array.isArray(c.removed) && Array.isArray(c.users);
};

/** The changes file: 'none' when there is none, null when it exists but cannot be used. */
async function readChangesFile(dataDir: string, id: string, what: SnapshotKind): Promise<ChangesFile | 'none' | null> {
  const text = await readTextIfExists(cacheFile(dataDir, id, changesFileOf(what)));
  if (text === null) return 'none';
  try {
    const parsed = JSON.parse(text) as { version?: unknown; data?: unknown };
    return parsed.version === SNAPSHOT_CACHE_VERSION && isChangesFile(parsed.data) ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * The snapshot as saved: the base with its changes applied (people changed in place, new ones
 * at the end, as the runs merged them). Null when the changes cannot be read.
 */
export async function withChanges<S extends Snapshot>(dataDir: string, id: string, what: SnapshotKind, base: S, baseKey: string | null): Promise<S | null> {
  const changes = await readChangesFile(dataDir, id, what);
  if (changes === 'none') return base;
  if (changes === null) return null;
  // Left over from before the base was last written (a crash in between): already in it.
  if (changes.base !== baseKey) return base;
  const now = new Map(changes.users.map((u) => [u.id, u]));
  const removed = new Set(changes.removed);
  const users: Array<{ id: string }> = [];
  const seen = new Set<string>();
  for (const u of base.users) {
    if (removed.has(u.id)) continue;
    users.push(now.get(u.id) ?? u);
    seen.add(u.id);
  }
  for (const u of changes.users) if (!seen.has(u.id)) users.push(u);
  return { ...base, ...changes.header, users } as S;
}

/**
 * Saves a snapshot. `changedIds` are the people a changes read found changed or gone since the
 * snapshot it built on (which is what the files hold: runs hold the integration's lock); null
 * after a full read, which writes the base.
 */
export async function saveSnapshot(dataDir: string, id: string, what: SnapshotKind, snapshot: Snapshot, changedIds: readonly string[] | null): Promise<void> {
  if (changedIds !== null && (await saveChanges(dataDir, id, what, snapshot, changedIds))) return;
  const key = randomUUID();
  // A cache: a torn or missing file is ignored and the next run reads in full, so no fsync.
  await writeFileAtomic(cacheFile(dataDir, id, what), jsonPieces({ version: SNAPSHOT_CACHE_VERSION, key, data: snapshot }, 'users'), { durable: false });
  await fs.rm(cacheFile(dataDir, id, changesFileOf(what)), { force: true });
}

/** Writes the changes since the base; false when the base must be written instead. */
async function saveChanges(dataDir: string, id: string, what: SnapshotKind, snapshot: Snapshot, changedIds: readonly string[]): Promise<boolean> {
  const baseKey = await keyAtHead(cacheFile(dataDir, id, what));
  if (baseKey === null) return false;
  const earlier = await readChangesFile(dataDir, id, what);
  if (earlier === null) return false;
  const ids = new Set(earlier !== 'none' && earlier.base === baseKey ? [...earlier.removed, ...earlier.users.map((u) => u.id)] : []);
  for (const changed of changedIds) ids.add(changed);
  if (ids.size > REWRITE_BASE_SHARE * snapshot.users.length) return false;
  const users: Array<{ id: string }> = [];
  const present = new Set<string>();
  for (const u of snapshot.users) {
    if (!ids.has(u.id)) continue;
    users.push(u);
    present.add(u.id);
  }
  const removed = [...ids].filter((x) => !present.has(x));
  const { users: _all, ...header } = snapshot;
  const data: ChangesFile = { base: baseKey, header, removed, users };
  await writeFileAtomic(cacheFile(dataDir, id, changesFileOf(what)), jsonPieces({ version: SNAPSHOT_CACHE_VERSION, data }, 'users'), { durable: false });
  return true;
}
