/**
 * Who does the admin mean? The query (e-mail, UPN, object id, an alias, or a name) is looked up
 * in the Entra snapshot AND the LMS snapshot; every candidate is kept so an ambiguous answer is
 * shown, never silently picked.
 */
import { aliasKeys, targetKeys } from '../matching';
import { ScimPath, type Link, type SourceSnapshot, type SourceUser, type TargetSnapshot, type TargetUser } from '../model';
import { cleanText, normaliseEmail } from '../normalise';
import type { SourceCandidate, TargetCandidate } from './types';

/** Lower rank = stronger match. */
const RANK = { id: 0, userPrincipalName: 1, mail: 2, alias: 3, name: 4, 'lms account': 5, 'part of the name': 6 } as const;
type MatchedBy = keyof typeof RANK;

export interface PersonMatch {
  /** The person the checklist is about; null when Entra has nobody for the query. */
  subject: SourceUser | null;
  /** Everyone in Entra the query may mean, best first. */
  sources: SourceCandidate[];
  /** More than one Entra user matches equally well. */
  ambiguous: boolean;
  /** LMS accounts that may belong to the person (or that the query names directly). */
  targets: TargetCandidate[];
  /**
   * LMS accounts with the person's name and nothing else of theirs, that no integration links
   * and no other Entra user's id or address names: maybe theirs, made by hand or under an old
   * address (article 000). Kept apart: they are evidence, never the person's account.
   */
  sameName: TargetCandidate[];
}

/**
 * Several people answer to a name ("Anna"): the subject picked is not necessarily the one meant.
 * Two accounts sharing the address asked about are a duplicate, not this.
 */
export function ambiguousByName(person: PersonMatch): boolean {
  const how = person.sources.find((s) => s.id === person.subject?.id)?.matchedBy;
  return person.ambiguous && (how === 'name' || how === 'part of the name');
}

/** How an LMS account nobody links, found by the person's name alone, is marked (TargetCandidate.matchedBy). */
export const SAME_NAME = 'same name';

/** At most this many people found by part of a name are listed. */
const NAME_PART_LIMIT = 20;

function fullName(u: SourceUser): string | null {
  const parts = [cleanText(u.givenName), cleanText(u.surname)].filter((p): p is string => p !== null);
  return parts.length > 0 ? parts.join(' ').toLowerCase() : null;
}

/** Whether the query is an address (matched against identifiers) rather than a name. */
function isAddress(q: string): boolean {
  return q.includes('@');
}

/**
 * normaliseEmail(raw) === key, cheaply: normalising never lengthens a value and leaves an
 * ordinary one as its lower case, so most values are decided by their length alone.
 */
export function sameAddress(raw: string | null, key: string): boolean {
  if (raw === null || raw.length < key.length) return false;
  if (raw.length === key.length) return raw.toLowerCase() === key;
  return normaliseEmail(raw) === key;
}

function sourceMatch(u: SourceUser, q: string, qName: string): MatchedBy | null {
  if (u.id.length === q.length && u.id.toLowerCase() === q) return 'id';
  if (isAddress(q)) {
    // Names never contain "@", addresses always do: only the identifiers are compared.
    if (sameAddress(u.userPrincipalName, q)) return 'userPrincipalName';
    if (sameAddress(u.mail, q)) return 'mail';
    if ((u.otherMails.length > 0 || u.proxyAddresses.length > 0) && aliasKeys(u).includes(q)) return 'alias';
    return null;
  }
  if (qName === '') return null;
  const display = cleanText(u.displayName)?.toLowerCase() ?? null;
  if (display === qName || fullName(u) === qName) return 'name';
  return null;
}

function targetDisplayName(t: TargetUser): string | null {
  const v = t.attributes[ScimPath.displayName];
  return typeof v === 'string' ? (cleanText(v)?.toLowerCase() ?? null) : null;
}

/** The subject among equally good matches: the linked one, then an enabled one, then by id. */
function pickSubject(best: SourceUser[], linkedSources: ReadonlySet<string>): SourceUser | null {
  const sorted = [...best].sort((a, b) => {
    const la = linkedSources.has(a.id) ? 0 : 1;
    const lb = linkedSources.has(b.id) ? 0 : 1;
    if (la !== lb) return la - lb;
    if (a.accountEnabled !== b.accountEnabled) return a.accountEnabled ? -1 : 1;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
  return sorted[0] ?? null;
}

export function findPerson(
  query: string,
  source: SourceSnapshot,
  target: TargetSnapshot,
  integrationId: string,
  links: readonly Link[],
  otherLinks: readonly Link[],
): PersonMatch {
  const q = normaliseEmail(query) ?? '';
  const qName = (cleanText(query) ?? '').toLowerCase();
  const allLinks = [...links, ...otherLinks];
  const ours = allLinks.filter((l) => l.integrationId === integrationId);
  const linkByTarget = new Map<string, Link>();
  // Our own link wins over another integration's when both name one account.
  for (const l of [...allLinks.filter((l) => l.integrationId !== integrationId), ...ours]) linkByTarget.set(l.targetId, l);
  const linkedSources = new Set(ours.map((l) => l.sourceId));

  // --- Entra ---------------------------------------------------------------------------------
  const found = new Map<string, { user: SourceUser; by: MatchedBy }>();
  const note = (user: SourceUser, by: MatchedBy): void => {
    const had = found.get(user.id);
    if (!had || RANK[by] < RANK[had.by]) found.set(user.id, { user, by });
  };
  if (q !== '') for (const u of source.users) {
    const by = sourceMatch(u, q, qName);
    if (by) note(u, by);
  }

  // --- LMS accounts the query names directly -------------------------------------------------
  const targetsFound = new Map<string, { t: TargetUser; by: Set<string> }>();
  const noteTarget = (t: TargetUser, by: string): void => {
    const had = targetsFound.get(t.id);
    if (had) had.by.add(by);
    else targetsFound.set(t.id, { t, by: new Set([by]) });
  };
  /** One pass over the LMS accounts for the wanted keys (no full index: 100k accounts, a handful of keys). */
  const scanTargets = (want: ReadonlyMap<string, string>, wantExternal: ReadonlyMap<string, string>, wantIds: ReadonlyMap<string, string>, names: readonly string[] = []): void => {
    if (want.size === 0 && wantExternal.size === 0 && wantIds.size === 0 && names.length === 0) return;
    for (const t of target.users) {
      // The same name on an account nobody links: one made by hand, or under an old address (article 000).
      if (names.length > 0 && !linkByTarget.has(t.id) && !targetsFound.has(t.id)) {
        const name = targetDisplayName(t);
        if (name !== null && names.includes(name)) noteTarget(t, SAME_NAME);
      }
      const byId = wantIds.get(t.id);
      if (byId) noteTarget(t, byId);
      if (t.externalId) {
        const byExt = wantExternal.get(t.externalId.trim().toLowerCase());
        if (byExt) noteTarget(t, byExt);
      }
      if (want.size > 0) for (const k of targetKeys(t)) {
        const byKey = want.get(k);
        if (byKey) noteTarget(t, byKey);
      }
    }
  };
  const queryKeys = q === '' ? new Map<string, string>() : new Map([[q, 'query']]);
  const queryIds = new Map([[query.trim(), 'query']]);
  // When Entra already answered, the query's accounts are looked up in the same pass as the person's.
  if (q !== '' && found.size === 0) scanTargets(isAddress(q) ? queryKeys : new Map(), queryKeys, queryIds);

  // Nobody in Entra by identifier: an LMS account named by the query may lead to the person.
  if (found.size === 0 && targetsFound.size > 0) {
    const owners = new Set<string>();
    const keys = new Set<string>();
    for (const { t } of targetsFound.values()) {
      const owner = linkByTarget.get(t.id)?.sourceId ?? t.externalId;
      if (owner) owners.add(owner.toLowerCase());
      for (const k of targetKeys(t)) keys.add(k);
    }
    for (const u of source.users) {
      if (owners.has(u.id.toLowerCase()) || keys.has(normaliseEmail(u.mail) ?? '') || keys.has(normaliseEmail(u.userPrincipalName) ?? '')) note(u, 'lms account');
    }
  }
  // Still nobody: part of a name, for "Anna" or "lindqvist".
  if (found.size === 0 && targetsFound.size === 0 && qName.length >= 3 && !isAddress(qName)) {
    for (const u of source.users) {
      if (found.size >= NAME_PART_LIMIT) break;
      const display = cleanText(u.displayName)?.toLowerCase() ?? '';
      if (display.includes(qName) || (fullName(u) ?? '').includes(qName)) note(u, 'part of the name');
    }
    // Accounts by part of a name only when Entra has nobody: with "Anna" finding eight people in
    // Entra, every Anna's account is not the one picked Anna's (hers are found by her own keys below).
    if (found.size === 0) {
      for (const t of target.users) {
        if (targetsFound.size >= NAME_PART_LIMIT) break;
        if ((targetDisplayName(t) ?? '').includes(qName)) noteTarget(t, 'name');
      }
    }
  }

  const ranked = [...found.values()].sort((a, b) => RANK[a.by] - RANK[b.by] || (a.user.id < b.user.id ? -1 : 1));
  const bestRank = ranked[0] ? RANK[ranked[0].by] : null;
  const best = ranked.filter((r) => RANK[r.by] === bestRank).map((r) => r.user);
  const subject = pickSubject(best, linkedSources);

  // --- LMS accounts that answer to the subject ------------------------------------------------
  if (subject) {
    const linkedIds = new Map<string, string>();
    for (const l of allLinks) if (l.sourceId === subject.id) linkedIds.set(l.targetId, l.integrationId === integrationId ? 'linked' : 'linked by another integration');
    const want = new Map<string, string>();
    for (const k of aliasKeys(subject)) want.set(k, 'alias');
    for (const k of [normaliseEmail(subject.mail), normaliseEmail(subject.userPrincipalName)]) if (k !== null) want.set(k, 'e-mail');
    const external = new Map([[subject.id.toLowerCase(), 'externalId']]);
    if (targetsFound.size === 0 && q !== '') {
      if (isAddress(q) && !want.has(q)) want.set(q, 'query');
      if (!external.has(q)) external.set(q, 'query');
      const direct = queryIds.keys().next().value ?? '';
      if (!linkedIds.has(direct)) linkedIds.set(direct, 'query');
    }
    const names = [cleanText(subject.displayName)?.toLowerCase() ?? null, fullName(subject)].filter((n): n is string => n !== null && n.length > 0);
    scanTargets(want, external, linkedIds, names);
    // An account found by its address as well is not "only the same name".
    for (const hit of targetsFound.values()) if (hit.by.size > 1) hit.by.delete(SAME_NAME);
  }

  const byName = [...targetsFound.values()].filter(({ by }) => by.size === 1 && by.has(SAME_NAME));
  for (const { t } of byName) targetsFound.delete(t.id);
  const candidate = ({ t, by }: { t: TargetUser; by: Set<string> }): TargetCandidate => {
    const l = linkByTarget.get(t.id);
    return { id: t.id, userName: t.userName, externalId: t.externalId, active: t.active, emails: t.emails, matchedBy: [...by], linkedBy: l ? { integrationId: l.integrationId, sourceId: l.sourceId } : null };
  };
  const sameName = othersLeftOut(byName, source.users, subject).map(candidate);
  const targets: TargetCandidate[] = [...targetsFound.values()].sort((a, b) => (a.t.id < b.t.id ? -1 : a.t.id > b.t.id ? 1 : 0)).map(candidate);
  const sources: SourceCandidate[] = ranked.map(({ user, by }) => ({
    id: user.id,
    displayName: user.displayName,
    userPrincipalName: user.userPrincipalName,
    mail: user.mail,
    accountEnabled: user.accountEnabled,
    matchedBy: by,
  }));
  return { subject, sources, ambiguous: best.length > 1, targets, sameName };
}

/**
 * Accounts found by name alone, without those another Entra user's id, sign-in name or e-mail
 * names (matching gives such an account to them: a namesake's, not this person's).
 */
function othersLeftOut(found: { t: TargetUser; by: Set<string> }[], users: readonly SourceUser[], subject: SourceUser | null): { t: TargetUser; by: Set<string> }[] {
  if (found.length === 0) return [];
  const keys = new Set<string>();
  for (const { t } of found) {
    if (t.externalId) keys.add(t.externalId.trim().toLowerCase());
    for (const k of targetKeys(t)) keys.add(k);
  }
  const taken = new Set<string>();
  for (const u of users) {
    if (u.id === subject?.id) continue;
    for (const k of [u.id.toLowerCase(), normaliseEmail(u.mail), normaliseEmail(u.userPrincipalName)]) if (k !== null && keys.has(k)) taken.add(k);
  }
  return found
    .filter(({ t }) => !(t.externalId && taken.has(t.externalId.trim().toLowerCase())) && !targetKeys(t).some((k) => taken.has(k)))
    .sort((a, b) => (a.t.id < b.t.id ? -1 : a.t.id > b.t.id ? 1 : 0));
}
