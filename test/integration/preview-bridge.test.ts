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
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

async function bridgeToken(): Promise<string> {
  const script = await request(new URL(BRIDGE_PATH, server.url).href, {});
  const match = /const token="([^"]+)"/.exec(script.body);
  if (!match?.[1]) throw new Error('no token in bridge script');
  return match[1];
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

  it('serves the renderer with the bridge script injected before the app, under the strict CSP', async () => {
    const page = await request(server.url, {});
    expect(page.status).toBe(200);
    expect(page.body.indexOf(BRIDGE_PATH)).toBeGreaterThan(0);
    expect(page.body.indexOf(BRIDGE_PATH)).toBeLessThan(page.body.indexOf('assets/app.js'));
    const res = await fetch(server.url);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect((await request(new URL('/assets/app.js', server.url).href, {})).body).toContain('console.log');
  });

  it('round-trips the real API with the per-run token', async () => {
    const token = await bridgeToken();
    const headers = { 'content-type': 'application/json', 'x-rollcall-token': token };
    const created = await request(new URL('/__rollcall/api/createIntegration', server.url).href, { method: 'POST', headers, body: JSON.stringify({ input: { config: VALID_CONFIG } }) });
    expect(JSON.parse(created.body)).toMatchObject({ ok: true, value: { name: VALID_CONFIG.name, status: 'setup' } });
    const list = await request(new URL('/__rollcall/api/listIntegrations', server.url).href, { method: 'POST', headers, body: '{}' });
    expect(JSON.parse(list.body)).toMatchObject({ ok: true, value: [{ name: VALID_CONFIG.name }] });
    const bad = await request(new URL('/__rollcall/api/getIntegration', server.url).href, { method: 'POST', headers, body: JSON.stringify({ input: { id: '../x' } }) });
    expect(JSON.parse(bad.body)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('refuses API calls without the token, from another origin, or for another host name', async () => {
    const token = await bridgeToken();
    const api = new URL('/__rollcall/api/listIntegrations', server.url).href;
    expect((await request(api, { method: 'POST', headers: { 'x-rollcall-token': 'wrong' }, body: '{}' })).status).toBe(401);
    expect((await request(api, { method: 'POST', body: '{}' })).status).toBe(401);
    expect((await request(api, { method: 'POST', headers: { 'x-rollcall-token': token, origin: 'http://evil.example' }, body: '{}' })).status).toBe(403);
    expect((await request(api, { method: 'POST', headers: { 'x-rollcall-token': token, host: 'evil.example' }, body: '{}' })).status).toBe(421);
    expect((await request(api, { method: 'GET', headers: { 'x-rollcall-token': token } })).status).toBe(405);
  });

  it('never serves files outside the renderer folder', async () => {
    const res = await request(new URL('/..%2Foutside.txt', server.url).href, {});
    expect(res.body).not.toContain('must not be served');
  });

  it('each run gets a new token', async () => {
    await withTempDir(async (dir) => {
      const ctx = await testContext(dir);
      const other = await startPreviewServer({ ctx, rendererDir: path.join(root, 'renderer') });
      try {
        const otherScript = await request(new URL(BRIDGE_PATH, other.url).href, {});
        expect(otherScript.body).not.toContain(await bridgeToken());
      } finally {
        await other.close();
      }
    });
  });
});
