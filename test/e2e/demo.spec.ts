/**
 * "Try with a demo tenant" from the empty dashboard: the built-in simulators start in the
 * preview's main process, a dry run follows, and the diff viewer shows the demo's conflicts with
 * Relink / Ignore. Ignoring a person puts them on the skip list: the next dry run leaves them out.
 * Needs no keychain (the demo's made-up credentials are served from memory).
 */
import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { DEMO_APPS } from '../../src-main/demo/graph';
import { snap } from './helpers';
import { previewForThisFile } from './preview';

const preview = previewForThisFile(120_000);

const WRONG = 'Wr0ng~demo.secret-Value-typed-by-mistake';

test('demo tenant: dry run, conflicts with Relink / Ignore, Ignore puts the person on the skip list', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(preview().url);
  await expect(page.getByTestId('integrations-empty')).toBeVisible();
  await snap(page, 'dashboard-empty');

  await page.getByTestId('try-demo').click();
  await expect(page.getByRole('heading', { name: 'Dry run', level: 2 })).toBeVisible({ timeout: 30_000 });
  await expect(page).toHaveURL(/#\/dry-run\/int-/);
  const rows = page.getByTestId('plan-row');
  await expect(rows.first()).toBeVisible({ timeout: 60_000 });
  const conflicts = Number(await page.getByTestId('count-conflict').innerText());
  expect(conflicts).toBeGreaterThan(0);

  // "Too many users?": the LMS accounts no integration manages are counted, and their list exports.
  const unmanaged = page.getByTestId('unmanaged-note');
  await expect(unmanaged).toContainText('3 LMS accounts not managed by any integration (3 active)');
  await expect(unmanaged).toContainText('2 belong to nobody in Entra');
  const [download] = await Promise.all([page.waitForEvent('download'), unmanaged.getByTestId('export-unmanaged').click()]);
  expect(download.suggestedFilename()).toMatch(/^rollcall-unmanaged-int-[\w-]+\.csv$/);
  const csv = await readFile((await download.path()) ?? '', 'utf8');
  expect(csv.split('\r\n')[0]).toBe('lmsId,userName,email,displayName,active,department,permissionTypes,created,lastModified,entraUser,secondAccount,entraUserId,whyNotLinkable');
  expect(csv).toContain('olaf.former@contoso.example');
  // Whose it is, and that linking would take it (no reason not to).
  expect(csv).toMatch(/connor\.contract@contoso\.example,.*,connor\.contract@[^,]+,false,[0-9a-f-]{36},\r\n/);
  expect(csv).toMatch(/olaf\.former@contoso\.example,.*,,false,,nobody_in_entra\r\n/);

  // "Have the integration deactivate users who do not fit the group": the excluded contractor's
  // hand-made account is linked to him, after a question that says what follows.
  await unmanaged.getByTestId('adopt-unmanaged').click();
  const adoptQuestion = page.getByRole('alertdialog');
  await expect(adoptQuestion).toContainText('Link 1 LMS account to its person in Entra?');
  // It names the account, and what follows with the settings as they are (the demo is not enabled).
  await expect(adoptQuestion.getByTestId('adopt-accounts')).toHaveText(/^connor\.contract@contoso\.example → connor\.contract@[\w.-]+$/);
  await expect(adoptQuestion.getByTestId('adopt-question')).toContainText('With "Deactivate users" on, the next sync deactivates it: its person is outside the scope or disabled in Entra. The next dry run shows it first');
  await expect(adoptQuestion.getByTestId('adopt-question')).not.toContainText('scheduled sync');
  await snap(page, 'dry-run-link-unmanaged');
  await adoptQuestion.getByRole('button', { name: 'Link account' }).click();
  const adopted = unmanaged.getByTestId('adopt-result');
  await expect(adopted).toContainText(/^Linked 1 account to its person in Entra: connor\.contract@contoso\.example → connor\.contract@[\w.-]+\. Run a new dry run to see what changes for them\./);
  await expect(adopted).toContainText('2 belong to nobody in Entra');
  await expect(unmanaged.getByTestId('adopt-unmanaged')).toHaveCount(0);

  // Groups in the LMS: the demo links the LMS's own "People Managers" by its name and creates "Sales team".
  const groupsNote = page.getByTestId('groups-note');
  await expect(groupsNote.getByTestId('group-push')).toHaveCount(2);
  await expect(groupsNote.locator('[data-action="update"]')).toContainText(/LMS group "People Managers" \(from People Managers\): add \d+, remove 0/);
  const created = groupsNote.locator('[data-action="create"]');
  await expect(created).toContainText(/^Create the LMS group "Sales team" with \d+ members \(from Sales\)/);
  await created.getByText('Who is added and taken out').click();
  // Anna is in Sales EMEA, nested in Sales: she is added with everyone else.
  await expect(created.getByTestId('group-add')).toContainText('anna.lindqvist@contoso.example');
  await snap(page, 'dry-run-groups');

  // Data problems across the tenant: the changes that carry a warning, found by it.
  await page.getByTestId('warning-filter').click();
  // bo.mark's "Sales" with a byte-order mark, and the demo's other hidden characters, are found the same way.
  await expect(page.getByRole('option', { name: /^Hidden characters cleaned from Entra values \(\d+\)$/ })).toBeVisible();
  await page.getByRole('option', { name: /^Manager has no LMS account \(\d+\)$/ }).click();
  await expect(page.getByTestId('row-count')).toHaveText(/^\d+ of [\d,]+ changes$/);
  await rows.first().click();
  await expect(page.getByTestId('op-warning').first()).toContainText('The manager in Entra has no LMS account');
  await rows.first().click();
  // Exported as filtered, each change with its warnings.
  const [warned] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
  const warnedCsv = (await readFile((await warned.path()) ?? '', 'utf8')).trimEnd().split('\r\n');
  expect(warnedCsv[0]).toBe('kind,reason,email,displayName,sourceId,targetId,detail,changes,warnings');
  expect(warnedCsv.slice(1).every((line) => line.includes('The manager in Entra has no LMS account'))).toBe(true);
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(page.getByTestId('row-count')).toHaveText(/^[\d,]+ changes$/);

  // Only conflicts.
  await page.getByTestId('filter-conflict').click();
  await expect(page.getByTestId('row-count')).toContainText(`${conflicts} of`);
  for (const kind of await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')))) expect(kind).toBe('conflict');

  // Carla Newname: an unlinked LMS account has her old address (now only an alias of hers). Were
  // that address reused by someone else, she would need her own account: the conflict offers it.
  await page.getByTestId('plan-search').fill('carla.newname@');
  await expect(rows).toHaveCount(1);
  await rows.first().click();
  const aliasDetail = page.getByTestId('op-detail');
  await expect(aliasDetail).toHaveAttribute('data-state', 'ready');
  await expect(aliasDetail).toContainText("matches one of this person's other addresses");
  await aliasDetail.getByTestId('conflict-new-account').click();
  // A new account beside one that may hold their learning history is confirmed first.
  await expect(aliasDetail.getByTestId('new-account-confirm')).toContainText('with its learning history, and is not linked to this person');
  await aliasDetail.getByTestId('new-account-confirm-yes').click();
  await expect(aliasDetail.getByTestId('conflict-resolved')).toContainText('This person gets a new LMS account');
  await rows.first().click();
  await page.getByTestId('plan-search').fill('');
  await expect(page.getByTestId('row-count')).toContainText(`${conflicts} of`);

  // Open conflicts until one offers Ignore for an Entra user; remember who it is.
  let email = '';
  for (let i = 0; i < conflicts && !email; i++) {
    await rows.nth(i).click();
    // The op's detail (its candidates) comes from main when the row opens.
    await expect(page.getByTestId('op-detail').last()).toHaveAttribute('data-state', 'ready');
    const actions = page.getByTestId('op-detail').last().getByTestId('conflict-actions');
    if ((await actions.count()) > 0 && (await actions.getByRole('button', { name: /^Relink/ }).count()) > 0) {
      email = (await rows.nth(i).getAttribute('data-email')) ?? '';
    } else {
      await rows.nth(i).click();
    }
  }
  expect(email).toContain('@');
  const detail = page.getByTestId('op-detail');
  await expect(detail.getByRole('button', { name: /^Relink/ }).first()).toBeVisible();
  await expect(detail.getByTestId('conflict-ignore')).toBeVisible();
  // Each candidate account shows as the admin knows it (user name, id), not as a bare id.
  await expect(detail.getByTestId('candidate-account').first()).toContainText('@');
  await expect(detail.getByTestId('candidate-account').first()).toContainText('LMS id');
  // And whose it is now, so a Relink that takes it from someone says so first.
  await expect(detail.getByTestId('candidate-owner').first()).toHaveText(/^(Not linked by this integration|Linked to this person|Linked to .+: Relink moves it to this person)\.$/);
  await snap(page, 'demo-diff-conflict');

  await detail.getByTestId('conflict-ignore').click();
  await expect(detail.getByTestId('conflict-resolved')).toContainText('skip list');


  // The next dry run no longer lists them.
  await page.getByTestId('run-dry-run').click();
  await expect(page.getByTestId('run-progress')).toBeVisible();
  await expect(page.getByTestId('run-progress')).toHaveCount(0, { timeout: 60_000 });
  await expect(page.getByTestId('filter-conflict')).toHaveAttribute('aria-pressed', 'false');
  await page.getByTestId('plan-search').fill(email);
  await expect(page.getByTestId('row-count')).toContainText('0 of');
  expect(Number(await page.getByTestId('count-conflict').innerText())).toBe(conflicts - 2);
  // The contractor's account, now this integration's, is deactivated: he is outside the scope.
  await page.getByTestId('plan-search').fill('connor.contract@');
  await expect(page.locator('[data-testid="plan-row"][data-kind="deactivate"]')).toHaveCount(1);
  // The accounts of the person just ignored are not offered: the skip list leaves them alone.
  await expect(page.getByTestId('unmanaged-note')).toContainText('2 belong to someone in Entra who is not synced: "Troubleshoot user" tells why. ');
  await expect(page.getByTestId('adopt-unmanaged')).toHaveCount(0);
  // Carla is created (her manager is set after the creates: a second row), no longer a conflict.
  await page.getByTestId('plan-search').fill('carla.newname@');
  await expect(page.locator('[data-testid="plan-row"][data-kind="create"]')).toHaveCount(1);
  await expect(page.locator('[data-testid="plan-row"][data-kind="conflict"]')).toHaveCount(0);

  // The dashboard shows the demo integration (disabled until enabled).
  await page.getByRole('tab', { name: 'Integrations' }).click();
  await expect(page.getByTestId('integration-card')).toHaveAttribute('data-status', 'disabled');
  await expect(page.getByTestId('integration-card')).toContainText('Demo');
  await snap(page, 'dashboard-demo');

  // Run now asks first; Escape keeps everything as it was. Dry run from the card shows its progress.
  const card = page.getByTestId('integration-card');
  await expect(card.getByTestId('run-now')).toBeDisabled();
  // Enabling starts syncing, so it asks first (the demo's welcome e-mails count as dealt with).
  await card.getByTestId('enable-switch').click();
  const enableDialog = page.getByRole('alertdialog');
  await expect(enableDialog.getByTestId('enable-first-sync')).toContainText('Its first sync starts within a minute');
  await expect(enableDialog.getByTestId('enable-ack-communication')).toHaveCount(0);
  await enableDialog.getByRole('button', { name: 'Enable' }).click();
  await expect(card).toHaveAttribute('data-status', 'active');
  await card.getByTestId('run-now').click();
  await expect(page.getByRole('alertdialog')).toContainText('writes the changes right away');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('alertdialog')).toHaveCount(0);
  await card.getByTestId('enable-switch').uncheck();
  await expect(card).toHaveAttribute('data-status', 'disabled');
  await card.getByTestId('card-dry-run').click();
  await expect(card.getByTestId('run-finished')).toContainText('Dry run finished', { timeout: 60_000 });

  // "Read everything again" (a force sync) reads both sides in full, and the history says it was asked for.
  await card.getByRole('button', { name: 'Changes', exact: true }).click();
  await page.getByTestId('dry-run-full').check();
  await page.getByTestId('run-dry-run').click();
  await expect(page.getByTestId('run-progress')).toBeVisible();
  await expect(page.getByTestId('run-progress')).toHaveCount(0, { timeout: 60_000 });
  await page.getByRole('tab', { name: 'Integrations' }).click();
  await card.getByRole('button', { name: 'History' }).click();
  const newest = page.getByTestId('run-row').first();
  await expect(newest.getByTestId('run-reads')).toHaveText('Entra full · LMS full');
  await expect(newest.getByTestId('run-reads-why')).toHaveText('LMS read in full: a full read was asked for.');
  await page.getByRole('tab', { name: 'Integrations' }).click();

  // Edit opens the wizard where the integration stands: everything done but enabling.
  await card.getByTestId('edit').click();
  await expect(page.getByTestId('wizard-step')).toHaveAttribute('data-step', 'enable');
  await page.getByTestId('step-scope').click();
  await expect(page.getByTestId('include-rules')).toContainText('Group: All Staff');

  // A new LMS address asks for its own token; Next does not quietly save the move.
  await page.getByTestId('step-lms').click();
  const lmsUrl = await page.getByTestId('lms-url').inputValue();
  await page.getByTestId('lms-url').fill('https://another-lms.example.org/scim/v2');
  await expect(page.getByTestId('lms-token')).toBeVisible();
  await page.getByTestId('wizard-next').click();
  await expect(page.getByTestId('wizard-blocked')).toContainText('token for the new address');
  await page.getByTestId('lms-url').fill(lmsUrl);
  await expect(page.getByTestId('lms-token-stored')).toBeVisible();

  // A rejected secret turns the card red with the reason and "Update credentials", which fixes it.
  const secrets = [DEMO_APPS.main.secret, WRONG];
  await page.getByRole('tab', { name: 'Integrations' }).click();
  await card.getByRole('button', { name: /More actions/ }).click();
  await page.getByRole('menuitem', { name: 'Update credentials' }).click();
  await page.getByTestId('client-secret-stored').getByRole('button', { name: 'Replace' }).click();
  await page.getByTestId('client-secret').fill(WRONG);
  await page.getByTestId('entra-save-test').click();
  await expect(page.getByTestId('entra-result')).toHaveAttribute('data-ok', 'false', { timeout: 20_000 });
  await page.getByRole('tab', { name: 'Integrations' }).click();
  await expect(card).toHaveAttribute('data-status', 'invalid');
  await expect(card.getByTestId('status-badge')).toHaveText('Invalid credentials');
  await expect(card.getByTestId('error-message')).toContainText('What to do');
  await snap(page, 'dashboard-invalid', secrets);
  await card.getByTestId('update-credentials').click();
  await page.getByTestId('client-secret-stored').getByRole('button', { name: 'Replace' }).click();
  await page.getByTestId('client-secret').fill(DEMO_APPS.main.secret);
  await page.getByTestId('entra-save-test').click();
  await expect(page.getByTestId('entra-result')).toHaveAttribute('data-ok', 'true', { timeout: 20_000 });
  await page.getByTestId('wizard-next').click();
  await page.getByTestId('wizard-next').click();
  await expect(page.getByRole('heading', { name: 'Integrations', level: 2 })).toBeVisible();
  await expect(card).toHaveAttribute('data-status', 'disabled');
  await snap(page, 'dashboard-fixed', secrets);
  expect(errors).toEqual([]);
});
