/**
 * Enabling from the dashboard starts the first sync at once, so the switch asks first; for an
 * integration whose LMS welcome e-mails were never confirmed dealt with (the wizard's step was
 * skipped, or it came from the CLI) it asks for that too (reference 001: turn off communication
 * before enabling).
 */
import { expect, test } from '@playwright/test';
import './helpers';
import { previewForThisFile } from './preview';

const preview = previewForThisFile();

test('the dashboard switch confirms before the first sync, with the welcome e-mails when unconfirmed, and Cancel leaves it off', async ({ page }) => {
  await page.goto(preview().url);
  const demo = await page.evaluate(async () => {
    const started = await window.rollcall?.startDemo();
    if (!started?.ok) return null;
    // As an integration whose e-mail step was never confirmed: disabled, nothing acknowledged.
    await window.rollcall?.setIntegrationEnabled({ id: started.value.id, enabled: false });
    await window.rollcall?.acknowledgeCommunication({ id: started.value.id, acknowledged: false });
    return started.value;
  });
  if (!demo) throw new Error('startDemo failed');
  await page.reload();
  const card = page.getByTestId('integration-card');
  const toggle = card.getByTestId('enable-switch');
  await expect(toggle).not.toBeChecked();

  await toggle.click();
  const dialog = page.getByRole('alertdialog');
  await expect(dialog).toContainText(`Enable ${demo.name}?`);
  await expect(dialog).toContainText('welcome (invitation) e-mail to every user created as active');
  const enable = dialog.getByRole('button', { name: 'Enable' });
  await expect(enable).toBeDisabled();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(toggle).not.toBeChecked();
  // Focus goes back where it was, for whoever works from the keyboard.
  await expect(toggle).toBeFocused();
  await expect(card).toHaveAttribute('data-status', 'disabled');

  await toggle.click();
  await expect(enable).toBeDisabled();
  await dialog.getByTestId('enable-ack-communication').click();
  await enable.click();
  await expect(card).toHaveAttribute('data-status', 'active');
  await expect(toggle).toBeChecked();
  // Focus comes back to the switch once it is usable again (it is disabled while saving).
  await expect(toggle).toBeFocused();
  const saved = await page.evaluate((id) => window.rollcall?.getIntegration({ id }), demo.id);
  expect(saved).toMatchObject({ ok: true, value: { enabled: true, communicationAcknowledgedAt: expect.any(String) as unknown } });

  // Confirmed once: switching it off and on again asks only to confirm the enabling.
  await toggle.click();
  await expect(card).toHaveAttribute('data-status', 'disabled');
  await toggle.click();
  await expect(dialog.getByTestId('enable-first-sync')).toBeVisible();
  await expect(dialog.getByTestId('enable-ack-communication')).toHaveCount(0);
  await expect(enable).toBeEnabled();
  await enable.click();
  await expect(card).toHaveAttribute('data-status', 'active');
});
