/**
 * Reading the LMS by its changes, over real HTTP against the simulator: the merged snapshot is
 * what a full read returns at that moment, it costs a handful of requests, and whenever it could
 * differ (accounts removed, a rename, organisation lists changed, a server that cannot filter by
 * modification time) the client says why and the caller reads in full.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { TargetChangesResult } from '../../../src-main/core/directories';
import type { TargetSnapshot, TargetUser } from '../../../src-main/core/model';
import { CHANGES_OVERLAP_MS } from '../../../src-main/core/target-changes';
import { startLmsSimulator, type LmsSimulator } from '../../../src-main/demo/lms';
import type { ScimTarget } from '../../../src-main/lms';
import { client, ENT, TOKEN, unwrap } from './helpers';

let sim: LmsSimulator;
const open: ScimTarget[] = [];
afterEach(async () => {
  for (const t of open.splice(0)) t.close();
  await sim.close();
});

async function start(over: Parameters<typeof startLmsSimulator>[0] = { token: TOKEN }): Promise<void> {
  sim = await startLmsSimulator({ seed: { departments: [['Contoso']], jobProfiles: [{ name: 'Employee', isDefault: true }], permissionTypes: ['Learner'], users: [], generatedUsers: 250 }, ...over, capabilities: { maxResults: 100, ...over.capabilities } });
}

function target(): ScimTarget {
  // Pages of 100 so a full read is several pages.
  const t = client(sim.baseUrl, { concurrency: 4 });
  open.push(t);
  return t;
}

const byId = (users: readonly TargetUser[]) => [...users].sort((a, b) => a.id.localeCompare(b.id));
/** What a full read would say, without the read's own times and mode. */
const content = (s: TargetSnapshot) => ({ ...s, readAt: null, readMode: null, changesFrom: null, users: byId(s.users) });

function snapshotOf(r: TargetChangesResult): TargetSnapshot {
  if (!('snapshot' in r)) throw new Error(`expected a changes read, got a full read because ${r.fullReadBecause}`);
  return r.snapshot;
}

function rawUser(userName: string): Record<string, unknown> {
  const u = sim.userByUserName(userName);
  if (!u) throw new Error(`no ${userName}`);
  return structuredClone(u) as Record<string, unknown>;
}

describe('a changes read of the LMS', () => {
  it('gives what a full read gives, with a few requests, after accounts are changed and created', async () => {
    await start();
    const cached = unwrap(await target().readAll());
    expect(cached.users).toHaveLength(250);

    // Someone edits an account in the LMS, and another account is created there.
    const edited = rawUser('user000007@example.com');
    sim.store.replaceUser(String(edited.id), { ...edited, displayName: 'Seven Renamed Display', [ENT]: { department: 'Finance' } });
    sim.store.createUser({ userName: 'new.person@example.com', name: { givenName: 'New', familyName: 'Person' }, emails: [{ value: 'new.person@example.com', primary: true }], active: true });

    sim.clearRequests();
    const changes = snapshotOf(unwrap(await target().readChanges(cached)));
    const changesRequests = sim.requests().filter((r) => r.path.endsWith('/Users'));
    const fresh = unwrap(await target().readAll());

    expect(changes.readMode).toBe('changes');
    expect(content(changes)).toEqual(content(fresh));
    expect(changes.users.find((u) => u.userName === 'user000007@example.com')?.attributes.displayName).toBe('Seven Renamed Display');
    // A count and the changed accounts: not the three pages of a full read.
    expect(changesRequests.map((r) => String(r.query.filter ?? ''))).toEqual(expect.arrayContaining([expect.stringContaining('meta.lastModified gt')]));
    expect(changesRequests.length).toBeLessThanOrEqual(3);
  });

  it('reads nothing but the count when nothing changed', async () => {
    await start();
    const cached = unwrap(await target().readAll());
    sim.clearRequests();
    const same = snapshotOf(unwrap(await target().readChanges(cached)));
    expect(content(same)).toEqual(content(cached));
    const userPages = sim.requests().filter((r) => r.path.endsWith('/Users'));
    expect(userPages.every((r) => r.query.count === '1')).toBe(true);
  });

  it('leaves out what was written before the last read once its overlap has passed on the LMS clock', async () => {
    await start();
    const t = target();
    // An apply writes accounts, and the next run reads the LMS within the overlap of those writes…
    for (const name of ['user000001@example.com', 'user000002@example.com']) unwrap(await t.updateUser(String(rawUser(name).id), [{ field: 'title', from: null, to: 'Written' }]));
    const soon = unwrap(await t.readAll());
    sim.clearRequests();
    expect(snapshotOf(unwrap(await t.readChanges(soon))).users).toHaveLength(250);
    expect(sim.requests().filter((r) => String(r.query.filter ?? '').includes('meta.lastModified')).length).toBeGreaterThan(1);
    // …so those accounts are read again; a run after the overlap (here: the LMS's clock moved on) is not.
    sim.advanceClock(CHANGES_OVERLAP_MS + 5_000);
    const later = unwrap(await t.readAll());
    sim.clearRequests();
    const quiet = snapshotOf(unwrap(await t.readChanges(later)));
    expect(content(quiet)).toEqual(content(later));
    expect(sim.requests().filter((r) => r.path.endsWith('/Users')).every((r) => r.query.count === '1')).toBe(true);
  });

  it('asks for a full read when accounts were removed inside the LMS', async () => {
    await start();
    const cached = unwrap(await target().readAll());
    sim.store.removeUser(String(rawUser('user000003@example.com').id));
    const r = unwrap(await target().readChanges(cached));
    expect(r).toEqual({ fullReadBecause: '1 account was removed from the LMS since the last full read' });
  });

  it('asks for a full read when an account was renamed (others may name it as their manager)', async () => {
    await start();
    const cached = unwrap(await target().readAll());
    const u = rawUser('user000010@example.com');
    sim.store.replaceUser(String(u.id), { ...u, userName: 'user10.renamed@example.com' });
    const r = unwrap(await target().readChanges(cached));
    expect(r).toEqual({ fullReadBecause: 'the account user000010@example.com was renamed to user10.renamed@example.com' });
  });

  it('keeps to the changes when a department is added, and reads in full when one is renamed', async () => {
    await start();
    const cached = unwrap(await target().readAll());
    // An apply creates departments: nobody's path changes.
    unwrap(await target().ensureDepartment(['Contoso', 'Research']));
    const added = snapshotOf(unwrap(await target().readChanges(cached)));
    expect(added.departments?.map((d) => d.name).sort()).toEqual(['Contoso', 'Research']);
    // A rename changes the path of everyone in it, without modifying their accounts.
    const contoso = sim.departments().find((d) => d.displayName === 'Contoso');
    sim.store.putOrg('departments', contoso?.id ?? '', { displayName: 'Contoso Group' });
    const r = unwrap(await target().readChanges(added));
    expect(r).toEqual({ fullReadBecause: 'a department in the LMS was renamed, moved or removed' });
  });

  it('asks for a full read when the LMS refuses filters, or cannot filter at all', async () => {
    await start({ token: TOKEN, faults: { refuseFilter: true } });
    const cached = unwrap(await target().readAll());
    expect(unwrap(await target().readChanges(cached))).toEqual({ fullReadBecause: 'the LMS did not answer the changes query (HTTP 400)' });
    await sim.close();

    await start({ token: TOKEN, capabilities: { filter: false } });
    const cached2 = unwrap(await target().readAll());
    expect(unwrap(await target().readChanges(cached2))).toEqual({ fullReadBecause: 'the LMS cannot filter its accounts' });
  });

  it('reads in full when the LMS answers the changes query with an error, whatever the status', async () => {
    await start({ token: TOKEN, faults: { refuseModifiedFilterWith: 403 } });
    const cached = unwrap(await target().readAll());
    // A 403 here is about the query, not the token: no LMS_TOKEN_REFUSED.
    expect(await target().readChanges(cached)).toEqual({ ok: true, value: { fullReadBecause: 'the LMS did not answer the changes query (HTTP 403)' } });
  });

  it('notices at its first answer a server that ignores the filter, before paging through everyone', async () => {
    await start({ token: TOKEN, faults: { ignoreModifiedFilter: true } });
    const cached = unwrap(await target().readAll());
    sim.clearRequests();
    const r = unwrap(await target().readChanges(cached));
    expect(r).toEqual({ fullReadBecause: expect.stringMatching(/^the LMS answered the changes query with an account not modified since .*, so it does not filter by modification time$/) });
    expect(sim.requests().filter((q) => q.path.endsWith('/Users')).map((q) => q.query.count)).toEqual(['1']);
  });

  it('trusts several pages of changes only when none of them changed after the first answer', async () => {
    await start();
    const cached = unwrap(await target().readAll());
    const stamp = (users: readonly Record<string, unknown>[], at: number) => {
      for (const u of users) (u.meta as Record<string, unknown>).lastModified = new Date(at).toISOString();
    };
    const all = sim.store.allUsers();
    // 250 accounts edited (three pages of 100), one of them again while they were being read.
    stamp(all, Date.now() - 1_000);
    stamp(all.slice(7, 8), Date.now() + 60_000);
    expect(unwrap(await target().readChanges(cached))).toEqual({ fullReadBecause: 'accounts changed while the changed accounts were being read page by page' });
    // On one page, the LMS answered with the list as it was: the same edit is simply read.
    stamp(all, Date.parse('2026-01-01T00:00:00Z'));
    stamp(all.slice(0, 50), Date.now() - 1_000);
    stamp(all.slice(7, 8), Date.now() + 60_000);
    const one = snapshotOf(unwrap(await target().readChanges(cached)));
    expect(one.users).toHaveLength(250);
  });
});
