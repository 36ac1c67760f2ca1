import type { Locator, Page } from '@playwright/test';
import { addAccount, expect, goTo, holdCalls, test } from './fixtures';

/**
 * A button that starts a call is busy while it waits, not disabled: a disabled button drops keyboard focus to the
 * page, and a keyboard user whose call then fails starts again from the top. Each test presses one kind of button
 * (they all share BusyButton) from the keyboard while its call is held, presses again, then lets the call fail.
 */
async function pressWhileHeld(
  page: Page,
  button: Locator,
  channel: string,
  pressAgain: () => Promise<void> = async () => undefined,
): Promise<void> {
  const failure = `Refused by the test: ${channel}`;
  const held = await holdCalls(page, channel);
  await button.focus();
  await page.keyboard.press('Enter');
  await expect.poll(held.count).toBe(1);

  await expect(button).toHaveAttribute('aria-busy', 'true');
  await expect(button).toHaveAttribute('aria-disabled', 'true');
  // Busy, not disabled (Playwright's toBeEnabled counts aria-disabled too): a disabled button cannot hold focus.
  await expect(button).not.toHaveAttribute('disabled');
  expect(await button.evaluate((el) => el === document.activeElement)).toBe(true);
  // Pressed again while it waits: nothing more goes out.
  await page.keyboard.press('Enter');
  await page.keyboard.press('Space');
  await pressAgain();

  held.release(failure);
  await expect(page.getByRole('alert').filter({ hasText: failure })).toBeVisible();
  await expect(button).not.toHaveAttribute('aria-busy', 'true');
  await expect(button).toBeFocused();
  expect(held.count(), 'calls sent for presses made while the first was on its way').toBe(1);
  await page.unroute(`**/_tray/api/${channel}`);
}

test("a dialog's confirm (Remove account) stays focused and busy, sends once, and keeps focus when it fails", async ({
  page,
  tray,
}) => {
  await addAccount(page, tray.sim.addUser(), 'Work');
  await page.getByRole('button', { name: 'Remove Work' }).click();
  const dialog = page.getByRole('dialog', { name: 'Remove Work?' });
  await pressWhileHeld(page, dialog.getByRole('button', { name: 'Remove account' }), 'accounts:remove');
  await expect(dialog).toBeVisible();
  await expect(page.getByRole('row', { name: /Work/ })).toBeVisible();
});

test("Edit account's Save submits once, even with Enter in a field, and keeps focus when it fails", async ({
  page,
  tray,
}) => {
  await addAccount(page, tray.sim.addUser(), 'Work');
  await page.getByRole('button', { name: 'Edit Work' }).click();
  const dialog = page.getByRole('dialog', { name: 'Edit Work' });
  const name = dialog.getByLabel('Name');
  await name.fill('Primary');
  const save = dialog.getByRole('button', { name: 'Save' });
  // Enter in a field submits the form too (implicit submission): it must not send a second call either.
  await pressWhileHeld(page, save, 'accounts:update', async () => {
    await name.press('Enter');
    await save.focus();
  });
  await expect(dialog).toBeVisible();
  // The call that failed can be sent again, and this time it goes through.
  await page.keyboard.press('Enter');
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('row', { name: /Primary/ })).toBeVisible();
});

test("Add account's submit sends the cookie once and keeps focus when Clerk's check fails", async ({ page, tray }) => {
  const user = tray.sim.addUser();
  await goTo(page, 'Accounts');
  await page.getByRole('button', { name: 'Add account', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Add account' });
  await dialog.getByLabel('Cookie', { exact: true }).fill(user.clientCookie);
  const submit = dialog.getByRole('button', { name: /^(Add account|Checking…)$/ });
  await pressWhileHeld(page, submit, 'accounts:add');
  await expect(submit).toHaveText('Add account');
});

test("a row's action (Reset) stays focused and busy, sends once, and keeps focus when it fails", async ({
  page,
  tray,
}) => {
  await addAccount(page, tray.sim.addUser(), 'Work');
  tray.sim.refuseUpgrades(429, 'Too many requests', { 'retry-after': '3600' });
  await expect(tray.send(1)).rejects.toThrow();
  tray.sim.refuseUpgrades(undefined);
  const reset = page.getByRole('button', { name: 'Reset Work' });
  await pressWhileHeld(page, reset, 'accounts:reset');
  // Still resting, so Reset is still there to press again.
  await expect(reset).toBeVisible();
});

test('Pause proxy stays focused and busy, sends once, and keeps focus when it fails', async ({ page }) => {
  const pause = page.getByRole('region', { name: 'Proxy' }).getByRole('button', { name: 'Pause proxy' });
  await pressWhileHeld(page, pause, 'proxy:pause');
  await expect(pause).toHaveText('Pause proxy');
});

test("a setting's Save stays focused and busy, saves once, and keeps focus when the core refuses", async ({ page }) => {
  await goTo(page, 'Settings');
  const field = page.getByLabel('Debug records to keep', { exact: true });
  await field.fill('321');
  const save = page.getByRole('button', { name: 'Save Debug records to keep' });
  await pressWhileHeld(page, save, 'settings:set', async () => {
    await field.press('Enter');
    await save.focus();
  });
  // Nothing to save is still a real disabled: the Save of an unchanged field cannot be pressed.
  // (Hidden too, so found by its label rather than by role.)
  await field.fill('50000');
  await expect(page.locator('button[aria-label="Save Debug records to keep"]')).toBeDisabled();

  // The model mapping's Save is the same kind of button: refused, it keeps the focus (Add mapping takes it only once
  // saved, when Save mapping turns off).
  await page.getByRole('textbox', { name: 'Upstream model, row 1', exact: true }).fill('claude-haiku-4-5');
  await pressWhileHeld(page, page.getByRole('button', { name: 'Save mapping' }), 'settings:set');
});

test("Export's confirm stays focused and busy, exports once, and keeps focus when it fails", async ({ page, tray }) => {
  await addAccount(page, tray.sim.addUser(), 'Work');
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Export accounts' });
  const confirm = dialog.getByRole('button', { name: /^(Export 1 account with cookies|Exporting…)$/ });
  await pressWhileHeld(page, confirm, 'accounts:export');
});

test('Use default and Generate key are busy while their call runs, each sending once and keeping focus', async ({
  page,
}) => {
  await goTo(page, 'Settings');
  const count = page.getByLabel('Debug records to keep', { exact: true });
  await count.fill('321');
  await count.press('Enter');
  await pressWhileHeld(
    page,
    page.getByRole('button', { name: 'Use default for Debug records to keep' }),
    'settings:reset',
  );
  await pressWhileHeld(page, page.getByRole('button', { name: 'Generate key' }), 'settings:generateApiKey');
});

test('a choice (Protocol) stays focused while it saves, ignores a change meanwhile, keeps focus if refused', async ({
  page,
}) => {
  await goTo(page, 'Settings');
  const protocol = page.getByLabel('Protocol', { exact: true });
  const held = await holdCalls(page, 'settings:set');
  await protocol.focus();
  await protocol.selectOption('sse-a');
  await expect.poll(held.count).toBe(1);
  await expect(protocol).toHaveAttribute('aria-busy', 'true');
  await expect(protocol).not.toHaveAttribute('disabled');
  await expect(protocol).toBeFocused();
  await protocol.selectOption('sse-b'); // while the first change saves: ignored
  held.release('Refused by the test: settings:set');
  await expect(page.getByText('Refused by the test: settings:set')).toBeVisible();
  await expect(protocol).not.toHaveAttribute('aria-busy', 'true');
  await expect(protocol).toBeFocused();
  await expect(protocol).toHaveValue('auto');
  expect(held.count()).toBe(1);
});

test('Export CSV stays focused and busy while it reads, reads once, and keeps focus when it fails', async ({
  page,
}) => {
  await goTo(page, 'Logs');
  // The list's own first read is done before the export's is held: only the export asks from here on.
  await expect(page.getByText('Live', { exact: true })).toBeVisible();
  const exportCsv = page.getByRole('button', { name: /^(Export CSV|Exporting…)$/ });
  await pressWhileHeld(page, exportCsv, 'history:query');
  await expect(exportCsv).toHaveText('Export CSV');
});
