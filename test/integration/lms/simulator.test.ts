/** The simulator's own promises: seed scenarios, the outbox control API, persistence, no deletes. */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startLmsSimulator } from '../../../src-main/demo/lms';
import { client, P, TOKEN, unwrap } from './helpers';

const auth = { authorization: `Bearer ${TOKEN}` };

describe('LMS simulator', () => {
  it('is seeded with the manual accounts the troubleshooting articles are about', async () => {
    const sim = await startLmsSimulator({ token: TOKEN });
    const names = sim.users().map((u) => u.userName);
    expect(names).toEqual(expect.arrayContaining(['anna.berg@contoso.com', 'bob.smith@contoso.com', 'robert.smith@contoso.com', 'carl.old@contoso.com']));
    expect(sim.users().every((u) => u.externalId === undefined)).toBe(true);
    expect(sim.jobProfiles().filter((j) => j.isDefault).map((j) => j.displayName)).toEqual(['Employee']);
    expect(sim.outbox().count).toBe(0);
    await sim.close();
  });

  it('counts welcome e-mails for users created active, readable through the control API', async () => {
    const sim = await startLmsSimulator({ token: TOKEN, seed: 'empty' });
    const t = client(sim.baseUrl);
    unwrap(await t.createUser({ externalId: 'a', userName: 'a@contoso.com', active: true, attributes: { [P.email]: 'a@contoso.com' } }));
    unwrap(await t.createUser({ externalId: 'b', userName: 'b@contoso.com', active: false, attributes: {} }));
    const res = await fetch(`${sim.origin}/_control/outbox`, { headers: auth });
    expect(await res.json()).toMatchObject({ count: 1, messages: [{ to: 'a@contoso.com', userName: 'a@contoso.com' }] });
    expect((await fetch(`${sim.origin}/_control/outbox`)).status).toBe(401);
    t.close();
    await sim.close();
  });

  it('assigns the default job profile on creation and refuses DELETE', async () => {
    const sim = await startLmsSimulator({ token: TOKEN });
    const t = client(sim.baseUrl);
    const u = unwrap(await t.createUser({ externalId: 'c', userName: 'c@contoso.com', active: true, attributes: {} }));
    expect(u.attributes[P.jobProfile]).toBe('Employee');
    const del = await fetch(`${sim.baseUrl}/Users/${u.id}`, { method: 'DELETE', headers: auth });
    expect(del.status).toBe(405);
    expect(sim.users().some((x) => x.id === u.id)).toBe(true);
    t.close();
    await sim.close();
  });

  it('serves plain list pages in exactly the shape SCIMMY gives for each user', async () => {
    for (const seed of ['default', 'empty'] as const) {
      const sim = await startLmsSimulator({ token: TOKEN, seed });
      const t = client(sim.baseUrl);
      unwrap(await t.createUser({ externalId: 'bare', userName: 'bare@contoso.com', active: true, attributes: {} }));
      unwrap(await t.createUser({ externalId: 'ent', userName: 'ent@contoso.com', active: true, attributes: { [P.employeeNumber]: '1' } }));
      const list = (await (await fetch(`${sim.baseUrl}/Users?startIndex=1&count=100`, { headers: auth })).json()) as { Resources: Array<{ id: string }> };
      expect(list.Resources.length).toBe(sim.users().length);
      for (const u of list.Resources) {
        const viaScimmy = (await (await fetch(`${sim.baseUrl}/Users/${u.id}`, { headers: auth })).json()) as unknown;
        expect(u).toStrictEqual(viaScimmy);
      }
      t.close();
      await sim.close();
    }
  });

  it('has a clock that moves forward on request: its Date header and meta times follow it', async () => {
    const sim = await startLmsSimulator({ token: TOKEN });
    const t = client(sim.baseUrl);
    const hour = 3_600_000;
    const dateHeader = async () => Date.parse((await fetch(`${sim.baseUrl}/Users?count=1`, { headers: auth })).headers.get('date') ?? '');
    expect(Math.abs((await dateHeader()) - Date.now())).toBeLessThan(2_000);
    const moved = sim.advanceClock(hour);
    expect(Math.abs(moved.getTime() - (Date.now() + hour))).toBeLessThan(1_000);
    expect(Math.abs((await dateHeader()) - (Date.now() + hour))).toBeLessThan(2_000);
    const u = unwrap(await t.createUser({ externalId: 'clock', userName: 'clock@contoso.com', active: true, attributes: {} }));
    expect(Math.abs(Date.parse(u.lastModified ?? '') - (Date.now() + hour))).toBeLessThan(2_000);
    sim.advanceClock(hour);
    const updated = unwrap(await t.updateUser(u.id, [{ field: P.title, from: null, to: 'Later' }]));
    expect(Math.abs(Date.parse(updated.lastModified ?? '') - (Date.now() + 2 * hour))).toBeLessThan(2_000);
    expect(() => sim.advanceClock(-1)).toThrow();
    t.close();
    await sim.close();
  });

  it('persists to a JSON file (owner-only) and comes back with the same users and outbox', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rollcall-lms-'));
    const file = path.join(dir, 'lms.json');
    try {
      const first = await startLmsSimulator({ token: TOKEN, persistFile: file });
      const t = client(first.baseUrl);
      const u = unwrap(await t.createUser({ externalId: 'p', userName: 'p@contoso.com', active: true, attributes: { [P.department]: ['Contoso', 'Legal'] } }));
      t.close();
      await first.close();
      expect(statSync(file).mode & 0o777).toBe(0o600);

      const second = await startLmsSimulator({ token: TOKEN, persistFile: file, seed: 'empty' });
      const t2 = client(second.baseUrl);
      const again = unwrap(await t2.findUsers({ externalId: 'p' }));
      expect(again.map((x) => [x.id, x.attributes[P.department]])).toEqual([[u.id, ['Contoso', 'Legal']]]);
      expect(second.outbox().count).toBe(1);
      t2.close();
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
