/**
 * The indexes plan() builds over the snapshots and the link table. At 100k people every look-up
 * into a 100k-entry Map, and every Map built, misses the CPU caches (a 10k tenant fits in them),
 * so there are as few as the plan can do with: people by Entra id, LMS accounts by id (with this
 * integration's link to each in the same entry), and each link put on the person it names.
 */
import type { Link, TargetUser } from './model';
import type { SourceEntry } from './plan-person';

/** An LMS account with this integration's link to it: one Map entry for both. */
export interface TargetEntry {
  t: TargetUser;
  /** This integration's link naming the account (the last one when the table names it twice). */
  link: Link | null;
}

/** Plain string order (what `<` gives), for comparators. */
export function order(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Links in a stable order: integration, source id, target id. Compared field by field: building
 * a joined key per link costs more at 100k than the comparisons (ids never contain U+0000, so
 * this is the order of the joined keys).
 */
export function sortLinks(links: readonly Link[]): Link[] {
  return [...links].sort((a, b) => order(a.integrationId, b.integrationId) || order(a.sourceId, b.sourceId) || order(a.targetId, b.targetId));
}

/** LMS accounts by id (the last one listed wins, as in a Map), none linked yet. */
export function indexAccounts(users: readonly TargetUser[]): Map<string, TargetEntry> {
  const byId = new Map<string, TargetEntry>();
  for (const t of users) byId.set(t.id, { t, link: null });
  return byId;
}

export interface AttachedLinks {
  /** This integration's links; sorted only when the table is damaged. */
  ours: Link[];
  /** The other integrations' links among `links`, as listed. */
  theirs: Link[];
  /** Links naming someone not in the Entra snapshot, by Entra id. */
  goneLinks: Map<string, Link>;
  /** This integration's links by LMS account, as a Map of them would answer. */
  linkByTarget: Pick<ReadonlyMap<string, Link>, 'get' | 'has' | 'size'>;
  /** The table links someone, or some account, twice. */
  damaged: boolean;
}

/**
 * This integration's links put on the people (`link`, and their candidate's `link` and
 * `linkedAccount`) and the accounts (`link`) they name: two look-ups per link into indexes the
 * plan has anyway, instead of a Map by person, a Map by account and a look-up per person in
 * matching. A damaged table (someone or an account linked twice) is sorted first, so which link
 * wins (the last, as in a Map) does not depend on the order the store returned them in.
 */
export function attachLinks(
  links: readonly Link[],
  integrationId: string,
  sourceById: ReadonlyMap<string, SourceEntry>,
  accountById: ReadonlyMap<string, TargetEntry>,
): AttachedLinks {
  const attach = (ours: Link[]) => {
    const goneLinks = new Map<string, Link>();
    const unlisted = new Map<string, Link>();
    let accounts = 0;
    let twice = false;
    ours.forEach((link, i) => {
      const account = accountById.get(link.targetId);
      if (account) {
        if (account.link === null) accounts++;
        else twice = true;
        account.link = link;
      } else {
        twice ||= unlisted.has(link.targetId);
        unlisted.set(link.targetId, link);
      }
      const entry = sourceById.get(link.sourceId);
      if (!entry) {
        twice ||= goneLinks.has(link.sourceId);
        goneLinks.set(link.sourceId, link);
        return;
      }
      twice ||= entry.link !== null;
      entry.link = link;
      if (entry.c) {
        entry.c.link = link;
        entry.c.linkedAccount = account?.t ?? null;
        entry.c.linkAt = i;
      }
    });
    const get = (id: string): Link | undefined => accountById.get(id)?.link ?? unlisted.get(id);
    const linkByTarget = { get, has: (id: string) => get(id) !== undefined, size: accounts + unlisted.size };
    return { goneLinks, linkByTarget, twice };
  };
  // One pass over the (100k) links to split them; the other integrations' are few.
  let ours: Link[] = [];
  const theirs: Link[] = [];
  for (const l of links) (l.integrationId === integrationId ? ours : theirs).push(l);
  let attached = attach(ours);
  if (attached.twice) {
    for (const entry of sourceById.values()) {
      entry.link = null;
      if (entry.c) {
        entry.c.link = null;
        entry.c.linkedAccount = null;
        entry.c.linkAt = -1;
      }
    }
    for (const account of accountById.values()) account.link = null;
    ours = sortLinks(ours);
    attached = attach(ours);
  }
  return { ours, theirs, goneLinks: attached.goneLinks, linkByTarget: attached.linkByTarget, damaged: attached.twice };
}
