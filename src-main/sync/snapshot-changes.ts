/**
 * A cached snapshot as two files: the base (`<id>.source.json`, every person) and, after runs
 * that read by changes (an Entra delta, the LMS accounts modified since), a changes file
 * (`<id>.source-changes.json`) with only the people changed or gone since the base was written.
 * At 100,000 people the base is ~60 MB and takes over a second to write; a scheduled run that
 * saw a few hundred changes writes those (and the run's header: read time, groups or LMS
 * lists) instead of the whole tenant again, every time.
 *
 * Every save has an id (the base's key, plus the changes file's own id), which the run stores
 * beside the delta link: a run builds on the cache only when it is the one the last run saved.
 * So a changes file that is lost (a power cut: caches are not flushed) or deleted by hand means
 * a full read, never changes applied to an older copy. Writing a new base removes the changes
 * file; one left naming an older base (a crash in between) is ignored.
 */
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type { SourceSnapshot, TargetSnapshot } from '../core/model';
import { readTextIfExists, writeFileAtomic } from '../store/atomic-file';
import { cacheFile, jsonPieces, keyAtHead, SNAPSHOT_CACHE_VERSION } from './cache-files';

export type SnapshotKind = 'source' | 'target';
type Snapshot = SourceSnapshot | TargetSnapshot;

/** A snapshot as read back, with the id of the save it came from. */
export interface SavedSnapshot<S> {
  snapshot: S;
  id: string;
}

/** Once this share of the people are in the changes file, the next save writes the base again. */
export const REWRITE_BASE_SHARE = 0.1;

interface ChangesFile {
  /** This save's id (the snapshot's id is `<base key>+<this>`). */
  id: string;
  /** The key of the base file these changes apply to. */
  base: string;
  /** Everything but the people: read time, completeness, groups or LMS lists, as of this run. */
  header: Record<string, unknown>;
  /**
   * Ids of people in the base who were gone at some point since. Someone who came back is in
   * `users` too, and goes where the runs put them: at the end, not back in the base's place.
   */
  removed: string[];
  /** People changed, added or back since the base, as they are now, in the snapshot's order. */
  users: Array<{ id: string }>;
}

const changesFileOf = (what: SnapshotKind) => (what === 'source' ? 'source-changes' : 'target-changes');

const isChangesFile = (v: unknown): v is ChangesFile => {
  const c = v as Partial<ChangesFile> | null;
  return typeof c === 'object' && c !== null && typeof c.id === 'string' && typeof c.base === 'string' && typeof c.header === 'object' && c.header !== null && Array.isArray(c.removed) && Array.isArray(c.users);
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
 * The snapshot as saved: the base with its changes applied, as the runs merged them (one entry
 * per id, changed people in place, new and returning ones at the end). Null when the base has
 * no key or its changes cannot be read.
 */
export async function withChanges<S extends Snapshot>(dataDir: string, id: string, what: SnapshotKind, base: S, baseKey: string | null): Promise<SavedSnapshot<S> | null> {
  if (baseKey === null) return null;
  const changes = await readChangesFile(dataDir, id, what);
  if (changes === null) return null;
  // None, or left over from before the base was last written (a crash in between): in it already.
  if (changes === 'none' || changes.base !== baseKey) return { snapshot: base, id: baseKey };
  const removed = new Set(changes.removed);
  // As a Map of the base would have it (the runs merged into one): first place, last value.
  const kept = new Map<string, { id: string }>();
  for (const u of base.users) if (!removed.has(u.id)) kept.set(u.id, u);
  for (const u of changes.users) kept.set(u.id, u);
  return { snapshot: { ...base, ...changes.header, users: [...kept.values()] } as S, id: `${baseKey}+${changes.id}` };
}

/** What a changes read built on: the save it read (its id) and the people it found changed or gone. */
export interface BuiltOn {
  /** The id of the cached save the changes were merged into. */
  save: string;
  changedIds: readonly string[];
}

/**
 * Saves a snapshot and returns the save's id. After a changes read, only the changes are
 * written, and only while the files still hold the save the run built on (a changes file
 * deleted or put back meanwhile would otherwise get this run's changes on top of the wrong
 * copy); otherwise, and after a full read (`builtOn` null), the base is written.
 */
export async function saveSnapshot(dataDir: string, id: string, what: SnapshotKind, snapshot: Snapshot, builtOn: BuiltOn | null): Promise<string> {
  const saved = builtOn === null ? null : await saveChanges(dataDir, id, what, snapshot, builtOn);
  if (saved !== null) return saved;
  const key = randomUUID();
  // A cache: a torn or missing file is ignored and the next run reads in full, so no fsync.
  await writeFileAtomic(cacheFile(dataDir, id, what), jsonPieces({ version: SNAPSHOT_CACHE_VERSION, key, data: snapshot }, 'users'), { durable: false });
  // Left behind, it names the old key and is ignored: a refused delete must not fail the run.
  await fs.rm(cacheFile(dataDir, id, changesFileOf(what)), { force: true }).catch(() => undefined);
  return key;
}

/** Writes the changes since the base; null when the base must be written instead. */
async function saveChanges(dataDir: string, id: string, what: SnapshotKind, snapshot: Snapshot, builtOn: BuiltOn): Promise<string | null> {
  const baseKey = await keyAtHead(cacheFile(dataDir, id, what), SNAPSHOT_CACHE_VERSION);
  if (baseKey === null) return null;
  const earlier = await readChangesFile(dataDir, id, what);
  if (earlier === null) return null;
  const before = earlier !== 'none' && earlier.base === baseKey ? earlier : null;
  // The files are no longer the save this run merged into: its changes alone would not add up.
  if ((before ? `${baseKey}+${before.id}` : baseKey) !== builtOn.save) return null;
  const ids = new Set<string>(builtOn.changedIds);
  for (const u of before?.users ?? []) ids.add(u.id);
  for (const gone of before?.removed ?? []) ids.add(gone);
  if (ids.size > REWRITE_BASE_SHARE * snapshot.users.length) return null;
  const users: Array<{ id: string }> = [];
  const present = new Set<string>();
  for (const u of snapshot.users) {
    if (!ids.has(u.id)) continue;
    users.push(u);
    present.add(u.id);
  }
  // Gone now, or gone once and back: either way the base's copy is not where they are.
  const removed = new Set(before?.removed ?? []);
  for (const x of ids) if (!present.has(x)) removed.add(x);
  const { users: _all, ...header } = snapshot;
  const data: ChangesFile = { id: randomUUID(), base: baseKey, header, removed: [...removed], users };
  await writeFileAtomic(cacheFile(dataDir, id, changesFileOf(what)), jsonPieces({ version: SNAPSHOT_CACHE_VERSION, data }, 'users'), { durable: false });
  return `${baseKey}+${data.id}`;
}
