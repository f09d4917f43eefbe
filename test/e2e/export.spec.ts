/**
 * "The wizard can export the same format": a card's Export settings downloads exactly the JSON
 * `rollcall integration add --config FILE` reads, and no secret.
 */
import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { IntegrationConfigSchema } from '../../src-main/core/config';
import { DEMO_APPS } from '../../src-main/demo/graph';
import { DEMO_LMS_TOKEN } from '../../src-main/demo/tenant';
import './helpers';
import { previewForThisFile } from './preview';

const preview = previewForThisFile();

test('export settings gives the versioned config file of the CLI, without secrets', async ({ page }) => {
  await page.goto(preview().url);
  const demo = await page.evaluate(() => window.rollcall?.startDemo());
  if (!demo?.ok) throw new Error('startDemo failed');
  await page.reload();
  await page.getByRole('button', { name: `More actions for ${demo.value.name}` }).click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-config').click()]);
  const text = await readFile((await download.path()) ?? '', 'utf8');
  const parsed = IntegrationConfigSchema.safeParse(JSON.parse(text));
  expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
  expect(parsed.data).toMatchObject({ version: 1, name: demo.value.name, source: { tenantId: demo.value.config.source.tenantId } });
  expect(text).not.toContain(DEMO_APPS.main.secret);
  expect(text).not.toContain(DEMO_LMS_TOKEN);
});
