/**
 * Where an integration's caches live, and how a big one is written: in pieces, so a 100k-user
 * snapshot or plan never exists as one string in memory.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';

/**
 * The format of the snapshot files; a file of another version is ignored (the next run reads in
 * full). 2: a base file may have a changes file beside it (snapshot-changes.ts), which a build
 * that knows only version 1 would not apply, so it must not use the base either.
 */
export const SNAPSHOT_CACHE_VERSION = 2;
/** The format of the plan and plan-rows files. */
export const PLAN_CACHE_VERSION = 2; // 2: a conflict's candidate accounts list every link to them

export type CacheFileKind = 'source' | 'target' | 'source-changes' | 'target-changes' | 'plan' | 'plan-rows' | 'unmanaged';

/** Where an integration's cached snapshot or plan lives. */
export function cacheFile(dataDir: string, integrationId: string, what: CacheFileKind): string {
  return path.join(dataDir, 'integrations', `${integrationId}.${what}.json`);
}

export const ITEMS_PER_PIECE = 2_000;
const COMMA = Buffer.from(',');
const PLACEHOLDER = '\u0000rollcall-items\u0000';

/**
 * The bytes of JSON.stringify(value) in UTF-8, made in pieces: the one big list (users, ops) is
 * encoded a couple of thousand items at a time. At 100k users the plan alone is ~140 MB of
 * JSON; as one string (twice that in memory for non-Latin-1 text, plus its UTF-8 copy) it was
 * the peak of a run's memory. Each piece is encoded once and written as bytes: measuring its
 * UTF-8 length and then letting the write encode it again cost a quarter of writing the plan.
 * `onItems` learns where (in bytes) each piece's items lie, without brackets or the comma
 * joining them to the previous piece.
 */
export function* jsonPieces(value: { version: number; key?: string; data: object }, bigList: string, onItems?: (start: number, end: number) => void): Generator<Uint8Array> {
  const items = (value.data as Record<string, unknown>)[bigList];
  if (!Array.isArray(items)) {
    yield Buffer.from(JSON.stringify(value), 'utf8');
    return;
  }
  const frame = JSON.stringify({ ...value, data: { ...value.data, [bigList]: PLACEHOLDER } });
  const marker = JSON.stringify(PLACEHOLDER);
  const at = frame.indexOf(marker);
  let bytes = 0;
  const out = (chunk: Uint8Array): Uint8Array => {
    bytes += chunk.length;
    return chunk;
  };
  yield out(Buffer.from(`${frame.slice(0, at)}[`, 'utf8'));
  for (let i = 0; i < items.length; i += ITEMS_PER_PIECE) {
    // JSON.stringify of a slice gives "[a,b]"; its brackets (one byte each) are dropped to join the pieces.
    const piece = Buffer.from(JSON.stringify(items.slice(i, i + ITEMS_PER_PIECE)), 'utf8');
    if (i > 0) yield out(COMMA);
    const start = bytes;
    yield out(piece.subarray(1, piece.length - 1));
    onItems?.(start, bytes);
  }
  yield out(Buffer.from(`]${frame.slice(at + marker.length)}`, 'utf8'));
}

/**
 * The key at the head of a cache file written with one ({"version":1,"key":"…",…}), or null
 * (no file, another version, no key). Files that others name by key are checked with it
 * without parsing them.
 */
export async function keyAtHead(file: string, version: number): Promise<string | null> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch {
    return null;
  }
  try {
    const head = Buffer.alloc(160);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const m = /^\{"version":(\d+),"key":"([^"]+)"/.exec(head.subarray(0, bytesRead).toString('utf8'));
    return m && Number(m[1]) === version ? (m[2] ?? null) : null;
  } finally {
    await handle.close();
  }
}
