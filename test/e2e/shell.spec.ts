import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { RollcallApi } from '../../src-preload/api';
import { chromiumSkipReason, ROOT, startPreview, type RunningPreview } from './preview';

declare global {
  interface Window {
    rollcall?: RollcallApi;
  }
}

const skip = chromiumSkipReason();
test.skip(skip !== null, skip ?? '');

const VERSION = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
let preview: RunningPreview;

test.beforeAll(async () => {
  preview = await startPreview();
});
test.afterAll(async () => {
  await preview?.stop();
});

test('the shell renders and talks to the real main-process services', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });

  await page.goto(preview.url);
  await expect(page.getByRole('heading', { name: 'Rollcall', level: 1 })).toBeVisible();
  // Status bar values come from getAppInfo over the bridge.
  await expect(page.getByTestId('app-version')).toHaveText(`Rollcall ${VERSION}`);
  await expect(page.getByTestId('data-dir')).toContainText(preview.dataDir);
  await expect(page.getByTestId('integrations-empty')).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/integrations-empty.png' });

  // Create an integration through the same window.rollcall the UI uses; it is validated in main.
  const bad = await page.evaluate(() => window.rollcall?.createIntegration({ config: { name: '', source: { kind: 'entra', tenantId: 'x', clientId: 'y' }, target: { kind: 'scim', baseUrl: 'nope' } } } as never));
  expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  const created = await page.evaluate(() =>
    window.rollcall?.createIntegration({
      config: {
        name: 'Contoso → Learning',
        source: { kind: 'entra', tenantId: 'contoso.onmicrosoft.com', clientId: '6f1c2a4e-1b2c-4d5e-8f90-1234567890ab' },
        target: { kind: 'scim', baseUrl: 'https://lms.example.com/scim/v2' },
      },
    }),
  );
  expect(created).toMatchObject({ ok: true, value: { status: 'setup' } });

  await page.reload();
  const card = page.getByTestId('integration-card');
  await expect(card).toHaveCount(1);
  await expect(card).toContainText('Contoso → Learning');
  await expect(card).toContainText('Setup incomplete');
  await expect(card).toHaveAttribute('data-status', 'setup');
  await page.screenshot({ path: 'test-results/screenshots/integrations.png' });

  // Every page of the design is reachable from the navigation.
  for (const name of ['Setup wizard', 'Dry run', 'Troubleshoot user', 'History']) {
    await page.getByRole('tab', { name }).click();
    await expect(page.getByRole('heading', { name, level: 2 })).toBeVisible();
  }
  expect(errors).toEqual([]);
});

test('the page cannot reach Node or Electron: only the typed API is exposed', async ({ page }) => {
  await page.goto(preview.url);
  await expect(page.getByTestId('app-version')).toBeVisible();
  const globals = await page.evaluate(() => ({
    require: typeof (window as unknown as { require?: unknown }).require,
    process: typeof (window as unknown as { process?: unknown }).process,
    ipcRenderer: typeof (window as unknown as { ipcRenderer?: unknown }).ipcRenderer,
    methods: Object.keys(window.rollcall ?? {}).sort(),
  }));
  expect(globals.require).toBe('undefined');
  expect(globals.process).toBe('undefined');
  expect(globals.ipcRenderer).toBe('undefined');
  expect(globals.methods).toContain('listIntegrations');
  // The session key is in an HttpOnly cookie: no script on the page can read it, and the bridge has none.
  expect(await page.evaluate(() => document.cookie)).toBe('');
  const bridge = await page.evaluate(async () => (await fetch('/__rollcall/bridge.js')).text());
  expect(bridge).not.toContain(new URL(preview.url).searchParams.get('key') ?? 'no key');
  // A request that does not come from the bridge (no bridge header) is refused.
  const status = await page.evaluate(async () => (await fetch('/__rollcall/api/listIntegrations', { method: 'POST', body: '{}' })).status);
  expect(status).toBe(401);
});
