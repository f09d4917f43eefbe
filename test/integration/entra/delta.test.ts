import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAST, startRig, type Rig } from './helpers';
import type { SourceUser } from '../../../src-main/core/model';

describe('delta reads and throttling', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig(1_200);
  });
  afterAll(() => rig.close());

  it('reports adds, changes and deletions since the last read, then nothing', async () => {
    const source = rig.source();
    const full = await source.readFull({ groupIds: [], extraAttributes: [] });
    if (!full.ok) throw new Error(full.error.message);
    const link = full.value.deltaLink as string;
    const [a, b, c] = full.value.snapshot.users.slice(20, 23) as [SourceUser, SourceUser, SourceUser];

    const added = rig.sim.addUser({ userPrincipalName: 'new.starter@contoso-demo.onmicrosoft.com', mail: 'new.starter@contoso.example', department: 'Sales', managerId: a.id });
    rig.sim.mutateUser(a.id, { department: 'Finance' });
    rig.sim.mutateUser(b.id, { mail: 'renamed@contoso.example' });
    rig.sim.deleteUser(c.id);

    const d = await source.readDelta(link, { groupIds: [], extraAttributes: [] });
    if (!d.ok) throw new Error(d.error.message);
    const up = new Map(d.value.upserted.map((u) => [u.id, u]));
    expect([...up.keys()].sort()).toEqual([added.id, a.id, b.id].sort());
    expect(up.get(a.id)?.department).toBe('Finance');
    expect(up.get(b.id)?.mail).toBe('renamed@contoso.example');
    expect(up.get(added.id)?.managerId).toBe(a.id);
    // Upserts are full objects, not just the changed properties.
    expect(up.get(a.id)?.userPrincipalName).toBe(a.userPrincipalName);
    expect(d.value.removedIds).toEqual([c.id]);

    const quiet = await source.readDelta(d.value.deltaLink, { groupIds: [], extraAttributes: [] });
    expect(quiet.ok && quiet.value.upserted.length + quiet.value.removedIds.length).toBe(0);
  });

  it('says ENTRA_DELTA_EXPIRED when Graph forgot the token, and for a link to another host', async () => {
    const source = rig.source();
    const full = await source.readFull({ groupIds: [], extraAttributes: [] });
    if (!full.ok) throw new Error(full.error.message);
    rig.sim.expireDeltaTokens();
    const d = await source.readDelta(full.value.deltaLink as string, { groupIds: [], extraAttributes: [] });
    expect(!d.ok && d.error.code).toBe('ENTRA_DELTA_EXPIRED');
    const foreign = await source.readDelta('https://evil.example/v1.0/users/delta?$deltatoken=x', { groupIds: [], extraAttributes: [] });
    expect(!foreign.ok && foreign.error.code).toBe('ENTRA_DELTA_EXPIRED');
  });

  it('gives the exact snapshot when 20 % of requests are throttled or fail', async () => {
    const clean = await rig.source().readFull({ groupIds: [rig.tenant.groupIds.allStaff], extraAttributes: [] });
    if (!clean.ok) throw new Error(clean.error.message);
    rig.sim.setFaults({ throttleRate: 0.2, unavailableRate: 0.03, dropRate: 0.02, retryAfterSeconds: 1, seed: 11 });
    try {
      const source = rig.source({ options: { ...FAST, concurrency: 4 } });
      const r = await source.readFull({ groupIds: [rig.tenant.groupIds.allStaff], extraAttributes: [] });
      if (!r.ok) throw new Error(r.error.message);
      expect(source.stats.throttled).toBeGreaterThan(0);
      expect(r.value.snapshot.users).toEqual(clean.value.snapshot.users);
      expect(r.value.snapshot.groups).toEqual(clean.value.snapshot.groups);
    } finally {
      rig.sim.setFaults({});
    }
  });

  it('waits as long as Retry-After says', async () => {
    rig.sim.setFaults({ throttleRate: 1, retryAfterSeconds: 1 });
    const source = rig.source({ options: { retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 5_000 } } });
    const t0 = Date.now();
    const r = await source.readUser(rig.tenant.cases[0]?.email as string, []);
    rig.sim.setFaults({});
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1_000);
    expect(!r.ok && r.error.code).toBe('ENTRA_THROTTLED');
  });

  it('a read that keeps failing returns an error, never a snapshot', async () => {
    rig.sim.setFaults({ dropRate: 1 });
    const r = await rig.source({ options: { retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 5 } } }).readFull({ groupIds: [], extraAttributes: [] });
    rig.sim.setFaults({});
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('ENTRA_UNREACHABLE');
  });

  it('stops when cancelled and never says complete', async () => {
    rig.sim.setFaults({ slowRate: 1, slowMs: 300 });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const r = await rig.source().readFull({ groupIds: [], extraAttributes: [], signal: ac.signal });
    rig.sim.setFaults({});
    expect(!r.ok && r.error.code).toBe('ENTRA_CANCELLED');
  });
});
