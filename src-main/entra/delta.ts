/**
 * Change tracking with /users/delta. A full read first asks for `$deltatoken=latest` (a link for
 * "now", no data), then lists /users; anything that changes during the list shows up again in
 * the next delta, so nothing is lost. A delta round only names what changed; the changed users
 * are then re-read in full (15 ids per `$filter=id in (…)`) so upserts are complete objects with
 * their manager, whatever properties delta chose to include.
 */
import { fail, ok, type AppError, type Result } from '../core/errors';
import type { SourceUser } from '../core/model';
import { deltaExpired } from './errors';
import type { GraphClient, GraphErrorInfo } from './graph-client';
import { MANAGER_EXPAND, toSourceUser, userSelect } from './users';

/** Graph keeps delta state for about 7 days; an older link is treated as expired without asking. */
export const DELTA_LINK_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;

export function isDeltaLinkExpired(savedAt: Date | string, now: Date): boolean {
  const t = typeof savedAt === 'string' ? Date.parse(savedAt) : savedAt.getTime();
  if (Number.isNaN(t)) return true;
  return now.getTime() - t >= DELTA_LINK_MAX_AGE_MS;
}

const EXPIRED_CODES = new Set(['syncstatenotfound', 'resyncrequired', 'syncstateinvalid']);

export function deltaErrorFor(info: GraphErrorInfo): AppError | null {
  if (info.status === 410 || (info.code !== null && EXPIRED_CODES.has(info.code.toLowerCase()))) {
    return deltaExpired(info.code ?? `HTTP ${info.status}`);
  }
  return null;
}

/** Delta tracks only the properties it was asked for; the manager reference is one of them. */
export function deltaSelect(extraAttributes: readonly string[], lifecycleReadable: boolean): string {
  return `${userSelect(extraAttributes, lifecycleReadable)},manager`;
}

export async function latestDeltaLink(client: GraphClient, select: string, signal?: AbortSignal): Promise<Result<string | null>> {
  const res = await client.pages(`/users/delta?$select=${encodeURIComponent(select)}&$deltatoken=latest`, () => undefined, signal ? { signal } : {});
  if (!res.ok) return res;
  return ok(res.value.deltaLink);
}

export interface DeltaChanges {
  changedIds: string[];
  removedIds: string[];
  deltaLink: string;
}

export async function readDeltaChanges(client: GraphClient, deltaLink: string, signal?: AbortSignal): Promise<Result<DeltaChanges>> {
  let origin: string;
  try {
    origin = new URL(deltaLink).origin;
  } catch {
    return fail(deltaExpired('the saved link is not a URL'));
  }
  if (origin !== new URL(client.endpoint).origin) return fail(deltaExpired('the saved link belongs to another cloud'));
  // Last word wins: a user removed and restored in one window is a change, not a removal.
  const state = new Map<string, 'changed' | 'removed'>();
  const res = await client.pages(
    deltaLink,
    (items) => {
      for (const item of items) {
        const u = item as Record<string, unknown>;
        if (typeof u.id !== 'string') continue;
        state.delete(u.id);
        state.set(u.id, u['@removed'] !== undefined ? 'removed' : 'changed');
      }
    },
    { ...(signal ? { signal } : {}), onError: deltaErrorFor },
  );
  if (!res.ok) return res;
  if (!res.value.deltaLink) return fail(deltaExpired('Graph did not return a new link'));
  const changedIds: string[] = [];
  const removedIds: string[] = [];
  for (const [id, s] of state) (s === 'changed' ? changedIds : removedIds).push(id);
  return ok({ changedIds, removedIds, deltaLink: res.value.deltaLink });
}

/** Graph allows up to 15 values in an `in` filter. */
export const IDS_PER_FILTER = 15;

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Re-read users by id in full. Ids Graph no longer returns are gone (deleted meanwhile). */
export async function readUsersById(
  client: GraphClient,
  ids: readonly string[],
  extraAttributes: readonly string[],
  lifecycleReadable: boolean,
  onError: (info: GraphErrorInfo) => AppError | null,
  signal?: AbortSignal,
): Promise<Result<{ users: SourceUser[]; missingIds: string[] }>> {
  const select = encodeURIComponent(userSelect(extraAttributes, lifecycleReadable));
  const batches = await client.pool(
    chunk(ids, IDS_PER_FILTER),
    async (batch) => {
      const filter = encodeURIComponent(`id in (${batch.map((id) => `'${id.replace(/'/g, "''")}'`).join(',')})`);
      const found: SourceUser[] = [];
      const res = await client.pages(
        `/users?$filter=${filter}&$select=${select}&$expand=${encodeURIComponent(MANAGER_EXPAND)}&$top=999`,
        (items) => {
          for (const raw of items) {
            const u = toSourceUser(raw, extraAttributes);
            if (u) found.push(u);
          }
        },
        { ...(signal ? { signal } : {}), onError },
      );
      return res.ok ? ok(found) : res;
    },
    signal,
  );
  if (!batches.ok) return batches;
  const users = batches.value.flat();
  const seen = new Set(users.map((u) => u.id));
  return ok({ users, missingIds: ids.filter((id) => !seen.has(id)) });
}
