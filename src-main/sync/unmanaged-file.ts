/**
 * The list of LMS accounts no integration manages (core/unmanaged.ts), written beside the plan of
 * the run that found them (saveAll): the dry run shows only their count, and the app's export and
 * `rollcall unmanaged` read the list from here without reading the LMS again. It names its plan
 * (creation time and file key), so a list left by an earlier run is never shown as the current
 * one. A cache like the plan: a missing or damaged file means "run a dry run", never a wrong list.
 */
import { promises as fs } from 'node:fs';
import type { UnmanagedAccount } from '../core/unmanaged';
import { readTextIfExists, writeFileAtomic } from '../store/atomic-file';
import { cacheFile, jsonPieces, keyAtHead, PLAN_CACHE_VERSION } from './cache-files';

const UNMANAGED_FILE_VERSION = 1;

/** The plan a list was found with: its createdAt, and the key at the head of its file. */
export interface PlanStamp {
  createdAt: string;
  key: string;
  /** The plan's basis (core/plan-basis.ts): linking from the list only while settings and links still match it. */
  basis?: string;
}

export interface UnmanagedList {
  plan: PlanStamp;
  accounts: UnmanagedAccount[];
}

/** Writes the list found with this plan; null (the LMS read was incomplete) removes an older list. */
export async function writeUnmanaged(dataDir: string, id: string, plan: PlanStamp, accounts: UnmanagedAccount[] | null): Promise<void> {
  const file = cacheFile(dataDir, id, 'unmanaged');
  if (accounts === null) {
    await fs.rm(file, { force: true });
    return;
  }
  await writeFileAtomic(file, jsonPieces({ version: UNMANAGED_FILE_VERSION, data: { plan, accounts } }, 'accounts'), { durable: false });
}

/**
 * The list found with the plan made at `planCreatedAt`, or, with 'current', with the plan file
 * there is now; null when there is none for it.
 */
export async function readUnmanaged(dataDir: string, id: string, planCreatedAt: string | 'current'): Promise<UnmanagedList | null> {
  const text = await readTextIfExists(cacheFile(dataDir, id, 'unmanaged'));
  if (text === null) return null;
  let list: UnmanagedList;
  try {
    const parsed = JSON.parse(text) as { version?: unknown; data?: Partial<UnmanagedList> };
    const data = parsed.data;
    if (parsed.version !== UNMANAGED_FILE_VERSION || !data || typeof data.plan?.createdAt !== 'string' || typeof data.plan.key !== 'string' || !Array.isArray(data.accounts)) return null;
    list = { plan: { createdAt: data.plan.createdAt, key: data.plan.key, ...(typeof data.plan.basis === 'string' ? { basis: data.plan.basis } : {}) }, accounts: data.accounts };
  } catch {
    return null;
  }
  if (planCreatedAt !== 'current') return list.plan.createdAt === planCreatedAt ? list : null;
  return (await keyAtHead(cacheFile(dataDir, id, 'plan'), PLAN_CACHE_VERSION)) === list.plan.key ? list : null;
}
