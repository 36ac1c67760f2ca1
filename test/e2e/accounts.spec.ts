import fs from 'node:fs';
import { addAccount, callBehindTheWindow, cellUnder, expect, goTo, screenshot, test } from './fixtures';

test('adds an account by pasting its cookie and shows the e-mail Clerk found', async ({ page, tray }) => {
  const user = tray.sim.addUser();
  await goTo(page, 'Accounts');
  // The title says what is so; the button under it is the one way on (the title once read "— Add account" as if
  // it were a link, above a button saying the same).
  await expect(page.getByText('No accounts yet', { exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Add your first account' })).toBeVisible();
  await screenshot(page, 'accounts-empty');

  await page.getByRole('button', { name: 'Add account', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Add account' });
  await expect(dialog.getByLabel('Cookie', { exact: true })).toBeFocused();
  tray.sim.setClerkDelay(600); // long enough to see the progress state
  await dialog
    .getByLabel('Cookie', { exact: true })
    .fill(`__client=${user.clientCookie}; __client_uat=${user.clientUat}`);
  await dialog.getByRole('button', { name: 'Add account' }).click();
  await expect(dialog.getByRole('status').filter({ hasText: 'Checking with Clerk…' })).toBeVisible();
  await screenshot(page, 'add-account-checking');
  await expect(dialog.getByText(user.email, { exact: true })).toBeVisible();
  await screenshot(page, 'add-account-done');
  tray.sim.setClerkDelay(0);
  await dialog.getByRole('button', { name: 'Done' }).click();

  const row = page.getByRole('row', { name: new RegExp(user.email) });
  await expect(row).toBeVisible();
  await expect(row.getByText('Ready')).toBeVisible();
  await expect(page.getByText('No accounts yet')).toBeHidden();
  await screenshot(page, 'accounts');
});

test("a wrong cookie shows Clerk's reason, word for word", async ({ page }) => {
  await goTo(page, 'Accounts');
  await page.getByRole('button', { name: 'Add account', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Add account' });
  await dialog.getByLabel('Cookie', { exact: true }).fill('__client=fake-cookie-never-issued-by-clerk-XXXX');
  await dialog.getByRole('button', { name: 'Add account' }).click();
  await expect(dialog.getByRole('alert')).toHaveText(
    'Clerk rejected the cookie (HTTP 401): sign in to orchids.app again and copy a fresh cookie.',
  );
  await expect(dialog.getByLabel('Cookie', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await screenshot(page, 'add-account-rejected');

  // Not even a cookie: the parser's own explanation.
  await dialog.getByLabel('Cookie', { exact: true }).fill('hello');
  await dialog.getByRole('button', { name: 'Add account' }).click();
  await expect(dialog.getByRole('alert')).toContainText('That does not look like an Orchids cookie.');
});

test('keyboard only: Tab to "Add account", Enter, paste, submit, Escape', async ({ page, tray }) => {
  const user = tray.sim.addUser();
  await goTo(page, 'Accounts');
  const opener = page.getByRole('button', { name: 'Add account', exact: true });
  // Tab from the heading until the button has focus, as a keyboard user would.
  await page.getByRole('heading', { level: 1, name: 'Accounts' }).focus();
  for (let i = 0; i < 10 && !(await opener.evaluate((el) => el === document.activeElement)); i++)
    await page.keyboard.press('Tab');
  await expect(opener).toBeFocused();
  await page.keyboard.press('Enter');

  const dialog = page.getByRole('dialog', { name: 'Add account' });
  await expect(dialog.getByLabel('Cookie', { exact: true })).toBeFocused();
  // Escape closes without adding, and focus goes back to the button that opened it.
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(opener).toBeFocused();

  await page.keyboard.press('Enter');
  await expect(dialog.getByLabel('Cookie', { exact: true })).toBeFocused();
  await page.keyboard.insertText(user.clientCookie);
  // Focus stays inside the dialog: Shift+Tab from the first control wraps to the last one.
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Shift+Tab');
  await expect(dialog.getByRole('button', { name: 'Add account' })).toBeFocused();
  await screenshot(page, 'add-account-keyboard-focus');
  await page.keyboard.press('Enter');
  await expect(dialog.getByText(user.email, { exact: true })).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Done' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(opener).toBeFocused();
  await expect(page.getByRole('row', { name: new RegExp(user.email) })).toBeVisible();
});

test('rename, reweight, disable, and remove after confirming', async ({ page, tray }) => {
  const user = tray.sim.addUser();
  await addAccount(page, user, 'Work');

  await page.getByRole('button', { name: 'Edit Work' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit Work' });
  await edit.getByLabel('Name').fill('Primary');
  await edit.getByLabel('Weight').fill('3');
  await edit.getByRole('button', { name: 'Save' }).click();
  await expect(edit).toBeHidden();
  await expect(await cellUnder(page, /Primary/, 'Weight')).toHaveText('3');

  const enabled = page.getByRole('switch', { name: 'Enabled: Primary' });
  await expect(enabled).toBeChecked();
  await enabled.click();
  await expect(enabled).not.toBeChecked();

  await page.getByRole('button', { name: 'Remove Primary' }).click();
  const confirm = page.getByRole('dialog', { name: 'Remove Primary?' });
  await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await confirm.getByRole('button', { name: 'Remove account' }).click();
  await expect(confirm).toBeHidden();
  await expect(page.getByText('No accounts yet', { exact: true })).toBeVisible();

  // Nothing above needed a reload, and a reload agrees.
  await page.reload();
  await expect(page.getByText('No accounts yet', { exact: true })).toBeVisible();
});

test('keyboard only: Check credits, Reset and the enabled switch leave focus where the keyboard can go on', async ({
  page,
  tray,
}) => {
  await addAccount(page, tray.sim.addUser(), 'Work');
  // Check credits stays focused while it reads, and after.
  const check = page.getByRole('button', { name: /^Check(ing)? credits/ });
  await check.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status').filter({ hasText: /credits/ })).toBeVisible();
  await expect(check).toBeFocused();

  // Space turns the account off and on again: the switch keeps focus while each change goes out.
  const enabled = page.getByRole('switch', { name: 'Enabled: Work' });
  await enabled.focus();
  await page.keyboard.press('Space');
  await expect(enabled).not.toBeChecked();
  await expect(enabled).toBeFocused();
  await page.keyboard.press('Space');
  await expect(enabled).toBeChecked();
  await expect(enabled).toBeFocused();

  // Reset goes with the state it clears; Test, beside it, takes the focus.
  tray.sim.refuseUpgrades(429, 'Too many requests', { 'retry-after': '3600' });
  await expect(tray.send(1)).rejects.toThrow();
  tray.sim.refuseUpgrades(undefined);
  const reset = page.getByRole('button', { name: 'Reset Work' });
  await reset.focus();
  await page.keyboard.press('Enter');
  await expect(reset).toBeHidden();
  await expect(page.getByRole('button', { name: 'Test Work' })).toBeFocused();
});

test('export warns that the file holds cookies, then downloads; import reports what it did', async ({
  page,
  tray,
}, testInfo) => {
  const user = tray.sim.addUser();
  await addAccount(page, user, 'Exported');

  await page.getByRole('button', { name: 'Export', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Export accounts' });
  await expect(dialog).toContainText("This file holds every account's cookie in the clear.");
  await screenshot(page, 'accounts-export-warning');
  const downloading = page.waitForEvent('download');
  await dialog.getByRole('button', { name: 'Export 1 account with cookies' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^orchids-tray-accounts-\d{4}-\d{2}-\d{2}\.json$/);
  const file = testInfo.outputPath('export.json');
  await download.saveAs(file);
  const exported = JSON.parse(fs.readFileSync(file, 'utf8')) as { accounts: Array<{ email: string; cookie: string }> };
  expect(exported.accounts).toEqual([expect.objectContaining({ email: user.email, cookie: user.clientCookie })]);
  await expect(dialog).toBeHidden();

  // Importing the same file finds the account already there; a broken entry is reported with its reason.
  exported.accounts.push({ email: 'broken@example.test', cookie: '' });
  fs.writeFileSync(file, JSON.stringify(exported));
  const choosing = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await (await choosing).setFiles(file);
  const result = page.getByRole('dialog', { name: 'Import accounts' });
  await expect(result).toContainText('0 added, 1 updated, 1 failed.');
  await expect(result).toContainText('broken@example.test: no cookie in this entry');
  await result.getByRole('button', { name: 'Close' }).first().click();
  await expect(result).toBeHidden();
});

test('an account added or removed elsewhere (another window, the CLI) shows in an open window at once', async ({
  page,
  tray,
}) => {
  const user = tray.sim.addUser();
  await goTo(page, 'Accounts');
  await expect(page.getByText('No accounts yet', { exact: true })).toBeVisible();
  const added = await callBehindTheWindow(page, 'accounts:add', { cookie: user.clientCookie });
  expect(added.ok).toBe(true);
  const row = page.getByRole('row', { name: new RegExp(user.email) });
  await expect(row).toBeVisible();

  const { id } = (added.value as { account: { id: number } }).account;
  expect((await callBehindTheWindow(page, 'accounts:remove', { id })).ok).toBe(true);
  await expect(row).toBeHidden();
  await expect(page.getByText('No accounts yet', { exact: true })).toBeVisible();
});

test("shows each account's plan and credits left as the credits site tells them, on demand and from elsewhere", async ({
  page,
  tray,
}) => {
  // The background sync stays off until the dash has been seen: its first pass would otherwise race the look.
  const sync = (value: boolean) => callBehindTheWindow(page, 'settings:set', { key: 'creditsSync', value });
  expect((await sync(false)).ok).toBe(true);
  const user = tray.sim.addUser();
  tray.sim.setCredits(user.userId, { plan: 'PRO', credits: 96_571 });
  await addAccount(page, user, 'Work');
  // The simulator's site is not orchids.app: every word about where a figure comes from names the host it is.
  const site = new URL(tray.sim.siteUrl).host;
  const cell = await cellUnder(page, /Work/, 'Credits');
  await expect(cell.getByText('—')).toHaveAttribute('title', `Not read from ${site} yet`);
  const check = page.getByRole('button', { name: 'Check credits' });
  await expect(check).toHaveAttribute('title', `Read each enabled account's plan and credits from ${site} now`);
  expect((await sync(true)).ok).toBe(true);
  await check.click();
  await expect(cell).toHaveText('PRO · 96,571 left');
  await expect(cell.locator('.credits-figure')).toHaveAttribute(
    'title',
    new RegExp(`^PRO plan: 96,571 of 2,000,000 monthly credits left, as ${site.replace(/\./g, '\\.')} said at `),
  );

  // A check made elsewhere (another window, `accounts credits`) reaches this window through accountsChanged.
  tray.sim.setCredits(user.userId, { plan: 'PRO', credits: 90_000 });
  expect((await callBehindTheWindow(page, 'accounts:checkCredits', {})).ok).toBe(true);
  await expect(cell).toHaveText('PRO · 90,000 left');
  await screenshot(page, 'accounts-credits');
});

test('Check credits says what it read, even when no figure changed, and names an account it could not read', async ({
  page,
  tray,
}) => {
  await addAccount(page, tray.sim.addUser(), 'Work');
  const check = page.getByRole('button', { name: 'Check credits' });
  const note = page.getByRole('status').filter({ hasText: /credits/ });
  // The simulator's site is not orchids.app, so the sentence names the host it read.
  const read = `Read the credits of 1 account from ${new URL(tray.sim.siteUrl).host}.`;
  await check.click();
  await expect(note).toHaveText(read);
  await check.click();
  await expect(check).toBeEnabled();
  await expect(note).toHaveText(read); // the same figure, read again

  // The reader tries once more with the site's router state before it gives up: both calls fail here.
  tray.sim.scriptSiteReply('Internal Server Error', 500);
  tray.sim.scriptSiteReply('Internal Server Error', 500);
  await check.click();
  await expect(note).toHaveText(
    'Could not read the credits of Work (the site answered HTTP 500, with and without its router state). ' +
      'Its last figure stays.',
  );
  await expect(await cellUnder(page, /Work/, 'Credits')).toHaveText('FREE · 150,000 left');
});

test('focus goes to the heading, not the page start, when what opened a dialog is gone after it', async ({
  page,
  tray,
}) => {
  const user = tray.sim.addUser();
  const heading = page.getByRole('heading', { level: 1, name: 'Accounts' });
  await goTo(page, 'Accounts');
  // The empty state's button opens the dialog; the first account replaces the empty state.
  await page.getByRole('button', { name: 'Add your first account' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add account' });
  await dialog.getByLabel('Cookie', { exact: true }).fill(user.clientCookie);
  await dialog.getByLabel('Name (optional)').fill('First');
  await dialog.getByRole('button', { name: 'Add account' }).click();
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(dialog).toBeHidden();
  await expect(heading).toBeFocused();

  // Remove's button goes with its row.
  await page.getByRole('button', { name: 'Remove First' }).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('dialog', { name: 'Remove First?' }).getByRole('button', { name: 'Remove account' }).click();
  await expect(page.getByRole('dialog')).toBeHidden();
  await expect(heading).toBeFocused();
  // The next Tab goes on from the view, not from the top of the page.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Import', exact: true })).toBeFocused();
});

test("a disabled account's details fade but its controls keep full contrast, since they all still work", async ({
  page,
  tray,
}) => {
  await addAccount(page, tray.sim.addUser(), 'Resting');
  const row = page.getByRole('row', { name: /Resting/ });
  await row.getByRole('switch', { name: 'Enabled: Resting' }).click();
  await expect(row).toHaveClass(/disabled-row/);
  // The opacity a person sees is the product of the element's and every ancestor's up to the row.
  const seenOpacity = (locator: ReturnType<typeof row.getByRole>) =>
    locator.evaluate((el) => {
      let opacity = 1;
      for (let node: Element | null = el; node && node.tagName !== 'TR'; node = node.parentElement)
        opacity *= Number(getComputedStyle(node).opacity);
      return opacity;
    });
  for (const control of [
    row.getByRole('switch', { name: 'Enabled: Resting' }),
    row.getByRole('button', { name: 'Test Resting' }),
    row.getByRole('button', { name: 'Edit Resting' }),
    row.getByRole('button', { name: 'Remove Resting' }),
  ])
    expect(await seenOpacity(control)).toBe(1);
  expect(await seenOpacity(row.getByText('Ready', { exact: true }))).toBeLessThan(1);
  expect(await seenOpacity(row.getByRole('rowheader'))).toBeLessThan(1);
});

test('a signed-out account says where its fresh cookie goes: a button beside the state opens Add account', async ({
  page,
  tray,
}) => {
  const user = tray.sim.addUser();
  await addAccount(page, user, 'Work');
  const row = page.getByRole('row', { name: /Work/ });
  await expect(row.getByRole('button', { name: 'Paste new cookie: Work' })).toHaveCount(0);

  tray.sim.signOut(user.userId);
  tray.sim.revokeTokens(user.userId);
  await expect(tray.send(1)).rejects.toThrow();
  await expect(row.getByText('Signed out')).toBeVisible();

  await goTo(page, 'Overview');
  await expect(page.locator('.proxy-state')).toContainText('paste a fresh __client cookie into Accounts → Add account');
  await goTo(page, 'Accounts');
  await row.getByRole('button', { name: 'Paste new cookie: Work' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add account' });
  await expect(dialog.getByLabel('Cookie', { exact: true })).toBeVisible();
});
