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

  // Typed words, bare or as __client=, cannot be a token Clerk issued: what was expected, and where it is.
  for (const [typed, opening] of [
    ['fake-not-a-cookie', 'That is not a __client cookie'],
    ['__client=fake-not-a-cookie', 'The __client value there is not a __client cookie'],
  ] as const) {
    await cookie.fill(typed);
    await submit.click();
    await expect(dialog.getByRole('alert')).toHaveText(
      `${opening}: the value expected is one long, random-looking token of letters and digits (usually three ` +
        "parts joined by dots, starting eyJ). Copy it in the browser's developer tools, Application → Cookies → " +
        'clerk.orchids.app, or paste a whole Cookie header holding __client=….',
    );
    await expect(cookie).toHaveAttribute('aria-invalid', 'true');
  }

  expect(tray.sim.stats.clientLookups).toBe(0);
});

test('keyboard only: Enter in the Cookie field adds the account, Escape and Done give the focus back', async ({
  page,
  tray,
}) => {
  const user = tray.sim.addUser();
  await goTo(page, 'Accounts');
  const opener = page.getByRole('button', { name: 'Add account', exact: true });
  const dialog = page.getByRole('dialog', { name: 'Add account' });
  const cookie = dialog.getByLabel('Cookie', { exact: true });

  await opener.focus();
  await page.keyboard.press('Enter');
  await expect(cookie).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(opener).toBeFocused();

  await page.keyboard.press('Enter');
  await page.keyboard.insertText(`Cookie: theme=dark; __client_uat=1700000000; __client=${user.clientCookie}`);
  await page.keyboard.press('Enter');
  await expect(dialog.getByText(user.email, { exact: true })).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Done' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('row', { name: new RegExp(user.email) })).toBeVisible();
  await expect(opener).toBeFocused();

  // Shift+Enter still breaks a line, for whoever wants one in a pasted export.
  await page.keyboard.press('Enter');
  await page.keyboard.insertText('[');
  await page.keyboard.press('Shift+Enter');
  await expect(cookie).toHaveValue('[\n');
  await expect(dialog.getByRole('alert')).toHaveCount(0);
});

test('desktop: Sign in with Orchids shows progress, a cancelled window, then the account the window yielded', async ({
  page,
  tray,
}) => {
  const user = tray.sim.addUser();
  // The window knows its shell only from the proxy status: present this one as the desktop app's.
  await presentAsDesktop(page);
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

/**
 * Presents the window as the desktop app's. The window learns its shell from the proxy status, which comes two ways:
 * as the answer to `proxy:status` and pushed on the event stream (first on connecting, then on every change); both
 * say "desktop" here, whichever lands first. With `held`, neither reaches the window until `releaseStatus(page)`.
 */
async function presentAsDesktop(page: Page, options: { held?: boolean } = {}): Promise<void> {
  const answerHeld = options.held ? new Promise<void>((resolve) => heldAnswers.set(page, resolve)) : undefined;
  await page.unrouteAll({ behavior: 'wait' });
  await page.evaluate((held) => {
    if (held) sessionStorage.setItem('e2e-status-held', '1');
    else sessionStorage.removeItem('e2e-status-held');
  }, options.held === true);
  await page.route('**/_tray/api/proxy:status', async (route) => {
    const response = await route.fetch();
    const envelope = (await response.json()) as { ok: boolean; value?: { shell: string } };
    if (envelope.value) envelope.value.shell = 'desktop';
    await answerHeld;
    await route.fulfill({ response, json: envelope });
  });
  if (desktopPages.has(page)) return;
  desktopPages.add(page);
  await page.addInitScript(() => {
    const waiting: Array<() => void> = [];
    const w = window as unknown as { releaseStatus: () => void };
    w.releaseStatus = () => {
      sessionStorage.removeItem('e2e-status-held');
      for (const deliver of waiting.splice(0)) deliver();
    };
    // Whatever adds listeners now (the jitter's, when on), found as a value so it is called with its `this`.
    type Add = (this: EventSource, type: string, listener: unknown, options?: unknown) => void;
    const own = Object.getOwnPropertyDescriptor(EventSource.prototype, 'addEventListener');
    const add = (own ?? Object.getOwnPropertyDescriptor(EventTarget.prototype, 'addEventListener')!).value as Add;
    EventSource.prototype.addEventListener = function (this: EventSource, type: string, listener: unknown): void {
      if (type !== 'proxyStatus' || typeof listener !== 'function') return add.call(this, type, listener);
      const hear = (event: Event): void => {
        const status = JSON.parse((event as MessageEvent<string>).data) as { shell: string };
        status.shell = 'desktop';
        const desktop = new MessageEvent('proxyStatus', { data: JSON.stringify(status) });
        const deliver = (): void => void (listener as (event: Event) => void).call(this, desktop);
        if (sessionStorage.getItem('e2e-status-held') === null) deliver();
        else waiting.push(deliver);
      };
      add.call(this, type, hear);
    } as typeof EventSource.prototype.addEventListener;
  });
}
const desktopPages = new WeakSet<Page>();
const heldAnswers = new WeakMap<Page, () => void>();

async function releaseStatus(page: Page): Promise<void> {
  heldAnswers.get(page)?.();
  await page.evaluate(() => (window as unknown as { releaseStatus: () => void }).releaseStatus());
}

test('desktop: a status that comes after the dialog opened moves the focus to Sign in, unless one typed', async ({
  page,
}) => {
  await presentAsDesktop(page, { held: true });
  await page.reload();
  await goTo(page, 'Accounts');
  await page.getByRole('button', { name: 'Add account', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Add account' });
  const cookie = dialog.getByLabel('Cookie', { exact: true });
  await expect(cookie).toBeFocused();
  await releaseStatus(page);
  await expect(dialog.getByRole('button', { name: 'Sign in with Orchids' })).toBeFocused();

  // Once someone has typed, a late status leaves the focus where they are.
  await dialog.getByRole('button', { name: 'Close' }).click();
  await presentAsDesktop(page, { held: true });
  await page.reload();
  await goTo(page, 'Accounts');
  await page.getByRole('button', { name: 'Add account', exact: true }).click();
  await cookie.pressSequentially('__client=');
  await releaseStatus(page);
  await expect(dialog.getByRole('button', { name: 'Sign in with Orchids' })).toBeVisible();
  await expect(cookie).toBeFocused();
});
