/**
 * Linking a dry run's unmanaged accounts to their people (core/adopt.ts): each account the dry run
 * found linkable (someone in Entra whom this integration does not sync, found by object id or by
 * their own address) is linked, so the next run treats it as the integration's own. Nothing is
 * written to the LMS here: the next dry run shows what follows, a sync does it.
 *
 * Only while the dry run still holds: the settings and link tables it was made from (its basis)
 * are the ones there are now, so its judgement (skip list, "Not theirs", who is synced) stands.
 * Under the run lock: a run of this integration (here or in another process) writes the link
 * table too, and judges accounts by it.
 */
import { adoptionOf, type Adoption, type AdoptResult, type LinkedNow } from '../core/adopt';
import { appError, fail, ok, type AppError, type Result } from '../core/errors';
import type { Link } from '../core/model';
import { planBasis } from '../core/plan-basis';
import { findIntegration, integrationNotFound } from '../store/integrations';
import { acquireRunLock } from '../store/run-lock';
import type { Store } from '../store/store';
import { readUnmanaged, type UnmanagedList } from './unmanaged-file';

/** The LMS accounts every integration links, and the people this one links. */
function linkedIn(ours: readonly Link[], others: readonly Link[]): LinkedNow {
  const targetIds = new Set<string>();
  for (const l of ours) targetIds.add(l.targetId);
  for (const l of others) targetIds.add(l.targetId);
  return { targetIds, sourceIds: new Set(ours.map((l) => l.sourceId)) };
}

const outdated = (): AppError =>
  appError(
    'DRY_RUN_OUTDATED',
    'Nothing was linked: the settings or the link tables changed since this dry run (a sync, a Relink, a new rule, a link made here), so its list of unmanaged accounts may no longer be right.',
    'Run a dry run again, then link the accounts from its list.',
  );

/** Whether the list's dry run was made from the settings and links there are now. */
function stillHolds(store: Store, id: string, list: UnmanagedList, ours: readonly Link[], others: readonly Link[]): boolean {
  const record = findIntegration(store, id);
  return record !== undefined && list.plan.basis !== undefined && list.plan.basis === planBasis({ ...record.config, id }, ours, others);
}

/** The unmanaged list of the dry run made at `planCreatedAt` (or the current one), or why there is none to link from. */
export async function listToLink(store: Store, id: string, planCreatedAt: string | 'current'): Promise<Result<UnmanagedList>> {
  if (!findIntegration(store, id)) return fail(integrationNotFound(id));
  const list = await readUnmanaged(store.dataDir, id, planCreatedAt);
  if (!list) {
    return fail(appError('UNMANAGED_NOT_FOUND', 'This dry run has no list of the LMS accounts no integration manages (its LMS read was incomplete, or a newer dry run replaced it).', 'Run a dry run again, then link the accounts from its list.'));
  }
  return ok(list);
}

/** What linking the list would do now, without linking anything (the CLI's question), or why it cannot. */
export async function previewAdoption(store: Store, id: string, list: UnmanagedList): Promise<Result<Adoption>> {
  const ours = (await store.links(id)).data.links;
  const others = await store.otherIntegrationsLinks(id);
  if (!stillHolds(store, id, list, ours, others)) return fail(outdated());
  return ok(adoptionOf(list.accounts, linkedIn(ours, others)));
}

/** Whether linking could start now (no run of this integration in progress): asked before asking the admin. */
export async function canLinkNow(store: Store, id: string): Promise<Result<void>> {
  const lock = await linkLock(store, id);
  if (!lock.ok) return lock;
  await lock.value.release();
  return ok(undefined);
}

async function linkLock(store: Store, id: string) {
  const lock = await acquireRunLock(store.dataDir, id, 'link unmanaged accounts');
  if (lock.ok) return lock;
  return fail({ ...lock.error, message: `Nothing was linked: ${lock.error.message.charAt(0).toLowerCase()}${lock.error.message.slice(1)}` });
}

const EXAMPLES = 5;

/** Links the linkable accounts of a dry run's list (listToLink; the CLI has read it already, for its question). */
export async function adoptUnmanaged(store: Store, id: string, list: UnmanagedList, now: Date): Promise<Result<AdoptResult>> {
  const lock = await linkLock(store, id);
  if (!lock.ok) return lock;
  try {
    const others = await store.otherIntegrationsLinks(id);
    const links = await store.links(id);
    // Judged inside the update, against the link table as it is on disk then.
    const adoption = await links.update((file): Adoption | null => {
      if (!stillHolds(store, id, list, file.links, others)) return null;
      const found = adoptionOf(list.accounts, linkedIn(file.links, others));
      const linkedAt = now.toISOString();
      // 'relinked': an administrator chose the link (a new origin would be unreadable to an older release).
      for (const a of found.links) file.links.push({ integrationId: id, sourceId: a.sourceId, targetId: a.targetId, origin: 'relinked', linkedAt, emailAtLink: null } satisfies Link);
      return found;
    });
    if (adoption === null) return fail(outdated());
    return ok({ linked: adoption.links.length, examples: adoption.links.slice(0, EXAMPLES).map((l) => ({ userName: l.userName, entraUser: l.entraUser })), notAdopted: adoption.notAdopted });
  } finally {
    await lock.value.release();
  }
}
