/**
 * Where an apply's new links go: the integration's link table, in batches. Each write rewrites
 * the whole file, so batching is what keeps a 100k-user first apply from being quadratic.
 */
import type { Link } from '../core/model';
import type { Store } from '../store/store';
import type { LinkRecorder } from './apply';

/**
 * How many new links wait before the link file is rewritten: a tenth of the file, between 500
 * and 5,000. Each write rewrites the whole file, so a fixed batch made a 100k-user first
 * apply quadratic (200 rewrites of a file growing to 20 MB); links not yet written when a run dies
 * are found again by externalId at the next run.
 */
export function linkBatchSize(linksInFile: number): number {
  return Math.min(5_000, Math.max(500, Math.floor(linksInFile / 10)));
}

/**
 * The link table with a batch of links just made. Each person in the batch ends up with one link,
 * the one made, in the place of their first link in the table; a link the table already had for
 * that account is kept as it was (its origin and date). Everyone else's links stay exactly as they
 * were, even a damaged table's second link for someone: dropping one would leave that account
 * unowned, so it would stay active when the person leaves; kept, both are deactivated then. The
 * plan reads such a table conservatively (plan.ts); nothing repairs it behind the admin's back.
 */
export function mergeLinks(table: readonly Link[], batch: readonly Link[]): Link[] {
  const made = new Map<string, Link>();
  for (const l of batch) {
    // The same link again (an id rewritten on an account already linked) keeps its first date.
    if (made.get(l.sourceId)?.targetId !== l.targetId) made.set(l.sourceId, l);
  }
  // The table's first link to the account made is the one kept (a damaged table may repeat it).
  const kept = new Set<string>();
  for (const l of table) {
    if (kept.has(l.sourceId) || made.get(l.sourceId)?.targetId !== l.targetId) continue;
    made.set(l.sourceId, l);
    kept.add(l.sourceId);
  }
  const placed = new Set<string>();
  const merged: Link[] = [];
  for (const l of table) {
    const now = made.get(l.sourceId);
    if (now === undefined) merged.push(l);
    else if (!placed.has(l.sourceId)) {
      placed.add(l.sourceId);
      merged.push(now);
    }
  }
  for (const [sourceId, l] of made) if (!placed.has(sourceId)) merged.push(l);
  return merged;
}

/** Records links in the store in batches: 100k creates must not rewrite the link file 100k times. */
export function linkRecorder(store: Store, integrationId: string): LinkRecorder {
  let pending: Link[] = [];
  let flushing: Promise<void> = Promise.resolve();
  let failure: unknown = null;
  let inFile = 0;
  // The batch size follows the table's size from the first batch on: an incremental apply on a
  // 100k table must not rewrite it after 500 links when 5,000 are the rule. Best effort: a table
  // that cannot be read here only means smaller first batches (the flush reports the failure).
  void store
    .links(integrationId)
    .then((l) => void (inFile ||= l.data.links.length))
    .catch(() => undefined);
  /** A flush is waiting to start: records meanwhile join its batch instead of queueing more. */
  let queued = false;
  const flush = async () => {
    queued = false;
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    const links = await store.links(integrationId);
    await links.replace((file) => {
      const merged = mergeLinks(file.links, batch);
      inFile = merged.length;
      return { ...file, links: merged };
    });
  };
  return {
    record(link) {
      pending.push(link);
      // A failed batch is kept and reported by the next flush(), never left unhandled.
      if (queued || pending.length < linkBatchSize(inFile)) return;
      queued = true;
      flushing = flushing.then(flush).catch((err: unknown) => void (failure = err));
    },
    async flush() {
      flushing = flushing.then(flush).catch((err: unknown) => void (failure = err));
      await flushing;
      if (failure !== null) throw failure;
    },
  };
}
