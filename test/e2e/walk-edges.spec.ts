import type { Page } from '@playwright/test';
import { addAccount, addSwitchedOffAccount, expect, goTo, openNewestRequest, test } from './fixtures';

/**
 * Rough edges found walking the window as a newcomer does (add accounts, send requests, read Logs, switch accounts
 * off, remove one), each held here so it stays fixed.
 */

/** A fact of the open request's summary, by its label. */
function fact(page: Page, label: string) {
  return page
    .getByRole('dialog', { name: /^Request req_/ })
    .locator('.kv-item', { has: page.locator('dt').getByText(label, { exact: true }) })
    .locator('dd');
}

async function removeAccount(page: Page, name: string): Promise<void> {
  await goTo(page, 'Accounts');
  await page.getByRole('button', { name: `Remove ${name}` }).click();
  const confirm = page.getByRole('dialog', { name: `Remove ${name}?` });
  await confirm.getByRole('button', { name: 'Remove account' }).click();
  await expect(confirm).toBeHidden();
  await expect(page.getByRole('button', { name: `Remove ${name}` })).toHaveCount(0);
}

test('a removed account keeps its name in "Accounts tried", as in "Account" beside it', async ({ page, tray }) => {
  await addAccount(page, tray.sim.addUser(), 'Leaving');
  await tray.send(1);
  await removeAccount(page, 'Leaving');

  const dialog = await openNewestRequest(page);
  await expect(fact(page, 'Account')).toHaveText('Leaving (removed)');
  // Before: "#1", an id the window shows nowhere else, beside "Leaving (removed)" for the same account.
  await expect(fact(page, 'Accounts tried')).toHaveText('Leaving (removed)');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
});

test('a debug record names a removed account in its attempts as in its summary', async ({ page, tray }) => {
  await goTo(page, 'Settings');
  const debug = page.getByRole('switch', { name: 'Debug logging' });
  await debug.click();
  await expect(debug).toBeChecked();
  await addAccount(page, tray.sim.addUser(), 'Leaving');
  await tray.send(1);
  await removeAccount(page, 'Leaving');

  const dialog = await openNewestRequest(page);
  await expect(dialog.getByRole('heading', { name: 'Upstream request' })).toBeVisible();
  await expect(fact(page, 'Accounts tried')).toHaveText('Leaving (removed)');
  // Before: "Attempt 1 · #1 · 200".
  await expect(dialog.locator('.attempt-title').first()).toHaveText(/^Attempt 1 · Leaving \(removed\) · 200/);
});

test('with every account switched off, the Overview links to where they are switched on', async ({ page, tray }) => {
  await addSwitchedOffAccount(page, tray.sim.addUser(), 'Resting');

  await goTo(page, 'Overview');
  const proxy = page.locator('.proxy-state');
  await expect(proxy).toContainText('All accounts disabled');
  // Before: the sentence said what to do with no way to it, where "No accounts" links its own.
  await proxy.getByRole('link', { name: 'Enable an account' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Accounts' })).toBeVisible();
});
