import type { Locator } from '@playwright/test';
import { addAccount, expect, goTo, test } from './fixtures';

/**
 * The window's rough edges a newcomer meets, after walk-edges-3.spec.ts: an old sign-in link clicked in a browser,
 * the Add account dialog's empty band, what a narrow window cuts off, and what Logs says it lists.
 */

test('an old sign-in link opened in a browser is a readable page naming the way to a fresh one', async ({
  page,
  tray,
  browser,
}) => {
  // The fixture's page spent the link; another browser (no session) opens it again, as from history or a chat.
  const other = await browser.newContext();
  const stranger = await other.newPage();
  const errors: string[] = [];
  // Every other request of the page's must succeed: its stylesheet, and no icon (a 404) or script.
  stranger.on('console', (message) => {
    if (message.type() === 'error' && !message.text().includes('status of 401')) errors.push(message.text());
  });
  const loaded: string[] = [];
  stranger.on('response', (response) => loaded.push(`${response.status()} ${new URL(response.url()).pathname}`));
  const answer = await stranger.goto(tray.dashboardUrl);
  expect(answer!.status()).toBe(401);
  // Before: one line of plain text in a monospace font.
  await expect(stranger.getByRole('heading', { level: 1, name: 'This sign-in link no longer works' })).toBeVisible();
  await expect(stranger.getByText('This sign-in link was already used, or it has expired.')).toBeVisible();
  // headless.ts names the ways that work for this app: a child process without a terminal has no Enter;
  // the data folder is named, as it is not the default.
  await expect(stranger.locator('code').last()).toHaveText(/^ORCHIDS_TRAY_DATA_DIR=\S+ npm run cli -- dashboard$/);
  // Its stylesheet loaded (the CSP allows a file of the origin, not a <style>): the text is a column, not the width.
  expect(await stranger.locator('body').evaluate((body) => getComputedStyle(body).maxWidth)).not.toBe('none');
  await stranger.setViewportSize({ width: 400, height: 700 });
  await stranger.screenshot({ path: '/tmp/window-refused-400.png' });
  await stranger.setViewportSize({ width: 1280, height: 860 });
  await stranger.screenshot({ path: '/tmp/window-refused.png' });
  expect(errors, 'no CSP violation or other error').toEqual([]);
  expect(loaded).toEqual(['401 /_tray/', '200 /_tray/refused.css']);
  await other.close();
  // The signed-in page is not affected.
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
});

test('the Add account dialog has no empty band between its fields and its buttons', async ({ page }) => {
  for (const width of [1280, 400]) {
    await page.setViewportSize({ width, height: 860 });
    await goTo(page, 'Accounts');
    await page.getByRole('button', { name: 'Add account', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Add account' });
    await expect(dialog).toBeVisible();
    await page.screenshot({ path: `/tmp/window-add-account-${width}.png` });
    // Before: 72 px of nothing, the room kept for a status line that only checking or a refusal shows.
    const fieldsEnd = await box(dialog.getByLabel('Weight', { exact: true }));
    const buttons = await box(dialog.getByRole('button', { name: 'Cancel' }));
    expect(buttons.y - (fieldsEnd.y + fieldsEnd.height), `at ${width} px`).toBeLessThanOrEqual(24);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  }
  // The status line, when there is one, still sits between the fields and the buttons.
  await page.getByRole('button', { name: 'Add account', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Add account' });
  await dialog.getByLabel('Cookie', { exact: true }).fill('not a cookie at all');
  await dialog.getByRole('button', { name: 'Add account' }).click();
  const alert = await box(dialog.getByRole('alert'));
  expect(alert.y).toBeGreaterThan((await box(dialog.getByLabel('Weight', { exact: true }))).y);
  expect(alert.y + alert.height).toBeLessThan((await box(dialog.getByRole('button', { name: 'Cancel' }))).y);
  await page.screenshot({ path: '/tmp/window-add-account-refused.png' });
});

async function box(locator: Locator): Promise<{ x: number; y: number; width: number; height: number }> {
  const found = await locator.boundingBox();
  expect(found, 'on screen').not.toBeNull();
  return found!;
}

test('at 400 px Logs lets a long account e-mail be read whole', async ({ page, tray }) => {
  const email = 'someone.with.a.rather.long.address@engineering.example.test';
  await addAccount(page, tray.sim.addUser({ email }));
  await tray.send(2);
  await page.setViewportSize({ width: 400, height: 860 });
  await goTo(page, 'Logs');
  await expect(page.getByRole('button', { name: /^Open request/ }).first()).toBeVisible();
  await page.screenshot({ path: '/tmp/window-logs-400.png' });
  // Before: "someone.with.a.…", whole only in a tooltip, which a touch screen or the keyboard never shows.
  const cells = page.getByRole('cell', { name: email, exact: true });
  await expect(cells).toHaveCount(2);
  for (const cell of await cells.all()) {
    expect(await cell.evaluate((el) => el.scrollWidth <= el.clientWidth && el.scrollHeight <= el.clientHeight)).toBe(
      true,
    );
  }
  // Wrapped inside its own place in the row: the figures beside it stay on the row's right.
  const [account, tokens] = [await box(cells.first()), await box(page.locator('.cell-tokens').first())];
  expect(account.x + account.width).toBeLessThanOrEqual(tokens.x);
  // Beside its first line, not its last.
  expect(tokens.y).toBeLessThan(account.y + 20);
});

test('at 400 px the Overview setup command shows that it goes on', async ({ page }) => {
  await page.setViewportSize({ width: 400, height: 860 });
  await goTo(page, 'Overview');
  await page.screenshot({ path: '/tmp/window-overview-400.png', fullPage: true });
  // Before: one line cut at the card's edge, its rest (the key and `claude`) reached only by scrolling sideways.
  const code = page.getByLabel('Claude Code setup', { exact: true });
  await expect(code).toContainText(/ claude$/);
  expect(await code.evaluate((pre) => pre.scrollWidth - pre.clientWidth)).toBe(0);
  // Copy is kept, and copies the one line (the wrap is the window's, not the text's).
  await expect(page.getByRole('button', { name: 'Copy Claude Code setup' })).toBeVisible();
  expect(await code.textContent()).not.toContain('\n');
});

test('Logs says which requests it lists, and it lists those', async ({ page, tray }) => {
  await addAccount(page, tray.sim.addUser(), 'Work');
  await tray.send(1);
  // Unreadable (no max_tokens): answered 400 at once, not listed.
  const unread = await fetch(`${tray.proxyUrl}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'hi' }] }),
  });
  expect(unread.status).toBe(400);
  await goTo(page, 'Logs');
  await expect(page.getByRole('button', { name: /^Open request/ })).toHaveCount(1);
  const subtitle = page.locator('.view-header .subtitle');
  // Before: "Every request, newest first", over a list that had left this 400 out.
  await expect(subtitle).not.toContainText('Every request');
  await expect(subtitle).toContainText(
    'Newest first. Requests refused at once (unreadable, no API key, or while paused) are not listed.',
  );
});
