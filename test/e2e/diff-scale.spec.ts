/**
 * The diff viewer with a 100,000-op plan (written straight into the preview's plan cache, as a
 * 100k-user dry run would leave it): it loads without the plan crossing the bridge whole, filters
 * in main, fetches an expanded row's field changes on demand, scrolls, exports the filtered rows
 * complete, and the deactivation-threshold guard makes the Apply dialog ask for the number typed back.
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { Plan, PlanOp } from '../../src-preload/api-types';
import { saveCached } from '../../src-main/sync/snapshot-cache';
import { snap } from './helpers';
import { chromiumSkipReason, startPreview, type RunningPreview } from './preview';

const skip = chromiumSkipReason();
test.skip(skip !== null, skip ?? '');
test.describe.configure({ timeout: 90_000 });

const N = 100_000;
const DEPT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department';

function bigPlan(integrationId: string): Plan {
  const ops: PlanOp[] = [];
  for (let i = 0; i < N; i++) {
    const kind = i % 50 === 0 ? 'deactivate' : i % 3 === 0 ? 'update' : 'create';
    const email = `user.${i}@contoso.example`;
    ops.push({
      kind,
      sourceId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      targetId: kind === 'create' ? null : `lms-${i}`,
      email,
      displayName: `User ${i}`,
      reason: kind === 'deactivate' ? 'left_scope' : kind === 'update' ? 'attributes_changed' : 'new_in_scope',
      detail: `User ${i} ${kind === 'deactivate' ? 'left the scope' : kind === 'update' ? 'has changed attributes' : 'is new in scope'}.`,
      changes: kind === 'deactivate' ? [{ field: 'active', from: 'true', to: 'false' }] : [{ field: DEPT, from: null, to: ['Contoso', i % 7 === 0 ? '\uFEFFSales' : 'Engineering'] }, { field: 'title', from: null, to: 'Engineer' }],
      phase: 'users',
    });
  }
  const deactivate = ops.filter((o) => o.kind === 'deactivate').length;
  const update = ops.filter((o) => o.kind === 'update').length;
  return {
    integrationId,
    createdAt: new Date().toISOString(),
    sourceReadMode: 'full',
    targetReadMode: 'full',
    summary: { create: N - deactivate - update, update, deactivate, reactivate: 0, conflict: 0, skip: 0, unchanged: 0 },
    ops,
    departmentsToCreate: [],
    // Two departments this integration made that nobody is in after this sync (core/departments.ts).
    unusedDepartments: [
      { id: 'd-temp', path: ['Contoso', 'Temp'] },
      { id: 'd-old', path: ['Contoso', 'Old projects'] },
    ],
    guards: [{ code: 'deactivation_threshold', blocking: true, confirmable: true, message: `${deactivate} users would be deactivated, more than the threshold of 500.`, fix: 'Check the scope rules; if this is expected, confirm the number.', count: deactivate, limit: 500 }],
  };
}

let preview: RunningPreview;
test.beforeAll(async () => {
  preview = await startPreview();
});
test.afterAll(async () => {
  await preview?.stop();
});

test('100,000 ops: loads, filters and scrolls a virtualised window; the threshold guard needs the number typed back', async ({ page }) => {
  // The largest answer of the bridge: the page must never ask for the whole plan at once.
  let largestAnswer = 0;
  page.on('response', (r) => {
    if (r.url().includes('/__rollcall/api/')) void r.body().then((b) => (largestAnswer = Math.max(largestAnswer, b.length)), () => undefined);
  });
  await page.goto(preview.url);
  // The demo integration: it has (in-memory) credentials, so it can be enabled and Apply is offered.
  const created = await page.evaluate(() => window.rollcall?.startDemo());
  if (!created?.ok) throw new Error('could not start the demo integration');
  const id = created.value.id;
  const enabled = await page.evaluate((i) => window.rollcall?.setIntegrationEnabled({ id: i, enabled: true }), id);
  expect(enabled).toMatchObject({ ok: true });
  await mkdir(path.join(preview.dataDir, 'integrations'), { recursive: true });
  // Saved as a dry run saves it: the plan and its rows file, which the viewer reads instead of the plan.
  await saveCached(preview.dataDir, id, 'plan', bigPlan(id));

  await page.goto(`${preview.url}#/dry-run/${id}`);
  await page.reload();
  await expect(page.getByTestId('row-count')).toHaveText('100,000 changes', { timeout: 30_000 });
  // Only the rows in view are in the DOM.
  expect(await page.getByTestId('plan-row').count()).toBeLessThan(80);
  await expect(page.getByTestId('guard')).toContainText('threshold');
  // The departments it made that nobody is in any more, named beside the counts (Rollcall never deletes them).
  await expect(page.getByTestId('unused-departments')).toHaveText(
    '2 departments this integration created have nobody in them after this sync: Contoso / Temp; Contoso / Old projects. Nobody active is in them or in a department below. Rollcall never deletes a department (it may hold reports or courses): if they are no longer needed, remove them in the LMS.',
  );

  // Filtering by text and kind over 100k ops (how fast is measured by `npm run bench`, not here).
  await page.getByTestId('plan-search').fill('user.99995@');
  await expect(page.getByTestId('row-count')).toHaveText('1 of 100,000 changes');
  const found = page.getByTestId('plan-row');
  await expect(found).toHaveCount(1);
  await expect(found).toHaveAttribute('data-email', 'user.99995@contoso.example');
  // Expanding the row asks main for that op's field changes (they are not in the row data).
  await found.press('Enter');
  const detail = page.getByTestId('op-detail');
  await expect(detail).toHaveAttribute('data-state', 'ready');
  await expect(detail.getByTestId('field-change')).toHaveCount(2);
  await expect(detail.getByTestId('field-change').first()).toContainText('⟨U+FEFF⟩Sales');
  await expect(detail.getByTestId('field-change').nth(1)).toContainText('Engineer');
  await found.press('Enter');
  await expect(detail).toHaveCount(0);
  await page.getByTestId('plan-search').fill('');
  await page.getByTestId('filter-deactivate').click();
  await expect(page.getByTestId('row-count')).toHaveText('2,000 of 100,000 changes');
  await page.getByTestId('filter-deactivate').click();
  await expect(page.getByTestId('row-count')).toHaveText('100,000 changes');

  // Export of the rows shown is complete and carries every field change, fetched from main in chunks.
  await page.getByTestId('filter-update').click();
  await expect(page.getByTestId('row-count')).toHaveText('32,667 of 100,000 changes');
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByTestId('export-csv').click()]);
  const csv = await readFile((await download.path()) ?? '', 'utf8');
  const lines = csv.trimEnd().split('\r\n');
  expect(lines).toHaveLength(32_667 + 1);
  expect(lines[1]).toContain('update,attributes_changed,user.3@contoso.example');
  expect(lines.at(-1)).toContain('user.99999@contoso.example');
  expect(csv).toContain('title: (empty) → Engineer');
  await page.getByTestId('filter-update').click();
  await expect(page.getByTestId('row-count')).toHaveText('100,000 changes');

  // Scrolling to the end renders the last rows; keyboard End moves focus there too.
  await page.getByTestId('plan-row').first().focus();
  await page.keyboard.press('End');
  await expect(page.locator('[data-email="user.99999@contoso.example"]')).toBeFocused();
  // Half-way down the list, the rows around the middle are rendered, and still only a window of them.
  await page.getByTestId('plan-scroller').evaluate((el) => (el.scrollTop = el.scrollHeight / 2));
  await expect(page.locator('[data-testid="plan-row"][data-email^="user.4"], [data-testid="plan-row"][data-email^="user.5"]').first()).toBeVisible();
  expect(await page.getByTestId('plan-row').count()).toBeLessThan(80);

  // Apply is guarded: the number of deactivations must be typed back.
  await page.getByTestId('apply').click();
  const dialog = page.getByRole('alertdialog');
  const confirm = dialog.getByRole('button', { name: 'Apply', exact: true });
  await expect(confirm).toBeDisabled();
  await dialog.getByTestId('confirm-deactivations').fill('1999');
  await expect(confirm).toBeDisabled();
  await dialog.getByTestId('confirm-deactivations').fill('2000');
  await expect(confirm).toBeEnabled();
  await snap(page, 'diff-apply-threshold');
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  // Rows, details and export chunks are small answers; the 100,000-op plan itself is ~30 MB.
  expect(largestAnswer).toBeGreaterThan(0);
  expect(largestAnswer).toBeLessThan(5_000_000);
});
