/**
 * Round trips through the simulator over real HTTP: create → read back → update → deactivate →
 * reactivate, with vendor and enterprise attributes, references by name, department paths
 * created parents first, per-user errors that leave other users alone, and no DELETE, ever.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewTargetUser } from '../../../src-main/core/directories';
import type { TargetUser } from '../../../src-main/core/model';
import { startLmsSimulator, type LmsSimulator } from '../../../src-main/demo/lms';
import { toTargetWriteError, type ScimTarget } from '../../../src-main/lms';
import { client, ENT, NS, P, TOKEN, unwrap } from './helpers';

const sims: LmsSimulator[] = [];
let sim: LmsSimulator;
let t: ScimTarget;

beforeAll(async () => {
  sim = await startLmsSimulator({ token: TOKEN });
  sims.push(sim);
  t = client(sim.baseUrl, { concurrency: 6 });
});
afterAll(async () => {
  t.close();
  for (const s of sims) {
    // Never DELETE, in any test of this file, on any simulator.
    expect(s.requests().filter((r) => r.method === 'DELETE')).toEqual([]);
    await s.close();
  }
});

function person(n: string, extra: Partial<NewTargetUser['attributes']> = {}): NewTargetUser {
  return {
    externalId: `entra-${n}`,
    userName: `${n}@contoso.com`,
    active: true,
    attributes: { [P.givenName]: n, [P.familyName]: 'Tester', [P.email]: `${n}@contoso.com`, ...extra },
  };
}

describe('create, update, deactivate, reactivate', () => {
  it('round-trips core, enterprise and vendor attributes with references by name', async () => {
    const before = sim.outbox().count;
    const created = unwrap(
      await t.createUser(
        person('erin', {
          [P.department]: ['Contoso', 'Sales', 'Nordics', 'Oslo'],
          [P.employeeNumber]: 'E-42',
          [P.manager]: 'dana.lee@contoso.com',
          [P.contentRegion]: 'SE',
          [P.customField1]: 'Finance',
          [P.jobProfile]: 'Engineer',
          [P.permissionTypes]: ['Learner', 'Manager'],
          [P.approvers]: ['anna.berg@contoso.com'],
        }),
      ),
    );
    expect(created).toMatchObject({ externalId: 'entra-erin', userName: 'erin@contoso.com', active: true, emails: ['erin@contoso.com'] });
    expect(created.attributes).toMatchObject({
      [P.department]: ['Contoso', 'Sales', 'Nordics', 'Oslo'],
      [P.employeeNumber]: 'E-42',
      [P.manager]: 'dana.lee@contoso.com',
      [P.contentRegion]: 'SE',
      [P.customField1]: 'Finance',
      [P.jobProfile]: 'Engineer',
      [P.permissionTypes]: ['Learner', 'Manager'],
      [P.approvers]: ['anna.berg@contoso.com'],
    });
    // The LMS stores ids, not names.
    const raw = sim.userByUserName('erin@contoso.com') as Record<string, Record<string, unknown>>;
    const ven = raw[NS] as Record<string, { value: string } | Array<{ value: string }>>;
    expect((ven.jobProfile as { value: string }).value).toBe(sim.jobProfiles().find((j) => j.displayName === 'Engineer')?.id);
    expect((raw[ENT]?.manager as { value: string }).value).toBe(sim.userByUserName('dana.lee@contoso.com')?.id);
    // Nordics and Oslo were created under Sales, parents first.
    const depts = sim.departments();
    const nordics = depts.find((d) => d.displayName === 'Nordics');
    const oslo = depts.find((d) => d.displayName === 'Oslo');
    expect(nordics?.parentId).toBe(depts.find((d) => d.displayName === 'Sales')?.id);
    expect(oslo?.parentId).toBe(nordics?.id);
    expect(sim.outbox().count).toBe(before + 1);

    const updated = unwrap(
      await t.updateUser(created.id, [
        { field: P.email, from: 'erin@contoso.com', to: 'erin.new@contoso.com' },
        { field: P.userName, from: 'erin@contoso.com', to: 'erin.new@contoso.com' },
        { field: P.contentRegion, from: 'SE', to: 'GB' },
        { field: P.customField1, from: 'Finance', to: null },
        { field: P.department, from: ['Contoso', 'Sales', 'Nordics', 'Oslo'], to: ['Contoso', 'Engineering'] },
        { field: P.permissionTypes, from: ['Learner', 'Manager'], to: ['Learner'] },
        { field: P.manager, from: 'dana.lee@contoso.com', to: null },
      ]),
    );
    expect(updated.userName).toBe('erin.new@contoso.com');
    expect(updated.attributes[P.email]).toBe('erin.new@contoso.com');
    expect(updated.attributes[P.contentRegion]).toBe('GB');
    expect(updated.attributes[P.customField1]).toBeUndefined();
    expect(updated.attributes[P.department]).toEqual(['Contoso', 'Engineering']);
    expect(updated.attributes[P.permissionTypes]).toEqual(['Learner']);
    expect(updated.attributes[P.manager]).toBeUndefined();

    const off = unwrap(await t.setActive(created.id, false));
    expect(off.active).toBe(false);
    const on = unwrap(await t.setActive(created.id, true));
    expect(on.active).toBe(true);
    // Reactivation is not a new user: no second welcome e-mail.
    expect(sim.outbox().count).toBe(before + 1);

    const snap = unwrap(await t.readAll());
    const again = snap.users.find((u) => u.id === created.id) as TargetUser;
    expect(again.attributes).toEqual(on.attributes);
    expect(snap.complete).toBe(true);
  });

  it('creates a department path once even when many users need it at the same time', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => t.createUser(person(`dept${i}`, { [P.department]: ['Contoso', 'Support', 'Tier 1'] }))),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    expect(sim.departments().filter((d) => d.displayName === 'Support')).toHaveLength(1);
    expect(sim.departments().filter((d) => d.displayName === 'Tier 1')).toHaveLength(1);
    const leaf = unwrap(await t.ensureDepartment(['Contoso', 'Support', 'Tier 1']));
    expect(leaf).toBe(sim.departments().find((d) => d.displayName === 'Tier 1')?.id);
    // The client says what it created, user writes' departments included (the dry run's unused-departments note).
    const idOf = (name: string) => sim.departments().find((d) => d.displayName === name)?.id;
    expect(t.createdDepartments?.()).toEqual(expect.arrayContaining([{ id: idOf('Support'), path: ['Contoso', 'Support'] }, { id: idOf('Tier 1'), path: ['Contoso', 'Support', 'Tier 1'] }]));
    // Contoso was the LMS's own (the seed's top department): not the integration's.
    expect(t.createdDepartments?.().map((d) => d.path.join(' / '))).not.toContain('Contoso');
  });

  it('reports a 409 on a duplicate userName for that user only, while the others succeed', async () => {
    const batch = [person('fay'), { ...person('bob-dup'), userName: 'BOB.SMITH@contoso.com' }, person('gus'), { ...person('hal'), externalId: 'entra-fay' }];
    const results = await Promise.all(batch.map((u) => t.createUser(u)));
    expect(results.map((r) => r.ok)).toEqual([true, false, true, false]);
    const dup = results[1];
    if (dup && !dup.ok) {
      const e = toTargetWriteError(dup.error);
      expect(e).toMatchObject({ code: 'LMS_USER_CONFLICT', httpStatus: 409 });
      expect(e.lmsDetail).toMatch(/userName "BOB.SMITH@contoso.com" is already in use/);
    }
    const ext = results[3];
    expect(ext && !ext.ok ? ext.error.details?.scimType : null).toBe('uniqueness');
  });

  it('a name the LMS does not know fails that user with the name, before anything is sent', async () => {
    const r = await t.createUser(person('ivy', { [P.jobProfile]: 'Astronaut' }));
    expect(r.ok ? null : r.error).toMatchObject({ code: 'LMS_REFERENCE_NOT_FOUND', message: expect.stringContaining('job profile "Astronaut"') as unknown as string });
    expect(sim.userByUserName('ivy@contoso.com')).toBeUndefined();
  });

  it('a 400 from the LMS carries its own scimType and detail', async () => {
    const created = unwrap(await t.createUser(person('jay')));
    // Approver who is not (yet) in the LMS: the second pass would write it once they exist.
    const r = await t.updateUser(created.id, [{ field: P.approvers, from: null, to: ['nobody@contoso.com'] }]);
    expect(r.ok ? null : r.error.code).toBe('LMS_REFERENCE_NOT_FOUND');
    const bad = await t.updateUser(created.id, [{ field: P.userName, from: 'jay@contoso.com', to: '' }]);
    expect(bad.ok ? null : toTargetWriteError(bad.error)).toMatchObject({ code: 'LMS_INVALID_VALUE', httpStatus: 400 });
  });

  it('finds users by externalId, userName (any case) and e-mail with filters', async () => {
    sim.clearRequests();
    expect(unwrap(await t.findUsers({ externalId: 'entra-fay' })).map((u) => u.userName)).toEqual(['fay@contoso.com']);
    expect(unwrap(await t.findUsers({ userName: ' Anna.Berg@Contoso.com ' })).map((u) => u.userName)).toEqual(['anna.berg@contoso.com']);
    // Two accounts for one person: the second has the first's address among its e-mails.
    const bobs = unwrap(await t.findUsers({ email: 'bob.smith@contoso.com' }));
    expect(bobs.map((u) => u.userName).sort()).toEqual(['bob.smith@contoso.com', 'robert.smith@contoso.com']);
    expect(sim.requests().filter((r) => r.path === '/scim/v2/Users' && r.query.filter !== undefined).length).toBeGreaterThanOrEqual(3);
  });
});

describe('e-mail and identity edge cases', () => {
  it('sets a work e-mail on a hand-made account that only has a home address, and relinks externalId', async () => {
    const res = await fetch(`${sim.baseUrl}/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'homer@contoso.com', emails: [{ value: 'homer@home.example', type: 'home', primary: true }] }),
    });
    const { id } = (await res.json()) as { id: string };
    const found = unwrap(await t.findUsers({ userName: 'homer@contoso.com' }))[0];
    // No work address: the primary one stands in, so a plan sees "from" as set.
    expect(found?.attributes[P.email]).toBe('homer@home.example');
    sim.clearRequests();
    const u = unwrap(
      await t.updateUser(id, [
        { field: P.email, from: 'homer@home.example', to: 'homer@contoso.com' },
        { field: 'externalId', from: null, to: 'entra-homer' },
      ]),
    );
    expect(u.externalId).toBe('entra-homer');
    expect(u.attributes[P.email]).toBe('homer@contoso.com');
    expect(u.emails).toEqual(['homer@contoso.com', 'homer@home.example']);
    // The filtered PATCH had no target (400 noTarget), so the client sent the whole user instead.
    expect(sim.requests().map((r) => `${r.method} ${r.status}`)).toEqual(['PATCH 400', 'GET 200', 'PUT 200']);
  });
});

describe('an LMS without PATCH', () => {
  it('updates and deactivates with a PUT of the whole user, keeping what it did not change', async () => {
    const s = await startLmsSimulator({ token: TOKEN, capabilities: { patch: false } });
    sims.push(s);
    const c = client(s.baseUrl);
    const u = unwrap(await c.createUser(person('kim', { [P.contentRegion]: 'DE', [P.jobProfile]: 'Engineer' })));
    const updated = unwrap(await c.updateUser(u.id, [{ field: P.contentRegion, from: 'DE', to: 'US' }]));
    expect(updated.attributes[P.contentRegion]).toBe('US');
    expect(updated.attributes[P.jobProfile]).toBe('Engineer');
    expect(updated.attributes[P.email]).toBe('kim@contoso.com');
    expect(unwrap(await c.setActive(u.id, false)).active).toBe(false);
    const methods = s.requests().map((r) => r.method);
    expect(methods).not.toContain('PATCH');
    expect(methods.filter((m) => m === 'PUT')).toHaveLength(2);
    c.close();
  });

  it('falls back to PUT when a server advertises PATCH but refuses it', async () => {
    const s = await startLmsSimulator({ token: TOKEN, faults: { refusePatch: true } });
    sims.push(s);
    const c = client(s.baseUrl);
    expect(unwrap(await c.discover()).patch).toBe(true);
    const u = unwrap(await c.createUser(person('lou')));
    const r = unwrap(await c.updateUser(u.id, [{ field: P.givenName, from: 'lou', to: 'Louise' }]));
    expect(r.attributes[P.givenName]).toBe('Louise');
    expect(unwrap(await c.setActive(u.id, false)).active).toBe(false);
    // One refused PATCH, then PUTs only.
    expect(s.requests().filter((x) => x.method === 'PATCH').map((x) => x.status)).toEqual([501]);
    expect(s.requests().filter((x) => x.method === 'PUT')).toHaveLength(2);
    c.close();
  });
});

describe('a create repeated after its answer was lost', () => {
  it('returns the account that already carries this Entra id instead of failing or duplicating', async () => {
    const first = unwrap(await t.createUser(person('repeat')));
    const again = await t.createUser(person('repeat'));
    expect(again.ok).toBe(true);
    if (again.ok) expect(again.value.id).toBe(first.id);
    expect(sim.users().filter((u) => u.userName === 'repeat@contoso.com')).toHaveLength(1);
    // Someone else's account with the same userName is still a per-user conflict.
    const other = await t.createUser({ ...person('repeat'), externalId: 'entra-someone-else' });
    expect(other.ok).toBe(false);
  });
});
