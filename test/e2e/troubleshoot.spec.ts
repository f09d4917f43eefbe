/**
 * "Why can't Anna see her courses?" in the window: the demo tenant's stories diagnosed with a
 * verdict, the failing check's evidence and the fix, and one person provisioned on demand.
 */
import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { DEMO_APPS } from '../../src-main/demo/graph';
import { DEMO_LMS_TOKEN } from '../../src-main/demo/tenant';
import { snap } from './helpers';
import { previewForThisFile } from './preview';

const preview = previewForThisFile(120_000);


test('diagnose an excluded and a duplicated person, then provision one person on demand', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(preview().url);
  // The demo tenant, as "Try with a demo tenant" makes it, with one dry run behind it.
  const demo = await page.evaluate(() => window.rollcall?.startDemo());
  if (!demo?.ok) throw new Error(`startDemo failed: ${JSON.stringify(demo)}`);
  const id = demo.value.id;
  await page.goto(`${preview().url}#/troubleshoot/${id}`);
  await page.reload(); // the integration list was loaded before the demo existed
  await expect(page.getByTestId('troubleshoot-empty')).toBeVisible();

  // Excluded by the rule, with the rule named and how to undo it.
  await page.getByTestId('troubleshoot-query').fill('connor.contract@contoso.example');
  await page.getByRole('button', { name: 'Diagnose' }).click();
  const verdict = page.getByTestId('verdict');
  await expect(verdict).toHaveAttribute('data-verdict', 'excluded', { timeout: 60_000 });
  await expect(verdict).toContainText('Excluded by rule');
  const excluded = page.locator('[data-testid="diagnosis-check"][data-check-id="excluded"]');
  await expect(excluded).toHaveAttribute('data-status', 'fail');
  await expect(excluded).toContainText('Contractors');
  await expect(excluded.getByTestId('check-fix')).toContainText(/exclude rule|skip list/i);
  await snap(page, 'troubleshoot-excluded');

  // "Anna": several people in Entra. The verdict says so, and a click diagnoses the Anna meant.
  await page.getByTestId('troubleshoot-query').fill('Anna');
  await page.getByRole('button', { name: 'Diagnose' }).click();
  await expect(verdict).toHaveAttribute('data-verdict', 'ambiguous', { timeout: 30_000 });
  await expect(verdict).toContainText(/^\d+ people in Entra answer to "Anna": pick the one you mean/);
  // Nothing is provisioned for a name: the person is picked first.
  await expect(page.getByRole('region', { name: 'Provision on demand' })).toHaveCount(0);
  const pick = page.getByTestId('candidate-person').getByRole('button', { name: /^Diagnose / }).first();
  const picked = (await pick.innerText()).trim();
  await pick.click();
  await expect(verdict).not.toHaveAttribute('data-verdict', 'ambiguous', { timeout: 30_000 });
  await expect(verdict).toContainText(picked);
  // Picked by Entra object id: exactly that person, whoever else has the name.
  const pickedId = await page.getByTestId('troubleshoot-query').inputValue();
  expect(pickedId).toMatch(/^[0-9a-f-]{36}$/);
  await expect(verdict).toContainText(`Entra id ${pickedId}`);
  await expect(page.getByRole('region', { name: 'Provision on demand' })).toHaveCount(1);

  // Two LMS accounts for one person: both named.
  await page.getByTestId('troubleshoot-query').fill('max.multi@contoso.example');
  await page.getByRole('button', { name: 'Diagnose' }).click();
  await expect(verdict).toHaveAttribute('data-verdict', 'duplicate_lms_accounts', { timeout: 30_000 });
  await expect(verdict).toContainText('max.multi@contoso.example');
  await expect(page.getByTestId('verdict')).toContainText(/maximilian\.multi@contoso\.example|Two LMS accounts/);
  await snap(page, 'troubleshoot-duplicate');

  // Hidden characters made visible in the evidence.
  await page.getByTestId('troubleshoot-query').fill('bo.mark@contoso.example');
  await page.getByRole('button', { name: 'Diagnose' }).click();
  await expect(verdict).toHaveAttribute('data-verdict', /will_create/, { timeout: 30_000 });
  await expect(page.locator('[data-testid="diagnosis-check"][data-check-id="department"]')).toContainText('⟨U+FEFF⟩');

  // Provision on demand, dry run: each step, nothing written.
  await page.getByRole('button', { name: 'Dry run for this person' }).click();
  const trace = page.getByTestId('provision-trace');
  await expect(trace).toHaveAttribute('data-outcome', 'would-change', { timeout: 30_000 });
  await expect(trace.getByTestId('diagnosis-check')).toHaveCount(5);
  await snap(page, 'troubleshoot-provision');

  // The report for support: what the page shows, as text, with the provision steps just run.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('support-report').click()]);
  expect(download.suggestedFilename()).toMatch(/^rollcall-support-bo\.mark@contoso\.example-\d{4}-\d{2}-\d{2}\.txt$/);
  const report = await readFile((await download.path()) ?? '', 'utf8');
  expect(report).toContain('Rollcall support report');
  expect(report).toContain(`Verdict: ${(await verdict.getByRole('heading').or(verdict.locator('.fui-MessageBarTitle')).first().innerText()).trim()}`);
  expect(report).toContain('Integration: Demo tenant (Contoso)');
  expect(report).toContain('⟨U+FEFF⟩');
  expect(report).toContain('Provision on demand (dry run):');
  // The demo's client secret and LMS token are nowhere in it.
  for (const secret of [DEMO_APPS.main.secret, DEMO_LMS_TOKEN]) expect(report.includes(secret)).toBe(false);

  // Reading both sides again is a dry run, and the history says Troubleshoot made it.
  const troubleshootRuns = async () => {
    const runs = await page.evaluate((i) => window.rollcall?.listRuns({ id: i }), id);
    return runs?.ok ? runs.value.filter((r) => r.via === 'troubleshoot').map((r) => r.kind) : [];
  };
  const before = await troubleshootRuns();
  await page.getByRole('checkbox', { name: 'Read Entra and the LMS again first' }).check();
  await page.getByRole('button', { name: 'Diagnose' }).click();
  await expect(verdict).toHaveAttribute('data-verdict', /will_create/, { timeout: 30_000 });
  expect(await troubleshootRuns()).toEqual([...before, 'dry-run']);
  expect(errors).toEqual([]);
});
