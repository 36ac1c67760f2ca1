import { expect, goTo, test } from './fixtures';

/**
 * The Add-account dialog in headless mode (the desktop app's "Sign in with Orchids" window is tested in Node with
 * fakes: test/unit/electron-sign-in.test.ts): one sentence says why there is no sign-in here, and the paste path
 * names each wrong paste in its own words.
 */
test('headless: the dialog says sign-in needs the desktop app, and the pasted cookie adds the account', async ({
  page,
  tray,
}) => {
  const user = tray.sim.addUser();
  await goTo(page, 'Accounts');
  await page.getByRole('button', { name: 'Add account', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Add account' });
  await expect(dialog.getByText('Sign in with Orchids needs the desktop app', { exact: false })).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Sign in with Orchids' })).toHaveCount(0);
  const cookie = dialog.getByLabel('Cookie', { exact: true });
  await expect(cookie).toBeFocused();

  await cookie.fill(`__client=${user.clientCookie}; __client_uat=${user.clientUat}`);
  await dialog.getByRole('button', { name: 'Add account' }).click();
  await expect(dialog.getByText(user.email, { exact: true })).toBeVisible();
  await expect(dialog.getByText('Clerk confirmed the cookie.', { exact: false })).toBeVisible();
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByRole('row', { name: new RegExp(user.email) })).toBeVisible();

  // Asked directly, the headless app answers the sign-in channels with the same reason, and opens nothing.
  const answer = await page.evaluate(() =>
    window.orchids.accounts.signIn({}).then(
      () => 'opened',
      (error: { code?: string; message?: string }) => `${error.code}: ${error.message}`,
    ),
  );
  expect(answer).toMatch(/^desktop_only: Sign in with Orchids needs the desktop app/);
});

test('headless: wrong pastes are named before Clerk is asked, each in its own words', async ({ page, tray }) => {
  const user = tray.sim.addUser();
  await goTo(page, 'Accounts');
  await page.getByRole('button', { name: 'Add account', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Add account' });
  const cookie = dialog.getByLabel('Cookie', { exact: true });
  const submit = dialog.getByRole('button', { name: 'Add account' });
  tray.sim.resetStats();

  const [header, payload] = user.clientCookie.split('.');
  await cookie.fill(`${header}.${payload!.slice(0, 10)}`);
  await submit.click();
  await expect(dialog.getByRole('alert')).toContainText('That token is cut off');

  await cookie.fill(`${user.clientCookie.slice(0, 30)} ${user.clientCookie.slice(30)}`);
  await submit.click();
  await expect(dialog.getByRole('alert')).toContainText('has a space or line break inside it');

  await cookie.fill('theme=dark; consent=yes; __client_uat=1700000000');
  await submit.click();
  await expect(dialog.getByRole('alert')).toContainText("the page's whole cookie list (document.cookie)");
  await expect(dialog.getByRole('alert')).toContainText('Application → Cookies → clerk.orchids.app');

  expect(tray.sim.stats.clientLookups).toBe(0);
});
