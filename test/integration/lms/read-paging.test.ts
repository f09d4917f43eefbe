/**
 * The full read maps users page by page as pages arrive, in any order. References by id (manager,
 * approvers) must still come out as they would from mapping after the whole read: named when the
 * person is anywhere in the LMS, left as the id when they are not.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, ENT, P, TOKEN, unwrap } from './helpers';

const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

/** Pages of two; every user's manager is on a later page, except the last one's (nobody). */
const users = [
  { id: 'u1', userName: 'ann@x.test', [ENT]: { manager: { value: 'u5' } } },
  { id: 'u2', userName: 'bo@x.test', [ENT]: { manager: { value: 'u1' } } },
  { id: 'u3', userName: 'cy@x.test', [ENT]: { manager: 'u6' } },
  { id: 'u4', USERNAME: 'dee@x.test', [ENT]: { manager: { value: 'u3' } } },
  { id: 'u5', userName: 'eve@x.test', [ENT]: { manager: { value: 'u4' } } },
  { id: 'u6', userName: 'fay@x.test', [ENT]: { manager: { value: 'gone' } } },
];

let server: http.Server;
let baseUrl = '';
const send = (res: http.ServerResponse, body: unknown): void => {
  res.writeHead(200, { 'content-type': 'application/scim+json' });
  res.end(JSON.stringify(body));
};

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname.replace('/scim/v2', '');
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return void res.writeHead(401).end();
    if (path === '/ServiceProviderConfig') return send(res, { filter: { supported: true, maxResults: 2 }, patch: { supported: true } });
    if (path === '/ResourceTypes') return send(res, { Resources: [{ name: 'User', endpoint: '/Users', schema: CORE_USER, schemaExtensions: [{ schema: ENT }] }] });
    if (path === '/Schemas') return send(res, { Resources: [] });
    if (path === '/Users') {
      const start = Number(url.searchParams.get('startIndex') ?? 1);
      // Later pages answer sooner, so pages arrive out of order.
      setTimeout(() => send(res, { totalResults: users.length, Resources: users.slice(start - 1, start + 1) }), Math.max(0, 30 - start * 5));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/scim/v2`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('full read of users whose managers are on other pages', () => {
  it('names managers read on any page, whatever order the pages arrive in', async () => {
    const t = client(baseUrl, { concurrency: 3 });
    const snap = unwrap(await t.readAll());
    t.close();
    const managerOf = Object.fromEntries(snap.users.map((u) => [u.id, u.attributes[P.manager]]));
    expect(snap.users.map((u) => u.id)).toEqual(expect.arrayContaining(['u1', 'u2', 'u3', 'u4', 'u5', 'u6']));
    expect(managerOf).toEqual({
      u1: 'eve@x.test',
      u2: 'ann@x.test',
      u3: 'fay@x.test',
      // u4's userName is under another spelling, so it is not known by id: the reference stays the id.
      u4: 'cy@x.test',
      u5: 'u4',
      // Nobody has this id.
      u6: 'gone',
    });
    expect(snap.complete).toBe(true);
  });
});
