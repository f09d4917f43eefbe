/**
 * The reading stage of a run: Entra ID (delta when it can, else in full) and the LMS, read at
 * the same time, with one progress report that shows both sides.
 */
import type { IntegrationConfig } from '../core/config';
import type { ReadProgress, SourceDirectory, TargetDirectory } from '../core/directories';
import { ok, type Result } from '../core/errors';
import type { SourceSnapshot, TargetSnapshot } from '../core/model';
import { FULL_LMS_READ_EVERY_MS, unmarkedWrites } from '../core/target-changes';
import type { ReadStatus, RunProgress } from '../core/reports';
import { isDeltaLinkExpired } from '../entra';
import type { StoredIntegration } from '../store/settings';
import { loadCachedForRun, mergeDelta } from './snapshot-cache';
import type { BuiltOn } from './snapshot-changes';

export type SourceRead = {
  snapshot: SourceSnapshot;
  deltaLink: string | null;
  readMode: 'full' | 'delta';
  /** The groups' change link and the scope groups it covers, to store beside deltaLink. */
  groupsDelta: { link: string; groupIds: string[] } | null;
  /** After a delta read: the cached save it built on and the people it found changed or gone. */
  builtOn: BuiltOn | null;
};

/** Groups the snapshot must carry: named by scope rules, job-profile/permission mappings and pushed groups. */
export function groupsNeeded(config: IntegrationConfig): string[] {
  const ids = new Set<string>();
  for (const r of [...config.scope.include, ...config.scope.exclude]) if (r.kind === 'group') ids.add(r.groupId);
  for (const m of config.mapping.jobProfile.groupMap) ids.add(m.groupId);
  for (const m of config.mapping.permissions.groupMap) ids.add(m.groupId);
  for (const g of config.mapping.pushGroups) ids.add(g.groupId);
  return [...ids].sort();
}

/** Whether this run may read Entra by delta (else it reads in full, building on nothing kept). */
export function entraDeltaUsable(record: StoredIntegration, full: boolean, extraAttributes: string[], now: Date): boolean {
  const sameAttributes = JSON.stringify(record.deltaAttributes) === JSON.stringify(extraAttributes);
  // No recorded cache save (an integration last run by an older Rollcall): nothing a delta could
  // be merged into, so the delta and group reads are not made only to be thrown away.
  return !full && !record.needsFullSync && sameAttributes && record.snapshotIds.source !== null && record.deltaLink !== null && record.deltaLinkIssuedAt !== null && !isDeltaLinkExpired(record.deltaLinkIssuedAt, now);
}

/**
 * Entra: a delta when a fresh delta link, the same extra attributes and a cached snapshot exist
 * (the delta only adds to the cache, which must have been read with today's attributes), else
 * a full read. An expired delta link falls back to a full read.
 */
export async function readSource(r: {
  source: SourceDirectory;
  record: StoredIntegration;
  extraAttributes: string[];
  /** The run's decision (entraDeltaUsable), made before reading. */
  byDelta: boolean;
  now: () => Date;
  dataDir: string;
  signal: AbortSignal;
  onProgress: (p: ReadProgress) => void;
  /** Called once a delta read has taken the cached snapshot it builds on. */
  onCacheTaken?: () => void;
}): Promise<Result<SourceRead>> {
  const { source, record } = r;
  const readOptions = { groupIds: groupsNeeded(record.config), extraAttributes: r.extraAttributes, onProgress: r.onProgress, signal: r.signal };
  if (r.byDelta && record.deltaLink) {
    // The cached snapshot is read and parsed while Graph answers the users' delta; the groups'
    // membership changes are applied to the cached groups as soon as those are parsed.
    const groupIds = readOptions.groupIds;
    const stored = record.groupsDelta;
    // A link issued for other scope groups does not cover today's: those are read in full.
    const groupsLink = stored && JSON.stringify(stored.groupIds) === JSON.stringify(groupIds) && !isDeltaLinkExpired(stored.issuedAt, r.now()) ? stored.link : null;
    // Only the save the delta link goes with: an older copy would miss the changes since.
    const cachedRead = loadCachedForRun(r.dataDir, record.id, 'source').then((c) => {
      r.onCacheTaken?.();
      return c !== null && c.id === record.snapshotIds.source ? c : null;
    });
    // Awaited below in every path; marked handled now so a refused file never goes unhandled meanwhile.
    cachedRead.catch(() => undefined);
    const groupsRead =
      groupIds.length > 0
        ? cachedRead.then((c) => source.readGroupsDelta(groupIds, c?.snapshot.groups ?? null, groupsLink, { signal: r.signal, onProgress: r.onProgress }))
        : Promise.resolve(ok({ groups: [], groupsDeltaLink: null }));
    const [delta, groups] = await Promise.all([source.readDelta(record.deltaLink, readOptions), groupsRead]);
    const cached = await cachedRead;
    // Consent for Last Day given or taken away since the cached read: the cache's leave dates and
    // the delta link (issued asking for them or not) no longer fit, so Entra is read in full.
    const lastDayConsentChanged = delta.ok && cached !== null && (cached.snapshot.lastDayUnread ?? false) !== delta.value.lastDayUnread;
    if (delta.ok && cached && !lastDayConsentChanged) {
      if (!groups.ok) return groups;
      const groupsDelta = groups.value.groupsDeltaLink !== null ? { link: groups.value.groupsDeltaLink, groupIds } : null;
      const builtOn = { save: cached.id, changedIds: [...delta.value.upserted.map((u) => u.id), ...delta.value.removedIds] };
      return ok({ snapshot: mergeDelta(cached.snapshot, delta.value, groups.value.groups, r.now().toISOString()), deltaLink: delta.value.deltaLink, readMode: 'delta', groupsDelta, builtOn });
    }
    // No cached snapshot to merge into (deleted, damaged): a full read, whatever the delta said.
    if (!delta.ok && cached && delta.error.code !== 'ENTRA_DELTA_EXPIRED') return delta;
    // Otherwise (no cache, an expired link, Last Day consent changed): a full read.
  }
  const full = await source.readFull(readOptions);
  if (!full.ok) return full;
  const groupsLink = full.value.groupsDeltaLink ?? null;
  return ok({ snapshot: full.value.snapshot, deltaLink: full.value.deltaLink, readMode: 'full', groupsDelta: groupsLink !== null ? { link: groupsLink, groupIds: readOptions.groupIds } : null, builtOn: null });
}

export type TargetRead = {
  snapshot: TargetSnapshot;
  /** Why the LMS was read in full; null after a changes read. */
  fullReadBecause: string | null;
  /** After a changes read: the cached save it built on and the accounts it found changed. */
  builtOn: BuiltOn | null;
};

/** Why this run must read the LMS in full, or null when the changes since the last read will do. */
export function fullLmsReadReason(record: StoredIntegration, full: boolean, now: Date): string | null {
  if (full) return 'a full read was asked for';
  if (record.needsFullSync) return 'the integration is new, re-enabled or connected elsewhere';
  if (record.lmsFullReadAt === null) return 'the LMS has not been read in full yet';
  const age = now.getTime() - Date.parse(record.lmsFullReadAt);
  if (!(age >= 0 && age < FULL_LMS_READ_EVERY_MS)) return 'the last full read of the LMS is a day old';
  return null;
}

/**
 * The LMS: the accounts changed since the cached snapshot when that is safe (lms/changes.ts says
 * when it is not), else every account. A full read happens at least daily regardless.
 */
export async function readTarget(r: {
  target: TargetDirectory;
  record: StoredIntegration;
  /** The run's decision (fullLmsReadReason), made before reading: null to read by the changes. */
  fullReadBecause: string | null;
  now: () => Date;
  dataDir: string;
  signal: AbortSignal;
  onProgress: (p: ReadProgress) => void;
  /** The LMS accounts Rollcall's applies wrote after a time (from their audit logs). */
  writtenAfter: (at: string) => Promise<string[]>;
  /** Called once a changes read has taken the cached snapshot it builds on. */
  onCacheTaken?: () => void;
  /** The LMS groups the integration pushes to (their members are read); empty: groups are not read. */
  pushedGroups: string[];
}): Promise<Result<TargetRead>> {
  const read = await readTargetUsers(r);
  if (!read.ok) return read;
  const { snapshot } = read.value;
  // Groups are read afresh on every run that pushes them (changes reads do not cover them), and
  // dropped from the snapshot otherwise, so an old copy is never taken for the LMS's groups.
  delete snapshot.groups;
  delete snapshot.groupsUnreadBecause;
  if (r.pushedGroups.length === 0) return read;
  r.onProgress({ phase: 'groups', done: 0, total: null });
  const groups = await r.target.readGroups(r.pushedGroups, r.signal);
  if (groups.ok) snapshot.groups = groups.value;
  // Groups that cannot be read (a token without access to them, say) leave the pushed groups
  // alone, with the reason on the dry run; the people's sync goes on. A cancel still stops.
  else if (r.signal.aborted) return groups;
  else snapshot.groupsUnreadBecause = `${groups.error.message} ${groups.error.fix}`.trim();
  return read;
}

async function readTargetUsers(r: Parameters<typeof readTarget>[0]): Promise<Result<TargetRead>> {
  let because = r.fullReadBecause;
  if (because === null) {
    const saved = await loadCachedForRun(r.dataDir, r.record.id, 'target');
    r.onCacheTaken?.();
    if (saved === null) because = 'no earlier LMS read is kept';
    // Only the save the last run recorded: changes since then, applied to an older copy, would
    // miss what happened in between.
    else if (saved.id !== r.record.snapshotIds.target) because = 'the kept LMS snapshot is not the one the last run saved';
    else {
      const cached = saved.snapshot;
      const changes = await r.target.readChanges(cached, r.onProgress, r.signal);
      if (!changes.ok) return changes;
      if ('snapshot' in changes.value) {
        // What Rollcall itself wrote since must be among the changes, or the LMS does not mark all.
        const unmarked = unmarkedWrites(changes.value.changedIds, await r.writtenAfter(cached.readAt));
        if (unmarked === 0) return ok({ snapshot: changes.value.snapshot, fullReadBecause: null, builtOn: { save: saved.id, changedIds: changes.value.changedIds } });
        because = `the LMS did not mark ${unmarked} account${unmarked === 1 ? '' : 's'} Rollcall changed as modified, so changes reads would miss edits`;
      } else because = changes.value.fullReadBecause;
    }
  }
  const all = await r.target.readAll(r.onProgress, r.signal);
  return all.ok ? ok({ snapshot: all.value, fullReadBecause: because, builtOn: null }) : all;
}

/**
 * One 'reading' progress report for both sides: done and total add up (total only once both
 * are known), the detail says where each side is, and `reads` carries each side for two bars.
 */
export function readProgress(report: ((p: RunProgress) => void) | undefined): { entra: (p: ReadProgress) => void; lms: (p: ReadProgress) => void; finished: (side: 'entra' | 'lms') => void } {
  const reads: { entra: ReadStatus; lms: ReadStatus } = {
    entra: { phase: 'users', done: 0, total: null, finished: false },
    lms: { phase: 'users', done: 0, total: null, finished: false },
  };
  const emit = () => {
    const { entra, lms } = reads;
    const total = entra.total !== null && lms.total !== null ? entra.total + lms.total : null;
    report?.({ stage: 'reading', done: entra.done + lms.done, total, detail: `Entra ID: ${describe(entra)} · LMS: ${describe(lms)}`, reads: { entra: { ...entra }, lms: { ...lms } } });
  };
  emit();
  return {
    entra: (p) => {
      reads.entra = { phase: p.phase, done: p.done, total: p.total, finished: false };
      emit();
    },
    lms: (p) => {
      reads.lms = { phase: p.phase, done: p.done, total: p.total, finished: false };
      emit();
    },
    finished: (side) => {
      reads[side] = { ...reads[side], finished: true };
      emit();
    },
  };
}

function describe(s: ReadStatus): string {
  if (s.finished) return 'done';
  const n = (x: number) => x.toLocaleString('en-US');
  return s.total !== null ? `${s.phase} ${n(s.done)} of ${n(s.total)}` : s.done > 0 ? `${s.phase} ${n(s.done)}` : `${s.phase}…`;
}
