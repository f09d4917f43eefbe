/**
 * The list of LMS accounts no integration manages (core/unmanaged.ts), written beside the plan of
 * the dry run that found them: the dry run shows only their count, and the app's export and
 * `rollcall unmanaged` read the list from here without reading the LMS again. A cache like the
 * plan: a missing or damaged file means "run a dry run", never a wrong list.
 */
import { promises as fs } from 'node:fs';
import type { UnmanagedAccount } from '../core/unmanaged';
import { readTextIfExists, writeFileAtomic } from '../store/atomic-file';
import { cacheFile, jsonPieces } from './cache-files';

const UNMANAGED_FILE_VERSION = 1;

export interface UnmanagedList {
  /** createdAt of the plan this list was found with. */
  planCreatedAt: string;
  accounts: UnmanagedAccount[];
}

/** Writes the list for the plan made at `planCreatedAt`; null (the LMS read was incomplete) removes an older list. */
export async function writeUnmanaged(dataDir: string, id: string, planCreatedAt: string, accounts: UnmanagedAccount[] | null): Promise<void> {
  const file = cacheFile(dataDir, id, 'unmanaged');
  if (accounts === null) {
    await fs.rm(file, { force: true });
    return;
  }
  await writeFileAtomic(file, jsonPieces({ version: UNMANAGED_FILE_VERSION, data: { planCreatedAt, accounts } }, 'accounts'), { durable: false });
}

/** The list written with the plan made at `planCreatedAt` (null: the last one written), or null when there is none. */
export async function readUnmanaged(dataDir: string, id: string, planCreatedAt: string | null): Promise<UnmanagedList | null> {
  const text = await readTextIfExists(cacheFile(dataDir, id, 'unmanaged'));
  if (text === null) return null;
  try {
    const parsed = JSON.parse(text) as { version?: unknown; data?: Partial<UnmanagedList> };
    const data = parsed.data;
    if (parsed.version !== UNMANAGED_FILE_VERSION || !data || typeof data.planCreatedAt !== 'string' || !Array.isArray(data.accounts)) return null;
    if (planCreatedAt !== null && data.planCreatedAt !== planCreatedAt) return null;
    return { planCreatedAt: data.planCreatedAt, accounts: data.accounts };
  } catch {
    return null;
  }
}
