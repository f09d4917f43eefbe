/**
 * The simulator answers User POST, PUT and PATCH without SCIMMY's schema instances where it can
 * (src-main/demo/lms/fast-users.ts). Its promise: nothing a client can see changes. The same
 * requests go to a simulator that sends everything through SCIMMY; every answer (status,
 * content type, body), every stored account, the outbox and which accounts got a new
 * meta.lastModified must be the same.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLmsSimulator, type LmsSimulator } from '../../../src-main/demo/lms';
import { ENTERPRISE_USER } from '../../../src-main/core/model';
import { createPrng } from '../../helpers/prng';
import { NS, TOKEN } from './helpers';

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ENT = ENTERPRISE_USER;

interface Req {
  method: 'POST' | 'PUT' | 'PATCH' | 'GET';
  /** `{u:userName}` stands for that account's id in each simulator. */
  path: string;
  /** JSON text, with `{u:userName}`, `{d:department}`, `{j:job profile}`, `{p:permission type}` for ids; or raw text. */
  body?: unknown;
  raw?: string;
  contentType?: string;
}

let fast: LmsSimulator;
let slow: LmsSimulator;

beforeAll(async () => {
  fast = await startLmsSimulator({ token: TOKEN });
  slow = await startLmsSimulator({ token: TOKEN, fastWrites: false });
});
afterAll(async () => {
  await fast.close();
  await slow.close();
});

/** Each simulator's ids (random) as names, its origin and times as placeholders. */
function normalise(sim: LmsSimulator, text: string): string {
  let out = text.replaceAll(sim.origin, '<origin>');
  for (const u of sim.users()) out = out.replaceAll(String(u.id), `<u:${String(u.userName)}>`);
  for (const [k, list] of [['d', sim.departments()], ['j', sim.jobProfiles()], ['p', sim.permissionTypes()]] as const) for (const x of list) out = out.replaceAll(x.id, `<${k}:${x.displayName}>`);
  return out.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>');
}

function idsFor(sim: LmsSimulator, text: string): string {
  return text.replace(/\{([udjp]):([^}]*)\}/g, (_, kind: string, name: string) => {
    const found =
      kind === 'u'
        ? sim.userByUserName(name)?.id
        : (kind === 'd' ? sim.departments() : kind === 'j' ? sim.jobProfiles() : sim.permissionTypes()).find((x) => x.displayName === name)?.id;
    return String(found ?? `missing-${name}`);
  });
}

function state(sim: LmsSimulator): { users: unknown[]; outbox: number } {
  const users = sim
    .users()
    .map((u) => JSON.parse(normalise(sim, JSON.stringify(u))) as Record<string, unknown>)
    .sort((a, b) => String(a.userName).localeCompare(String(b.userName)));
  return { users, outbox: sim.outbox().count };
}

const stamps = (sim: LmsSimulator) => new Map(sim.users().map((u) => [String(u.userName), String((u.meta as { lastModified?: string }).lastModified)]));

async function send(sim: LmsSimulator, r: Req) {
  const body = r.raw ?? (r.body === undefined ? undefined : idsFor(sim, JSON.stringify(r.body)));
  const before = stamps(sim);
  const res = await fetch(`${sim.baseUrl}${idsFor(sim, r.path)}`, {
    method: r.method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': r.contentType ?? 'application/scim+json' }) },
    body,
  });
  const text = normalise(sim, await res.text());
  const after = stamps(sim);
  const touched = [...after].filter(([name, t]) => before.get(name) !== t).map(([name]) => name);
  return { status: res.status, contentType: res.headers.get('content-type'), body: text ? (JSON.parse(text) as unknown) : null, touched, state: state(sim) };
}

async function same(r: Req): Promise<number> {
  const a = await send(fast, r);
  const b = await send(slow, r);
  expect(a, `${r.method} ${r.path} ${r.raw ?? JSON.stringify(r.body)}`).toStrictEqual(b);
  return a.status;
}

const patch = (who: string, ...Operations: unknown[]): Req => ({ method: 'PATCH', path: `/Users/{u:${who}}`, body: { schemas: [PATCH_OP], Operations } });
const replace = (path: string | undefined, value: unknown) => ({ op: 'replace', path, value });
const add = (path: string | undefined, value: unknown) => ({ op: 'add', path, value });
const remove = (path: string, value?: unknown) => ({ op: 'remove', path, ...(value === undefined ? {} : { value }) });

describe('the LMS simulator’s fast User writes', () => {
  it('answer POST as SCIMMY does, refusals included', async () => {
    const statuses: number[] = [];
    for (const r of [
      { method: 'POST', path: '/Users', body: { schemas: [CORE], userName: 'new.one@contoso.com', externalId: 'e-1', name: { givenName: 'New', familyName: 'One' }, emails: [{ value: 'new.one@contoso.com', type: 'work', primary: true }], active: true, title: 'Engineer', [ENT]: { department: 'Sales', manager: { value: '{u:dana.lee@contoso.com}' } } } },
      { method: 'POST', path: '/Users', body: { userName: 'bare@contoso.com' } },
      { method: 'POST', path: '/Users', body: { userName: 'Inactive@Contoso.com', active: false, password: 'secret', [`${NS}:department`]: { value: '{d:Sales}' }, [NS]: { contentRegion: 'GB', permissionTypes: [{ value: '{p:Learner}' }], jobProfile: { value: '{j:Engineer}', display: 'Wrong name' } } } },
      { method: 'POST', path: '/Users', body: { userName: 'NEW.ONE@contoso.com' } },
      { method: 'POST', path: '/Users', body: { userName: 'other@contoso.com', externalId: 'e-1' } },
      { method: 'POST', path: '/Users', body: { displayName: 'No userName' } },
      { method: 'POST', path: '/Users', body: { schemas: ['urn:example:other'], userName: 'x@contoso.com' } },
      { method: 'POST', path: '/Users', body: { userName: 'bad.active@contoso.com', active: 'yes' } },
      { method: 'POST', path: '/Users', body: { userName: 'bad.title@contoso.com', title: ['a'] } },
      { method: 'POST', path: '/Users', body: { userName: 'unknown.attr@contoso.com', favouriteColour: 'green', name: { givenName: 'U', nickname: 'x' } } },
      { method: 'POST', path: '/Users', body: { userName: 'bad.ref@contoso.com', [NS]: { department: { value: 'no-such-department' } } } },
      { method: 'POST', path: '/Users', body: { userName: 'bad.manager@contoso.com', [ENT]: { manager: { value: 'no-such-user' } } } },
      { method: 'POST', path: '/Users', body: { userName: 'empty.ext@contoso.com', [ENT]: {}, [NS]: { department: null } } },
      { method: 'POST', path: '/Users?attributes=userName', body: { userName: 'attrs@contoso.com' } },
      { method: 'POST', path: '/Users', body: [] },
      { method: 'POST', path: '/Users', raw: '{not json' },
      { method: 'POST', path: '/Users', raw: 'userName=x', contentType: 'text/plain' },
    ] satisfies Req[])
      statuses.push(await same(r));
    expect(statuses).toContain(201);
    expect(statuses).toContain(409);
    expect(statuses).toContain(400);
  });

  it('answer PUT as SCIMMY does', async () => {
    const current = (name: string) => {
      const u = structuredClone(fast.userByUserName(name)) as Record<string, unknown>;
      delete u.meta;
      return JSON.parse(normalise(fast, JSON.stringify(u)).replace(/<([udjp]):([^>]*)>/g, '{$1:$2}')) as Record<string, unknown>;
    };
    for (const r of [
      { method: 'PUT', path: '/Users/{u:dana.lee@contoso.com}', body: { ...current('dana.lee@contoso.com'), title: 'Lead', schemas: [CORE, ENT, NS] } },
      { method: 'PUT', path: '/Users/{u:bob.smith@contoso.com}', body: { ...current('bob.smith@contoso.com'), active: undefined, displayName: 'Bobby' } },
      { method: 'PUT', path: '/Users/{u:carl.old@contoso.com}', body: { userName: 'carl.old@contoso.com' } },
      { method: 'PUT', path: '/Users/{u:carl.old@contoso.com}', body: { displayName: 'no userName' } },
      { method: 'PUT', path: '/Users/{u:carl.old@contoso.com}', body: { userName: 'dana.lee@contoso.com' } },
      { method: 'PUT', path: '/Users/no-such-id', body: { userName: 'ghost@contoso.com' } },
      { method: 'PUT', path: '/Users/{u:carl.old@contoso.com}', body: { userName: 'carl.old@contoso.com', emails: [{ value: 'carl@x.com', type: 'work', primary: true }, { value: 'carl@y.com', type: 'other' }] } },
      { method: 'PUT', path: '/Users/{u:carl.old@contoso.com}', raw: '{"userName":' },
    ] satisfies Req[])
      await same(r);
  });

  it('answer the PATCHes Rollcall sends, and others, as SCIMMY does', async () => {
    const statuses = new Set<number>();
    const requests: Req[] = [
      // What a first sync sends (lms/writes.ts patchOps).
      patch('anna.berg@contoso.com', replace('externalId', 'entra-anna'), replace('userName', 'anna.larsen@contoso.com'), replace('title', 'Sales Lead'), replace('preferredLanguage', 'sv-SE'), replace('locale', 'sv-SE'), replace(`${ENT}:employeeNumber`, '1001'), replace(`${NS}:department`, { value: '{d:EMEA}', display: 'EMEA' }), replace(`${ENT}:department`, 'EMEA')),
      patch('dana.lee@contoso.com', replace(`${ENT}:manager`, { value: '{u:anna.larsen@contoso.com}' })),
      patch('dana.lee@contoso.com', replace('active', false)),
      patch('dana.lee@contoso.com', replace('active', false)),
      patch('dana.lee@contoso.com', replace('title', 'Sales Lead'), replace('title', 'Sales Lead')),
      patch('robert.smith@contoso.com', replace('name.givenName', 'Rob'), replace('displayName', 'Rob Smith'), replace(`${NS}:jobProfile`, { value: '{j:Engineer}' })),
      patch('robert.smith@contoso.com', replace(`${NS}:permissionTypes`, [{ value: '{p:Learner}' }, { value: '{p:Manager}' }]), replace(`${NS}:approvers`, [{ value: '{u:dana.lee@contoso.com}' }])),
      patch('robert.smith@contoso.com', remove(`${NS}:permissionTypes`), remove(`${NS}:approvers`), remove('title')),
      patch('robert.smith@contoso.com', remove(`${ENT}:department`), remove(`${ENT}:manager`)),
      patch('dana.lee@contoso.com', remove(`${ENT}:manager`), remove(`${ENT}:department`)),
      patch('dana.lee@contoso.com', remove(`${NS}:department`), remove(`${NS}:jobProfile`), remove(`${NS}:contentRegion`)),
      patch('dana.lee@contoso.com', replace(`${NS}:customField1`, 'x'), replace(`${NS}:contentRegion`, 'SE')),
      patch('dana.lee@contoso.com', { op: 'remove', path: 'emails[type eq "work"]' }),
      patch('dana.lee@contoso.com', add('emails', [{ value: 'dana@new.com', type: 'work', primary: true }])),
      patch('dana.lee@contoso.com', replace('emails[type eq "work"].value', 'dana@newer.com')),
      patch('dana.lee@contoso.com', add('emails', { value: 'dana@other.com', type: 'other' })),
      // Sub-attributes, case, null, add.
      patch('carl.old@contoso.com', replace('Name.GivenName', 'Carlos'), replace('TITLE', 'Retired'), replace(`${ENT.toUpperCase()}:Department`, 'Gone')),
      patch('carl.old@contoso.com', replace(`${ENT}:manager.value`, '{u:dana.lee@contoso.com}')),
      patch('dana.lee@contoso.com', replace(`${ENT}:manager`, { value: '{u:carl.old@contoso.com}' }), replace(`${ENT}:manager.value`, '{u:bob.smith@contoso.com}')),
      patch('carl.old@contoso.com', replace('title', null), add('nickName', 'Carl'), add('name', { middleName: 'M' })),
      patch('carl.old@contoso.com', remove('name.givenName'), remove('nickName')),
      patch('carl.old@contoso.com', add(`${NS}:permissionTypes`, [{ value: '{p:Learner}' }]), add(`${NS}:permissionTypes`, { value: '{p:Manager}' })),
      patch('carl.old@contoso.com', add(undefined, { title: 'Back', displayName: 'Carl Back' })),
      patch('carl.old@contoso.com', replace(undefined, { title: 'Whole' })),
      patch('carl.old@contoso.com', replace(ENT, { department: 'Whole extension' })),
      patch('carl.old@contoso.com', remove(`${NS}:permissionTypes`, [{ value: '{p:Learner}' }])),
      // Refusals: values, paths, mutability, uniqueness, references, the message itself.
      patch('carl.old@contoso.com', replace('active', 'yes')),
      patch('carl.old@contoso.com', replace('title', 5)),
      patch('carl.old@contoso.com', replace('title', ['a', 'b'])),
      patch('carl.old@contoso.com', replace('name.givenName', { x: 1 })),
      patch('carl.old@contoso.com', replace('favouriteColour', 'green')),
      patch('carl.old@contoso.com', replace('name.nickname', 'x')),
      patch('carl.old@contoso.com', replace('id', 'new-id')),
      patch('carl.old@contoso.com', replace('meta.created', '2020-01-01T00:00:00Z')),
      patch('carl.old@contoso.com', replace('groups', [{ value: 'g' }])),
      patch('carl.old@contoso.com', replace('password', 'secret')),
      patch('carl.old@contoso.com', remove('userName')),
      patch('carl.old@contoso.com', replace('userName', 'Dana.Lee@contoso.com')),
      patch('carl.old@contoso.com', replace('externalId', 'entra-anna')),
      patch('carl.old@contoso.com', replace(`${NS}:department`, { value: 'no-such-department' })),
      patch('carl.old@contoso.com', replace(`${ENT}:manager`, { value: 'no-such-user' })),
      patch('carl.old@contoso.com', { op: 'bogus', path: 'title', value: 'x' }),
      patch('carl.old@contoso.com', { op: 'Replace', path: 'title', value: 'Capital op' }),
      patch('carl.old@contoso.com', { op: 'add', path: 'title' }),
      patch('carl.old@contoso.com', { op: 'remove' }),
      patch('carl.old@contoso.com'),
      { method: 'PATCH', path: '/Users/{u:carl.old@contoso.com}', body: { Operations: [replace('title', 'no schemas')] } },
      { method: 'PATCH', path: '/Users/{u:carl.old@contoso.com}?attributes=userName', body: { schemas: [PATCH_OP], Operations: [replace('title', 'with attributes')] } },
      { method: 'PATCH', path: '/Users/no-such-id', body: { schemas: [PATCH_OP], Operations: [replace('title', 'x')] } },
      { method: 'PATCH', path: '/Users/{u:carl.old@contoso.com}', raw: '{"schemas":' },
      { method: 'PATCH', path: '/Users/{u:carl.old@contoso.com}', body: [] },
    ];
    for (const r of requests) statuses.add(await same(r));
    expect([...statuses].sort()).toEqual(expect.arrayContaining([200, 204, 400, 404, 409]));
  });

  it('answer random PATCHes as SCIMMY does', async () => {
    const rnd = createPrng(41);
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
    const people = ['lms.admin@contoso.com', 'bob.smith@contoso.com', 'robert.smith@contoso.com', 'dana.lee@contoso.com', 'carl.old@contoso.com', 'new.one@contoso.com', 'bare@contoso.com'];
    const values: Record<string, unknown[]> = {
      title: ['A', 'B', '', null, 3, true],
      displayName: ['X Y', 'Z'],
      active: [true, false, 'false'],
      'name.givenName': ['G', 'H', null],
      'name.familyName': ['F'],
      externalId: ['ext-a', 'ext-b'],
      [`${ENT}:department`]: ['Sales', 'People', ''],
      [`${ENT}:employeeNumber`]: ['1', 2],
      [`${ENT}:manager`]: [{ value: '{u:dana.lee@contoso.com}' }, { value: '{u:bob.smith@contoso.com}', displayName: 'x' }, {}, { value: 'nobody' }],
      [`${ENT}:manager.value`]: ['{u:bob.smith@contoso.com}'],
      [`${NS}:department`]: [{ value: '{d:Sales}' }, { value: '{d:People}', display: 'People' }, { value: 'nowhere' }, { display: 'only a name' }],
      [`${NS}:jobProfile`]: [{ value: '{j:Engineer}' }, { value: '{j:Employee}' }],
      [`${NS}:permissionTypes`]: [[{ value: '{p:Learner}' }], [], { value: '{p:Manager}' }],
      [`${NS}:approvers`]: [[{ value: '{u:dana.lee@contoso.com}' }], [{ value: 'nobody' }]],
      [`${NS}:contentRegion`]: ['GB', 'SE'],
      emails: [[{ value: 'e@x.com', type: 'work', primary: true }], { value: 'o@x.com', type: 'other' }],
    };
    const paths = Object.keys(values);
    for (let i = 0; i < 150; i++) {
      const ops = Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => {
        const path = pick(paths);
        const op = pick(['replace', 'replace', 'add', 'remove']);
        return op === 'remove' ? remove(path) : { op, path, value: pick(values[path] ?? []) };
      });
      await same(patch(pick(people), ...ops));
    }
  });
});
