import type { Page } from '@playwright/test';
import { httpError } from '../sim/steps';
import { addAccount, addSwitchedOffAccount, expect, goTo, openNewestRequest, test } from './fixtures';

/**
 * More rough edges from walking the window as a newcomer does (walk-edges.spec.ts holds the first ones): a removed
 * account that was tried and did not answer, a number setting that said nothing until Save, and Logs with no account or
 * with every account switched off.
 */

/** A fact of the open request's summary, by its label. */
function fact(page: Page, label: string) {
  return page
    .getByRole('dialog', { name: /^Request req_/ })
    .locator('.kv-item', { has: page.locator('dt').getByText(label, { exact: true }) })
    .locator('dd');
}

test('an account tried first, then removed, keeps its name in "Accounts tried"', async ({ page, tray }) => {
  const flaky = tray.sim.addUser();
  await addAccount(page, flaky, 'Flaky');
  await addAccount(page, tray.sim.addUser(), 'Steady');
  // Flaky's next answer is a 500, and the proxy moves on to Steady. Which account a request meets first is the
  // proxy's pick: send until one met Flaky first, so the newest request is the one that tried both.
  tray.sim.enqueue(httpError(500, 'internal_error'), flaky.userId);
  for (let i = 0; i < 30 && tray.sim.pendingResponses() > 0; i++) await tray.send(1);
  expect(tray.sim.pendingResponses(), 'a request met Flaky first').toBe(0);

  await goTo(page, 'Accounts');
  await page.getByRole('button', { name: 'Remove Flaky' }).click();
  const confirm = page.getByRole('dialog', { name: 'Remove Flaky?' });
  await confirm.getByRole('button', { name: 'Remove account' }).click();
  await expect(confirm).toBeHidden();

  await openNewestRequest(page);
  await expect(fact(page, 'Account')).toHaveText('Steady');
  // Before: "#1 → Steady", an id the window shows nowhere else.
  await expect(fact(page, 'Accounts tried')).toHaveText('Flaky (removed) → Steady');
  // After a reload the window knows only what history kept, not names it saw earlier.
  await page.reload();
  await openNewestRequest(page);
  await expect(fact(page, 'Accounts tried')).toHaveText('Flaky (removed) → Steady');
});

test('a number setting says what is wrong with it when the field is left, before Save', async ({ page }) => {
  await goTo(page, 'Settings');
  const days = page.getByLabel('Request history age limit', { exact: true });
  const form = page.locator('form.setting').filter({ has: days });
  const message = 'Enter a whole number from 1 to 3650.';
  for (const wrong of ['abc', '-5', '4000']) {
    await days.fill(wrong);
    // Before: nothing at all until Save or Enter.
    await days.blur();
    await expect(days).toHaveAttribute('aria-invalid', 'true');
    await expect(days).toHaveAccessibleDescription(new RegExp(message.replaceAll('.', '\\.')));
    await expect(form.getByRole('alert')).toHaveText(message);
  }
  // Typing on, the message goes as soon as the value is right, without leaving the field again.
  await days.focus();
  await days.fill('45');
  await expect(days).not.toHaveAttribute('aria-invalid');
  await expect(form.getByRole('alert')).toHaveCount(0);
  // Empty is not a number either.
  await days.fill('');
  await days.blur();
  await expect(days).toHaveAttribute('aria-invalid', 'true');
  await days.fill('45');
  await days.press('Enter');
  await expect(form.getByText('Saved', { exact: true })).toBeVisible();

  // Save with a wrong value still says why, and stores nothing.
  await days.fill('0');
  await form.getByRole('button', { name: 'Save Request history age limit' }).click();
  await expect(form.getByRole('alert')).toHaveText(message);
  await page.reload();
  await expect(page.getByLabel('Request history age limit', { exact: true })).toHaveValue('45');
});

test('Logs with no account says requests are answered 424 and links to where an account is added', async ({ page }) => {
  await goTo(page, 'Logs');
  const empty = page.locator('.empty-state');
  await expect(empty).toContainText('No requests yet');
  // Before: "Requests appear here as soon as a client sends one", and every one sent would be a 424.
  await expect(empty).toContainText('answered 424');
  await empty.getByRole('link', { name: 'Add an Orchids account' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Accounts' })).toBeVisible();
});

test('Logs with every account switched off says requests are answered 424 and links to Accounts', async ({
  page,
  tray,
}) => {
  await addSwitchedOffAccount(page, tray.sim.addUser(), 'Resting');
  await goTo(page, 'Logs');
  const empty = page.locator('.empty-state');
  // Before: only "Requests appear here as soon as a client sends one", where every one sent would be a 424.
  await expect(empty).toContainText('With every account switched off, every request is answered 424.');
  await empty.getByRole('link', { name: 'Switch one on' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Accounts' })).toBeVisible();
});
