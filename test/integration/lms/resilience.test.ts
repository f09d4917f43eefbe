/**
 * The network misbehaving and the LMS doing less than we hoped: 429 storms and 5xx still give
 * exact results, small pages are all read, lookups work without filter support, and a SCIM
 * server we did not write (a PingOne-shaped recorded profile) is read correctly.
 */
import { describe, expect, it } from 'vitest';
import { startLmsSimulator, type LmsSeed } from '../../../src-main/demo/lms';
import { ENTERPRISE_USER, ScimPath } from '../../../src-main/core/model';
import { client, P, TOKEN, unwrap } from './helpers';
import { startStaticScim } from './static-scim';

/** A seeded pseudo-random source, so a storm is the same storm on every run. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const seed = (n: number): LmsSeed => ({ departments: [], jobProfiles: [], permissionTypes: [], users: [], generatedUsers: n });

describe('throttling and server errors', () => {
  it('a 429 storm (40 % of requests, Retry-After) still completes with exact results', async () => {
    const sim = await startLmsSimulator({ token: TOKEN, seed: seed(300), capabilities: { maxResults: 25 }, faults: { rate429: 0.4, retryAfterSeconds: 0.005, random: mulberry32(7) } });
    const t = client(sim.baseUrl, { concurrency: 8 });
    const created = await Promise.all(
      Array.from({ length: 40 }, (_, i) => t.createUser({ externalId: `x-${i}`, userName: `storm${i}@contoso.com`, active: true, attributes: { [P.email]: `storm${i}@contoso.com` } })),
    );
    expect(created.filter((r) => !r.ok)).toEqual([]);
    const snap = unwrap(await t.readAll());
    expect(snap.complete).toBe(true);
    expect(snap.users).toHaveLength(340);
    expect(new Set(snap.users.map((u) => u.id)).size).toBe(340);
    // Exactly one user per create: a 429 is answered before any work, and retried once it passes.
    expect(sim.users().filter((u) => String(u.userName).startsWith('storm'))).toHaveLength(40);
    const throttled = sim.requests().filter((r) => r.status === 429).length;
    expect(throttled).toBeGreaterThan(10);
    expect(t.stats().retries).toBeGreaterThanOrEqual(throttled);
    t.close();
    await sim.close();
  });

  it('retries 5xx with backoff and gives up with LMS_SERVER_ERROR when the LMS stays down', async () => {
    const sim = await startLmsSimulator({ token: TOKEN, seed: seed(50), capabilities: { maxResults: 10 }, faults: { rate5xx: 0.3, status5xx: 502, random: mulberry32(3) } });
    const t = client(sim.baseUrl);
    const snap = unwrap(await t.readAll());
    expect(snap.users).toHaveLength(50);
    sim.setFaults({ rate5xx: 1, status5xx: 503 });
    const r = await t.findUsers({ userName: 'user000001@example.com' });
    expect(r.ok ? null : r.error.code).toBe('LMS_SERVER_ERROR');
    t.close();
    await sim.close();
  });

  it('honours a requests-per-second ceiling', async () => {
    const sim = await startLmsSimulator({ token: TOKEN, seed: seed(30), capabilities: { maxResults: 5 } });
    const t = client(sim.baseUrl, { rateLimitPerSecond: 50, concurrency: 8 });
    const started = Date.now();
    unwrap(await t.readAll()); // 3 discovery + 6 user pages + 3 org lists = 12 requests
    expect(Date.now() - started).toBeGreaterThanOrEqual(11 * 20 - 30);
    t.close();
    await sim.close();
  });
});

describe('paging and lookups without filter', () => {
  it('reads every page when the LMS caps pages below what we ask for', async () => {
    const sim = await startLmsSimulator({ token: TOKEN, seed: seed(103), capabilities: { maxResults: 10 } });
    const t = client(sim.baseUrl);
    const snap = unwrap(await t.readAll());
    expect(snap.users).toHaveLength(103 + 0);
    const pages = sim.requests().filter((r) => r.path === '/scim/v2/Users');
    expect(pages).toHaveLength(11);
    t.close();
    await sim.close();
  });

  it('scans instead of filtering when filter is not supported, and sends no filter', async () => {
    const sim = await startLmsSimulator({ token: TOKEN, capabilities: { filter: false } });
    const t = client(sim.baseUrl);
    const bobs = unwrap(await t.findUsers({ email: 'BOB.SMITH@contoso.com' }));
    expect(bobs.map((u) => u.userName).sort()).toEqual(['bob.smith@contoso.com', 'robert.smith@contoso.com']);
    expect(unwrap(await t.findUsers({ userName: 'dana.lee@contoso.com' }))[0]?.attributes[ScimPath.manager]).toBe('anna.berg@contoso.com');
    expect(unwrap(await t.findUsers({ externalId: 'nobody' }))).toEqual([]);
    expect(sim.requests().filter((r) => r.query.filter !== undefined)).toEqual([]);
    // Manager lookups during writes use the same fallback.
    const u = unwrap(await t.createUser({ externalId: 'e-m', userName: 'mo@contoso.com', active: true, attributes: { [ScimPath.manager]: 'dana.lee@contoso.com' } }));
    expect(u.attributes[ScimPath.manager]).toBe('dana.lee@contoso.com');
    t.close();
    await sim.close();
  });

  it('switches to scanning when an LMS advertises filter but refuses it', async () => {
    const sim = await startLmsSimulator({ token: TOKEN, faults: { refuseFilter: true } });
    const t = client(sim.baseUrl);
    expect(unwrap(await t.discover()).filter).toBe(true);
    expect(unwrap(await t.findUsers({ userName: 'anna.berg@contoso.com' })).map((u) => u.userName)).toEqual(['anna.berg@contoso.com']);
    expect(unwrap(await t.findUsers({ userName: 'carl.old@contoso.com' }))[0]?.active).toBe(false);
    expect(sim.requests().filter((r) => r.query.filter !== undefined)).toHaveLength(1);
    t.close();
    await sim.close();
  });
});

describe('a SCIM server we did not write', () => {
  it('discovers, pages and looks up against a PingOne-shaped recorded profile', async () => {
    const server = await startStaticScim({ profile: 'pingone', token: TOKEN, pageCap: 2 });
    const t = client(server.baseUrl);
    const caps = unwrap(await t.discover());
    expect(caps).toMatchObject({ filter: true, patch: true, bulk: false, etag: false, maxResults: 200, enterpriseExtension: true, vendorNamespace: null, departments: false, groups: true });
    const snap = unwrap(await t.readAll());
    expect(snap.complete).toBe(true);
    expect(snap.users).toHaveLength(5);
    expect(snap.departments).toBeNull();
    const jon = snap.users.find((u) => u.userName === 'Jon.Berg@Example.org');
    expect(jon?.attributes).toMatchObject({ [ScimPath.manager]: 'marta.ruiz@example.org', [ScimPath.department]: ['Engineering'], [ScimPath.employeeNumber]: 'E-1002' });
    expect(snap.users.find((u) => u.userName === 'li.wei@example.org')?.active).toBe(false);
    expect(unwrap(await t.findUsers({ email: 'JON.BERG@example.org' })).map((u) => u.id)).toEqual([jon?.id]);
    const patched = unwrap(await t.updateUser(jon?.id ?? '', [{ field: `${ENTERPRISE_USER}:employeeNumber`, from: 'E-1002', to: 'E-2002' }]));
    expect(patched.attributes[ScimPath.employeeNumber]).toBe('E-2002');
    expect(server.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
    t.close();
    await server.close();
  });

  it('reads a created user from the Location header when the LMS answers 201 without a body', async () => {
    const server = await startStaticScim({ profile: 'pingone', token: TOKEN, pageCap: 2, bareCreate: true });
    const t = client(server.baseUrl);
    const u = unwrap(await t.createUser({ externalId: 'e-9', userName: 'new@example.org', active: true, attributes: { [ScimPath.email]: 'new@example.org' } }));
    expect(u).toMatchObject({ id: 'new-6', userName: 'new@example.org', emails: ['new@example.org'] });
    expect(server.requests.slice(-2).map((r) => r.method)).toEqual(['POST', 'GET']);
    t.close();
    await server.close();
  });
});

describe('connections and partial reads', () => {
  it('keeps connections alive: a 20-page read uses no more connections than the concurrency', async () => {
    const sim = await startLmsSimulator({ token: TOKEN, seed: seed(200), capabilities: { maxResults: 10 } });
    const t = client(sim.baseUrl, { concurrency: 4 });
    unwrap(await t.readAll());
    expect(t.stats().requests).toBeGreaterThanOrEqual(26);
    expect(sim.connectionCount()).toBeLessThanOrEqual(4);
    t.close();
    await sim.close();
  });

  it('a read that fails part-way returns what it read, marked incomplete with the reason', async () => {
    const sim = await startLmsSimulator({ token: TOKEN, seed: seed(60), capabilities: { maxResults: 10 } });
    const t = client(sim.baseUrl, { concurrency: 1 });
    let pages = 0;
    const snap = unwrap(
      await t.readAll((p) => {
        if (p.phase === 'users' && ++pages === 2) sim.setFaults({ rate5xx: 1, status5xx: 500 });
      }),
    );
    expect(snap.complete).toBe(false);
    expect(snap.incompleteReason).toMatch(/Reading users stopped part-way: The LMS had an internal error \(HTTP 500\)/);
    expect(snap.users.length).toBeGreaterThanOrEqual(10);
    expect(snap.users.length).toBeLessThan(60);
    t.close();
    await sim.close();
  });
});
