import { mkdir, writeFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BRIDGE_PATH, startPreviewServer, type PreviewServer } from '../../src-main/preview/server';
import { testContext, VALID_CONFIG } from '../helpers/context';
import { withTempDir } from '../helpers/tmp';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';

let server: PreviewServer;
let root: string;

/** Raw request, so tests can send the headers a browser would not let a page forge. */
function request(url: string, options: { method?: string; headers?: Record<string, string>; body?: string }) {
  return new Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Opens the printed address like a browser and returns the session cookie it is given. */
async function signIn(): Promise<string> {
  const res = await request(server.url, {});
  expect(res.status).toBe(303);
  const cookie = res.headers['set-cookie']?.[0] ?? '';
  expect(cookie).toMatch(/HttpOnly/);
  expect(cookie).toMatch(/SameSite=Strict/);
  return cookie.split(';')[0] ?? '';
}

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'rollcall-preview-'));
  const rendererDir = path.join(root, 'renderer');
  await mkdir(path.join(rendererDir, 'assets'), { recursive: true });
  await writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><html><head><title>t</title></head><body><script type="module" src="./assets/app.js"></script></body></html>');
  await writeFile(path.join(rendererDir, 'assets', 'app.js'), 'console.log("app")');
  await writeFile(path.join(root, 'outside.txt'), 'must not be served');
  const ctx = await testContext(path.join(root, 'data'));
  server = await startPreviewServer({ ctx, rendererDir });
});

afterAll(async () => {
  await server.close();
  await rm(root, { recursive: true, force: true });
});

describe('browser preview bridge', () => {
  it('listens on 127.0.0.1 only', () => {
    expect(new URL(server.url).hostname).toBe('127.0.0.1');
  });

  it('shows the app only to the browser that opened the printed address', async () => {
    const origin = new URL(server.url).origin;
    // Without the key: no app, and nothing served reveals the key.
    const anonymous = await request(`${origin}/`, {});
    expect(anonymous.status).toBe(401);
    const key = new URL(server.url).searchParams.get('key') ?? '';
    expect(key.length).toBeGreaterThan(20);
    const bridge = await request(`${origin}${BRIDGE_PATH}`, {});
    expect(bridge.body).not.toContain(key);
    expect((await request(`${origin}/?key=wrong`, {})).status).toBe(401);
    // With it: a session cookie, then the page with the bridge injected before the app, under the CSP.
    const cookie = await signIn();
    const page = await request(`${origin}/`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.body.indexOf(BRIDGE_PATH)).toBeGreaterThan(0);
    expect(page.body.indexOf(BRIDGE_PATH)).toBeLessThan(page.body.indexOf('assets/app.js'));
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect((await request(`${origin}/assets/app.js`, {})).body).toContain('console.log');
  });

  it('round-trips the real API for the signed-in browser', async () => {
    const origin = new URL(server.url).origin;
    const headers = { 'content-type': 'application/json', 'x-rollcall-bridge': '1', cookie: await signIn() };
    const created = await request(`${origin}/__rollcall/api/createIntegration`, { method: 'POST', headers, body: JSON.stringify({ input: { config: VALID_CONFIG } }) });
    expect(JSON.parse(created.body)).toMatchObject({ ok: true, value: { name: VALID_CONFIG.name, status: 'setup' } });
    const list = await request(`${origin}/__rollcall/api/listIntegrations`, { method: 'POST', headers, body: '{}' });
    expect(JSON.parse(list.body)).toMatchObject({ ok: true, value: [{ name: VALID_CONFIG.name }] });
    const bad = await request(`${origin}/__rollcall/api/getIntegration`, { method: 'POST', headers, body: JSON.stringify({ input: { id: '../x' } }) });
    expect(JSON.parse(bad.body)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('refuses API calls without the session, without the bridge header, from another origin, or for another host name', async () => {
    const origin = new URL(server.url).origin;
    const api = `${origin}/__rollcall/api/listIntegrations`;
    const cookie = await signIn();
    const bridge = { 'x-rollcall-bridge': '1' };
    expect((await request(api, { method: 'POST', headers: bridge, body: '{}' })).status).toBe(401);
    expect((await request(api, { method: 'POST', headers: { ...bridge, cookie: 'rollcall_session=wrong' }, body: '{}' })).status).toBe(401);
    expect((await request(api, { method: 'POST', headers: { cookie }, body: '{}' })).status).toBe(401);
    expect((await request(api, { method: 'POST', headers: { ...bridge, cookie, origin: 'http://evil.example' }, body: '{}' })).status).toBe(403);
    expect((await request(api, { method: 'POST', headers: { ...bridge, cookie, host: 'evil.example' }, body: '{}' })).status).toBe(421);
    expect((await request(api, { method: 'GET', headers: { ...bridge, cookie } })).status).toBe(405);
  });

  it('never serves files outside the renderer folder', async () => {
    const res = await request(new URL('/..%2Foutside.txt', server.url).href, {});
    expect(res.body).not.toContain('must not be served');
  });

  it('each run gets a new key', async () => {
    await withTempDir(async (dir) => {
      const ctx = await testContext(dir);
      const other = await startPreviewServer({ ctx, rendererDir: path.join(root, 'renderer') });
      try {
        expect(new URL(other.url).searchParams.get('key')).not.toBe(new URL(server.url).searchParams.get('key'));
      } finally {
        await other.close();
      }
    });
  });
});
