/**
 * Adopting a dry run's unmanaged accounts (core/adopt.ts): each account that belongs to someone in
 * Entra whom this integration does not sync is linked to that person, so the next dry run treats it
 * as the integration's own. Nothing is written to the LMS here: the next dry run shows what follows
 * (deactivations when "Deactivate users" is on, guarded by the threshold), and an apply does it.
 *
 * Under the run lock: a run of this integration (here or in another process) writes the link table
 * too, and judges accounts by it.
 */
import { adoptionOf, type Adoption, type AdoptResult, type LinkedNow } from '../core/adopt';
import { appError, fail, ok, type Result } from '../core/errors';
import type { Link } from '../core/model';
import { findIntegration, integrationNotFound } from '../store/integrations';
import { acquireRunLock } from '../store/run-lock';
import type { Store } from '../store/store';
import { readUnmanaged, type UnmanagedList } from './unmanaged-file';

/** The LMS accounts every integration links, and the people this one links, from these files. */
function linkedIn(ours: readonly Link[], others: readonly Link[]): LinkedNow {
  const targetIds = new Set<string>();
  for (const l of ours) targetIds.add(l.targetId);
  for (const l of others) targetIds.add(l.targetId);
  return { targetIds, sourceIds: new Set(ours.map((l) => l.sourceId)) };
}

/** What adopting the list would link now, without linking anything: the CLI's question. */
export async function previewAdoption(store: Store, id: string, list: UnmanagedList): Promise<Adoption> {
  const skipList = findIntegration(store, id)?.config.scope.skipList ?? [];
  return adoptionOf(list.accounts, linkedIn((await store.links(id)).data.links, await store.otherIntegrationsLinks(id)), skipList);
}

const EXAMPLES = 5;

/** Links the adoptable accounts of the unmanaged list found by the dry run made at `planCreatedAt`. */
export async function adoptUnmanaged(store: Store, id: string, planCreatedAt: string, now: Date): Promise<Result<AdoptResult>> {
  if (!findIntegration(store, id)) return fail(integrationNotFound(id));
  const list = await readUnmanaged(store.dataDir, id, planCreatedAt);
  if (!list) {
    return fail(appError('UNMANAGED_NOT_FOUND', 'This dry run has no list of the LMS accounts no integration manages (its LMS read was incomplete, or a newer dry run replaced it).', 'Run a dry run again, then link the accounts from its list.'));
  }
  const lock = await acquireRunLock(store.dataDir, id, 'link unmanaged accounts');
  if (!lock.ok) return fail({ ...lock.error, message: `Nothing was linked: ${lock.error.message.charAt(0).toLowerCase()}${lock.error.message.slice(1)}` });
  try {
    // The skip list as it is now: someone put on it since the dry run is left alone.
    const skipList = findIntegration(store, id)?.config.scope.skipList ?? [];
    const others = await store.otherIntegrationsLinks(id);
    const links = await store.links(id);
    // Judged again inside the update, against the file as it is on disk then.
    const adoption = await links.update((file) => {
      const found = adoptionOf(list.accounts, linkedIn(file.links, others), skipList);
      const linkedAt = now.toISOString();
      // 'relinked': an administrator chose the link (a new origin would be unreadable to an older release).
      for (const a of found.links) file.links.push({ integrationId: id, sourceId: a.sourceId, targetId: a.targetId, origin: 'relinked', linkedAt, emailAtLink: null } satisfies Link);
      return found;
    });
    return ok({
      linked: adoption.links.length,
      active: adoption.links.filter((l) => l.active).length,
      examples: adoption.links.slice(0, EXAMPLES).map((l) => ({ userName: l.userName, entraUser: l.entraUser })),
      notAdopted: adoption.notAdopted,
    });
  } finally {
    await lock.value.release();
  }
}
