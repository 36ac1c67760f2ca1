import type { Page } from '@playwright/test';
import { expect, goTo, test } from './fixtures';

/**
 * The Add-account dialog in headless mode (the desktop app's "Sign in with Orchids" window is tested in Node with
 * fakes: test/unit/electron-sign-in.test.ts): one sentence says why there is no sign-in here, and the paste path
 * names each wrong paste in its own words. The desktop dialog's own part (the button, progress, cancel, result) is
 * in the last two tests, with the shell's answers stood in for in the page.
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

test('desktop: Sign in with Orchids shows progress, a cancelled window, then the account the window yielded', async ({
  page,
  tray,
}) => {
  const user = tray.sim.addUser();
  // The window knows its shell only from the proxy status: present this one as the desktop app's.
  await page.route('**/_tray/api/proxy:status', async (route) => {
    const response = await route.fetch();
    const envelope = (await response.json()) as { ok: boolean; value?: { shell: string } };
    if (envelope.value) envelope.value.shell = 'desktop';
    await route.fulfill({ response, json: envelope });
  });
  // Stands in for the sign-in window (its capture is tested in Node): the first closes without a sign-in; the
  // second yields the user's __client, added through the real core exactly as the desktop shell adds it.
  let windows = 0;
  let releaseFirst: () => void = () => undefined;
  const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
  await page.route('**/_tray/api/accounts:signIn', async (route) => {
    windows += 1;
    if (windows === 1) {
      await firstHeld;
      return route.fulfill({ json: { ok: true, value: { outcome: 'cancelled', reason: 'HTTP 401 (fake)' } } });
    }
    const { input } = route.request().postDataJSON() as { input: Record<string, unknown> };
    const added = await route.fetch({
      url: route.request().url().replace('accounts:signIn', 'accounts:add'),
      postData: JSON.stringify({ input: { ...input, cookie: user.clientCookie } }),
    });
    const envelope = (await added.json()) as { ok: boolean; value: Record<string, unknown> };
    await route.fulfill({ json: { ok: true, value: { outcome: 'signedIn', ...envelope.value } } });
  });
  await page.reload();

  await goTo(page, 'Accounts');
  await page.getByRole('button', { name: 'Add account', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Add account' });
  const signIn = dialog.getByRole('button', { name: 'Sign in with Orchids' });
  await expect(signIn).toBeFocused();
  await expect(dialog.getByText('Sign in with Orchids needs the desktop app', { exact: false })).toHaveCount(0);

  await signIn.click();
  await expect(dialog.getByRole('button', { name: 'Signing in…' })).toBeDisabled();
  await expect(dialog.getByRole('status')).toContainText('Sign in in the Orchids window');
  releaseFirst();
  await expect(dialog.getByRole('status')).toContainText('closed before a sign-in was confirmed; nothing was added');
  await expect(dialog.getByRole('status')).toContainText("Clerk's last answer: HTTP 401 (fake)");

  await dialog.getByRole('button', { name: 'Sign in with Orchids' }).click();
  await expect(dialog.getByText(user.email, { exact: true })).toBeVisible();
  await expect(dialog.getByText('Clerk confirmed the sign-in.', { exact: false })).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Done' })).toBeFocused();
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByRole('row', { name: new RegExp(user.email) })).toBeVisible();
  expect(windows).toBe(2);
});

/** Presents the window as the desktop app's, with its status answer held until the returned function is called. */
async function holdDesktopStatus(page: Page): Promise<() => void> {
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.unrouteAll({ behavior: 'wait' });
  await page.route('**/_tray/api/proxy:status', async (route) => {
    const response = await route.fetch();
    const envelope = (await response.json()) as { ok: boolean; value?: { shell: string } };
    if (envelope.value) envelope.value.shell = 'desktop';
    await held;
    await route.fulfill({ response, json: envelope });
  });
  return release;
}

test('desktop: a status that comes after the dialog opened moves the focus to Sign in, unless one typed', async ({
  page,
}) => {
  const release = await holdDesktopStatus(page);
  await page.reload();
  await goTo(page, 'Accounts');
  await page.getByRole('button', { name: 'Add account', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Add account' });
  const cookie = dialog.getByLabel('Cookie', { exact: true });
  await expect(cookie).toBeFocused();
  release();
  await expect(dialog.getByRole('button', { name: 'Sign in with Orchids' })).toBeFocused();

  // Once someone has typed, a late status leaves the focus where they are.
  await dialog.getByRole('button', { name: 'Close' }).click();
  const releaseAgain = await holdDesktopStatus(page);
  await page.reload();
  await goTo(page, 'Accounts');
  await page.getByRole('button', { name: 'Add account', exact: true }).click();
  await cookie.pressSequentially('__client=');
  releaseAgain();
  await expect(dialog.getByRole('button', { name: 'Sign in with Orchids' })).toBeVisible();
  await expect(cookie).toBeFocused();
});
