/**
 * A link table that links one person to two LMS accounts (a restored old copy, a hand edit): the
 * dry run shows a conflict whose accounts both say they are linked to this person, and warns that
 * a Relink leaves the other account unmanaged. Relink keeps one; the next dry run has no conflict
 * for them. The demo's Max Multi has two LMS accounts; the test links him to both behind the
 * preview's back, through the store, as a damaged file would.
 */
import { expect, test, type Page } from '@playwright/test';
import { Store } from '../../src-main/store/store';
import { dryRun, openConflict, openDemo, snap } from './helpers';
import { previewForThisFile } from './preview';

const preview = previewForThisFile(120_000);

/** Max's row, found by e-mail among the conflicts, opened. */
const openMax = (page: Page) => openConflict(page, 'max.');

test('a person linked to two LMS accounts: both shown as theirs, Relink keeps one and says what becomes of the other', async ({ page }) => {
  const errors = await openDemo(page, preview().url);
  const integrationId = /#\/dry-run\/([^/?]+)/.exec(page.url())?.[1] ?? '';

  // Before: two unlinked accounts answer to Max's address.
  let detail = await openMax(page);
  await expect(detail.getByTestId('candidate-account')).toHaveCount(2);
  await expect(detail.getByTestId('candidate-owner')).toHaveText(['Not linked by this integration.', 'Not linked by this integration.']);
  await expect(detail.getByTestId('relink-unlinks')).toHaveCount(0);
  const sourceId = /Entra id: (\S+)/.exec(await detail.innerText())?.[1] ?? '';
  const accounts = (await detail.getByTestId('candidate-account').allInnerTexts()).map((t) => /LMS id (\S+)/.exec(t)?.[1] ?? '');
  expect(sourceId).not.toBe('');
  expect(accounts.every((id) => id !== '')).toBe(true);

  // The damage: Max linked to both.
  const store = await Store.open(preview().dataDir);
  await (await store.links(integrationId)).update((f) => {
    for (const targetId of accounts) f.links.push({ integrationId, sourceId, targetId, origin: 'matched', linkedAt: new Date().toISOString(), emailAtLink: null });
  });

  await dryRun(page);
  detail = await openMax(page);
  await expect(detail).toContainText('links this person to 2 LMS accounts');
  await expect(detail.getByTestId('candidate-owner')).toHaveText(['Linked to this person.', 'Linked to this person.']);
  await expect(detail.getByTestId('relink-unlinks')).toContainText('linked to 2 of these accounts');
  await expect(detail.getByTestId('relink-unlinks')).toContainText('the other is then no longer managed by Rollcall');
  await snap(page, 'diff-conflict-linked-twice');

  // Relink keeps one link; the next dry run settles Max on that account.
  const keep = detail.getByRole('button', { name: `Relink to LMS account ${accounts[0] ?? ''}` });
  await keep.click();
  // It leaves the other account unmanaged: asked first, and nothing changes until confirmed.
  await expect(detail.getByTestId('relink-confirm')).toContainText(`(${accounts[1] ?? ''}) is no longer managed by Rollcall`);
  // One question at a time: the other Relink and Ignore wait; the keyboard is in the question.
  await expect(detail.getByRole('button', { name: `Relink to LMS account ${accounts[1] ?? ''}` })).toBeDisabled();
  await expect(detail.getByTestId('conflict-ignore')).toBeDisabled();
  await expect(detail.getByTestId('relink-confirm').getByRole('button', { name: 'Cancel' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(detail.getByTestId('relink-confirm')).toHaveCount(0);
  await expect(keep).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(detail.getByTestId('relink-confirm')).toBeVisible();
  expect((await (await store.links(integrationId)).refreshIfChanged()).links.filter((l) => l.sourceId === sourceId)).toHaveLength(2);
  await snap(page, 'diff-relink-confirm');
  await detail.getByTestId('relink-confirm-yes').click();
  await expect(detail.getByTestId('conflict-resolved')).toContainText(`Linked to the LMS account ${accounts[0] ?? ''}`);
  const links = (await (await store.links(integrationId)).refreshIfChanged()).links.filter((l) => l.sourceId === sourceId);
  expect(links.map((l) => l.targetId)).toEqual([accounts[0]]);
  await dryRun(page);
  await page.getByTestId('plan-search').fill('max.');
  await expect(page.locator('[data-testid="plan-row"][data-kind="conflict"]')).toHaveCount(0);
  expect(errors).toEqual([]);
});
