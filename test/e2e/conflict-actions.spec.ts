/**
 * A conflict's actions in the dry run, for a keyboard user and with "Create users" off. The demo's
 * Carla Newname has an LMS account under her old address (now an alias of hers): the conflict
 * offers Relink, "Not theirs" and Ignore. One question is open at a time, the keyboard goes into
 * it and comes back from it; and with "Create users" off, "Not theirs" says that no account is
 * created, and where to turn it on, which the next dry run bears out. The wizard then lists her
 * among the new accounts confirmed by name, not by object id.
 */
import { expect, test, type Page } from '@playwright/test';
import { dryRun, openConflict, openDemo } from './helpers';
import { previewForThisFile } from './preview';

const preview = previewForThisFile(120_000);

/** Carla's conflict, found by e-mail, opened. */
async function openCarla(page: Page) {
  const detail = await openConflict(page, 'carla.newname@');
  await expect(detail).toContainText("matches one of this person's other addresses");
  return detail;
}

test('one question at a time, with the keyboard in it; "Not theirs" with "Create users" off says no account is created', async ({ page }) => {
  const errors = await openDemo(page, preview().url);

  let detail = await openCarla(page);
  const relink = detail.getByRole('button', { name: /^Relink to LMS account/ });
  const notTheirs = detail.getByTestId('conflict-new-account');
  const ignore = detail.getByTestId('conflict-ignore');
  const question = detail.getByTestId('new-account-confirm');
  await expect(notTheirs).toHaveText('Not theirs: create a new account');

  // Asked from the keyboard: the question takes the keyboard (on its Cancel, the safe answer), and
  // the other actions wait until it is answered, so no second question opens beside it.
  await notTheirs.focus();
  await page.keyboard.press('Enter');
  await expect(question).toBeVisible();
  await expect(question.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await expect(relink).toBeDisabled();
  await expect(ignore).toBeDisabled();
  await expect(notTheirs).toBeDisabled();

  // Escape takes the question back, and the keyboard returns to the button that asked it.
  await page.keyboard.press('Escape');
  await expect(question).toHaveCount(0);
  await expect(notTheirs).toBeFocused();
  await expect(relink).toBeEnabled();
  await expect(ignore).toBeEnabled();
  // So does Cancel.
  await page.keyboard.press('Enter');
  await expect(question.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(question).toHaveCount(0);
  await expect(notTheirs).toBeFocused();

  // One question on the page, not one per conflict: with another conflict open too, its actions
  // wait while Carla's question is open, and say why.
  await page.getByTestId('plan-search').fill('');
  await page.getByTestId('filter-conflict').click();
  const conflictRows = page.locator('[data-testid="plan-row"][data-kind="conflict"]');
  await expect(conflictRows.nth(1)).toBeVisible();
  const carlaRow = conflictRows.filter({ hasText: 'carla.newname@' });
  const otherRow = conflictRows.filter({ hasNotText: 'carla.newname@' }).first();
  await otherRow.click();
  const details = page.getByTestId('op-detail');
  await expect(details).toHaveCount(2);
  const carlaDetail = details.filter({ hasText: "matches one of this person's other addresses" });
  const otherDetail = details.filter({ hasNotText: "matches one of this person's other addresses" });
  await expect(otherDetail.getByTestId('conflict-ignore')).toBeEnabled();
  await expect(carlaRow).toHaveCount(1);
  await carlaDetail.getByTestId('conflict-new-account').click();
  await expect(carlaDetail.getByTestId('new-account-confirm')).toContainText('Give Carla Newname a new LMS account?');
  await expect(otherDetail.getByTestId('conflict-ignore')).toBeDisabled();
  for (const b of await otherDetail.getByRole('button', { name: /^Relink to LMS account/ }).all()) await expect(b).toBeDisabled();
  await expect(otherDetail.getByTestId('question-elsewhere')).toBeVisible();
  await carlaDetail.getByRole('button', { name: 'Cancel' }).click();
  await expect(otherDetail.getByTestId('conflict-ignore')).toBeEnabled();
  await expect(otherDetail.getByTestId('question-elsewhere')).toHaveCount(0);

  // "Create users" off (the wizard's Rules and mapping): nobody gets a new account, so "Not theirs" must not promise one.
  await page.getByRole('tab', { name: 'Integrations' }).click();
  await page.getByTestId('integration-card').getByTestId('edit').click();
  await page.getByTestId('step-rules').click();
  await page.getByTestId('create-users').uncheck();
  await page.getByTestId('wizard-next').click();
  await expect(page.getByTestId('wizard-step')).toHaveAttribute('data-step', 'communication');
  await page.getByRole('tab', { name: 'Integrations' }).click();
  await page.getByTestId('integration-card').getByRole('button', { name: 'Changes', exact: true }).click();
  await expect(page.getByTestId('plan-row').first()).toBeVisible({ timeout: 60_000 });

  detail = await openCarla(page);
  const carlaId = /Entra id: (\S+)/.exec(await detail.innerText())?.[1] ?? '';
  expect(carlaId).not.toBe('');
  await expect(notTheirs).not.toContainText('create');
  await notTheirs.click();
  await expect(question).toContainText('No LMS account is created for this person while "Create users" is off');
  await expect(question).toContainText('Rules and mapping');
  await expect(question).toContainText("Mark the account above as not Carla Newname's?");
  await expect(question).not.toContainText('a new LMS account?');
  await question.getByTestId('new-account-confirm-yes').click();
  const resolved = detail.getByTestId('conflict-resolved');
  await expect(resolved).toContainText('No LMS account is created for this person while "Create users" is off');
  await expect(resolved).not.toContainText('gets a new LMS account');
  // The keyboard is on the answer, not lost on the page.
  await expect(resolved).toBeFocused();

  // As said: the next dry run creates nothing for her, and says why.
  await dryRun(page);
  // The new dry run replaces the viewer (its search starts empty).
  await expect(page.getByTestId('plan-search')).toHaveValue('');
  await page.getByTestId('plan-search').fill('carla.newname@');
  await expect(page.locator('[data-testid="plan-row"][data-kind="conflict"]')).toHaveCount(0);
  await expect(page.locator('[data-testid="plan-row"][data-kind="create"]')).toHaveCount(0);
  await expect(page.locator('[data-testid="plan-row"][data-kind="skip"]')).toContainText('"Create users" is off');

  // The wizard lists her among the new accounts confirmed by name, as the last dry run read her, not by object id.
  await page.getByRole('tab', { name: 'Integrations' }).click();
  await page.getByTestId('integration-card').getByTestId('edit').click();
  await page.getByTestId('step-scope').click();
  const confirmed = page.getByTestId('confirmed-new-account');
  await expect(confirmed).toHaveCount(1);
  await expect(confirmed).toHaveAttribute('data-known', 'true');
  await expect(confirmed).toContainText('Carla Newname');
  await expect(confirmed).toContainText('carla.newname@');
  await expect(confirmed).not.toContainText(carlaId);
  await expect(confirmed).toHaveAttribute('title', `Entra object id ${carlaId}`);
  await expect(page.getByTestId('wizard-step')).toContainText('get a new LMS account once "Create users" is on');
  expect(errors).toEqual([]);
});
