/** Shared e2e helpers: keychain skip, secret-free screenshots, calls through the page's bridge. */
import path from 'node:path';
import { expect, type Page } from '@playwright/test';
import type { RollcallApi } from '../../src-preload/api';
import { missingSystemPart } from '../helpers/system';
import { SCREENSHOT_DIR } from './preview';

declare global {
  interface Window {
    rollcall?: RollcallApi;
  }
}

/** Null when the page's main process can use the OS keychain; otherwise why the test must skip. */
export async function keychainSkipReason(page: Page): Promise<string | null> {
  const info = await page.evaluate(() => window.rollcall?.getAppInfo());
  if (info?.ok && info.value.keychain.available) return null;
  const why = info?.ok ? (info.value.keychain.problem?.message ?? 'keychain unavailable') : 'getAppInfo failed';
  return missingSystemPart('The OS keychain (Secret Service)', `${why}; run the suite with scripts/with-keyring.sh`);
}

/** Every secret the test typed must be absent from the page: text, input values and markup. */
export async function expectNoSecrets(page: Page, secrets: readonly string[]): Promise<void> {
  const seen = await page.evaluate(() => ({
    text: document.body.innerText,
    html: document.documentElement.outerHTML,
    values: Array.from(document.querySelectorAll('input, textarea')).map((e) => (e as HTMLInputElement).value),
  }));
  for (const s of secrets) {
    expect(seen.text.includes(s), `a secret appears in the page text`).toBe(false);
    expect(seen.html.includes(s), `a secret appears in the DOM`).toBe(false);
    expect(seen.values.some((v) => v.includes(s)), `a secret appears in an input value`).toBe(false);
  }
}

/** Saves test-results/screenshots/<name>.png after checking that no secret is on the page. */
export async function snap(page: Page, name: string, secrets: readonly string[] = []): Promise<void> {
  await expectNoSecrets(page, secrets);
  // The window scrolls inside <main>: grow the viewport to the content for the picture, then restore it.
  const size = page.viewportSize() ?? { width: 1280, height: 800 };
  const extra = await page.evaluate(() => {
    const main = document.querySelector('main');
    return main ? main.scrollHeight - main.clientHeight : 0;
  });
  if (extra > 0) await page.setViewportSize({ width: size.width, height: Math.min(size.height + extra, 4000) });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), animations: 'disabled' });
  if (extra > 0) await page.setViewportSize(size);
}

/** Runs a dry run from the dry-run page and waits for it to finish. */
export async function dryRun(page: Page): Promise<void> {
  await page.getByTestId('run-dry-run').click();
  await expect(page.getByTestId('run-progress')).toBeVisible();
  await expect(page.getByTestId('run-progress')).toHaveCount(0, { timeout: 60_000 });
}

/** The one conflict the search finds, opened; its detail once loaded. */
export async function openConflict(page: Page, search: string) {
  await page.getByTestId('plan-search').fill(search);
  const row = page.locator('[data-testid="plan-row"][data-kind="conflict"]');
  await expect(row).toHaveCount(1);
  await row.click();
  const detail = page.getByTestId('op-detail');
  await expect(detail).toHaveAttribute('data-state', 'ready');
  return detail;
}

/**
 * Opens the preview, starts "Try with a demo tenant" and waits for its first dry run's rows.
 * Returns the page errors seen from then on (a test ends by expecting none).
 */
export async function openDemo(page: Page, url: string): Promise<string[]> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  await page.getByTestId('try-demo').click();
  await expect(page).toHaveURL(/#\/dry-run\/int-/);
  await expect(page.getByTestId('plan-row').first()).toBeVisible({ timeout: 60_000 });
  return errors;
}
