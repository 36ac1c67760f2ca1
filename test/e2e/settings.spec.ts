import Anthropic from '@anthropic-ai/sdk';
import type { Locator } from '@playwright/test';
import { addAccount, callBehindTheWindow, expect, goTo, screenshot, test } from './fixtures';

test('a changed retention value persists after a reload; environment settings are read-only', async ({ page }) => {
  await goTo(page, 'Settings');
  const count = page.getByLabel('Debug records to keep', { exact: true });
  await expect(count).toHaveValue('50000');
  await count.fill('321');
  await count.press('Enter');
  await expect(page.getByText('Saved', { exact: true })).toBeVisible();

  // The port comes from ORCHIDS_TRAY_PORT in this test setup: shown, locked, with the variable's name.
  const port = page.getByLabel('Port', { exact: true });
  await expect(port).toHaveAttribute('readonly', '');
  await expect(page.getByText('ORCHIDS_TRAY_PORT', { exact: true })).toBeVisible();
  // A host beyond loopback stops the next start unless remote mode is asked for: said before it is saved.
  await expect(page.getByLabel('Host', { exact: true })).toHaveAccessibleDescription(
    /any other address also needs ORCHIDS_TRAY_ALLOW_REMOTE=1 and an API key, or the next start stops\./,
  );
  // Launch at login belongs to the desktop app; headless says so.
  await expect(page.getByRole('switch', { name: 'Launch at login' })).toBeDisabled();
  await expect(page.getByText(/Desktop app only/)).toBeVisible();

  // A value the core refuses: its reason, next to the field.
  const days = page.getByLabel('Debug log age limit', { exact: true });
  await days.fill('0');
  await days.press('Enter');
  await expect(page.getByRole('alert').filter({ hasText: 'Enter a whole number from 1 to 3650.' })).toBeVisible();

  await screenshot(page, 'settings');
  await page.reload();
  await expect(page.getByLabel('Debug records to keep', { exact: true })).toHaveValue('321');
});

test('Use default looks like the other small buttons in both themes, and shows keyboard focus', async ({ page }) => {
  await goTo(page, 'Settings');
  const count = page.getByLabel('Debug records to keep', { exact: true });
  await count.fill('321');
  await count.press('Enter');
  const useDefault = page.getByRole('button', { name: 'Use default for Debug records to keep' });
  await expect(useDefault).toBeVisible();
  const looks = (button: Locator) =>
    button.evaluate((el) => {
      const style = getComputedStyle(el);
      return { border: style.borderTopColor, background: style.backgroundColor, color: style.color };
    });
  for (const theme of ['light', 'dark'] as const) {
    await page.getByRole('button', { name: theme === 'dark' ? 'Dark theme' : 'Light theme' }).click();
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
    // "Add mapping" is a small secondary button of the same view: a visible border, the surface behind it.
    const theirs = await looks(page.getByRole('button', { name: 'Add mapping' }));
    expect(theirs.border, theme).not.toBe('rgba(0, 0, 0, 0)');
    expect(await looks(useDefault), theme).toEqual(theirs);
  }

  // From the field, Tab passes the hidden Save (nothing left to save) and lands on Use default, outlined.
  await count.focus();
  await page.keyboard.press('Tab');
  await expect(useDefault).toBeFocused();
  expect(await useDefault.evaluate((el) => getComputedStyle(el).outlineStyle)).toBe('solid');
  await page.keyboard.press('Enter');
  await expect(count).toHaveValue('50000');
  await expect(useDefault).toBeHidden();
  // The button went with the stored value: the keyboard carries on from the field, not from the top of the page.
  await expect(count).toBeFocused();
});

test('API key: generate shows it once with a copy button; the setup then asks for it', async ({ page, tray }) => {
  await goTo(page, 'Settings');
  await page.getByRole('button', { name: 'Generate key' }).click();
  const key = page.getByLabel(/Your new API key/);
  await expect(key).toHaveValue(/^ot-/);
  const value = await key.inputValue();
  await expect(page.getByRole('button', { name: 'Copy API key' })).toBeVisible();

  // The proxy now wants the key.
  await expect(tray.send(1)).rejects.toThrow(/401/);
  const sdk = new Anthropic({ baseURL: tray.proxyUrl, apiKey: value, maxRetries: 0 });
  await expect(sdk.models.list()).resolves.toBeTruthy();

  await goTo(page, 'Overview');
  await expect(page.getByRole('tabpanel')).toContainText(
    'ANTHROPIC_API_KEY=<your API key> CLAUDE_CODE_ENABLE_TASKS=false claude',
  );
});

test('model mapping: add a row, see validation, save, reset to default', async ({ page }) => {
  await goTo(page, 'Settings');
  await page.getByRole('button', { name: 'Add mapping' }).click();
  const rows = page.getByRole('textbox', { name: /^Requested model, row/ });
  const last = await rows.count();
  await expect(page.getByRole('textbox', { name: `Requested model, row ${last}` })).toBeFocused();
  await page.getByRole('button', { name: 'Save mapping' }).click();
  await expect(page.getByRole('alert').filter({ hasText: `Row ${last}: fill in both` })).toBeVisible();
  await page.getByRole('textbox', { name: `Requested model, row ${last}` }).fill('my-model');
  await page.getByRole('textbox', { name: `Upstream model, row ${last}` }).fill('claude-haiku-4-5');
  await page.getByRole('button', { name: 'Save mapping' }).click();
  await expect(page.getByText('Mapping saved; new requests use it.')).toBeVisible();
  await page.reload();
  await expect(page.getByRole('textbox', { name: `Requested model, row ${last}` })).toHaveValue('my-model');

  await page.getByRole('button', { name: 'Reset to default' }).click();
  await page
    .getByRole('dialog', { name: 'Reset the model mapping?' })
    .getByRole('button', { name: 'Reset to default' })
    .click();
  await expect(page.getByText('Mapping reset to the default.')).toBeVisible();
  await expect(rows).toHaveCount(last - 1);
});

test('a button that goes (or turns off) once used leaves the keyboard beside it, not at the top of the page', async ({
  page,
}) => {
  await goTo(page, 'Settings');
  const add = page.getByRole('button', { name: 'Add mapping' });

  // A field's Save: hidden once saved; the field takes the focus back.
  const count = page.getByLabel('Debug records to keep', { exact: true });
  await count.fill('321');
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Save Debug records to keep' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: 'Use default for Debug records to keep' })).toBeVisible();
  await expect(count).toBeFocused();

  // Discard changes: gone once nothing is left to discard.
  await page.getByRole('textbox', { name: 'Upstream model, row 1', exact: true }).fill('claude-haiku-4-5');
  await page.getByRole('button', { name: 'Discard changes' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: 'Discard changes' })).toBeHidden();
  await expect(add).toBeFocused();

  // Reset to default: turned off once the default is back.
  await page.getByRole('textbox', { name: 'Upstream model, row 1', exact: true }).fill('claude-haiku-4-5');
  await page.getByRole('button', { name: 'Save mapping' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByText('Mapping saved; new requests use it.')).toBeVisible();
  await expect(add).toBeFocused(); // Save mapping turned off once saved
  const reset = page.getByRole('button', { name: 'Reset to default' });
  await reset.focus();
  await page.keyboard.press('Enter');
  await page
    .getByRole('dialog', { name: 'Reset the model mapping?' })
    .getByRole('button', { name: 'Reset to default' })
    .press('Enter');
  await expect(page.getByText('Mapping reset to the default.')).toBeVisible();
  await expect(reset).toBeDisabled();
  await expect(add).toBeFocused();

  // Hide: the new key goes, the button that makes another stays.
  await page.getByRole('button', { name: 'Generate key' }).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: 'Hide' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByLabel(/Your new API key/)).toBeHidden();
  await expect(page.getByRole('button', { name: 'Generate new key' })).toBeFocused();

  // Clear key: gone with the key it cleared.
  await page.getByRole('button', { name: 'Clear key' }).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('dialog').getByRole('button', { name: 'Clear key' }).press('Enter');
  await expect(page.getByRole('button', { name: 'Clear key' })).toBeHidden();
  await expect(page.getByRole('button', { name: 'Generate key' })).toBeFocused();
});

test('dark theme: chosen in the sidebar, kept after a reload', async ({ page }) => {
  await page.getByRole('button', { name: 'Dark theme' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(background).toBe('rgb(19, 17, 24)');
  await page.reload();
  await expect(page.getByRole('button', { name: 'Dark theme' })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await screenshot(page, 'overview-dark');

  await goTo(page, 'Accounts');
  await screenshot(page, 'accounts-dark');
  await goTo(page, 'Settings');
  await screenshot(page, 'settings-dark');
  await page.getByRole('button', { name: 'Light theme' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
});

test('the upstream protocol: automatic by default, pinned from a select, and the next request uses it', async ({
  page,
  tray,
}) => {
  await addAccount(page, tray.sim.addUser(), 'Pinned');
  await goTo(page, 'Settings');
  const protocol = page.getByLabel('Protocol', { exact: true });
  await expect(protocol).toHaveValue('auto');
  await protocol.selectOption('sse-a');
  await expect(page.getByText('Protocol: Generation A over SSE (sse-a)')).toBeVisible();
  await tray.send(1);
  expect(tray.sim.requests.at(-1)?.protocol).toBe('sse-a');
  await page.reload();
  await expect(page.getByLabel('Protocol', { exact: true })).toHaveValue('sse-a');
});

test('allowed web origins: a comma-separated list that opens the API to exactly those pages', async ({
  page,
  tray,
}) => {
  const fromPage = async (origin: string): Promise<number> =>
    (await fetch(`${tray.proxyUrl}/v1/models`, { headers: { origin, 'x-api-key': 'e2e-not-a-real-key' } })).status;
  expect(await fromPage('https://app.example.test')).toBe(403);

  await goTo(page, 'Settings');
  const origins = page.getByLabel('Allowed web origins', { exact: true });
  await expect(origins).toHaveValue('');
  await origins.fill(' https://app.example.test,, https://tools.example.test ');
  await origins.press('Enter');
  await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
  expect(await fromPage('https://app.example.test')).toBe(200);
  expect(await fromPage('https://tools.example.test')).toBe(200);
  expect(await fromPage('https://evil.example.test')).toBe(403);

  // Stored as a list, shown back the way it reads.
  await page.reload();
  await expect(page.getByLabel('Allowed web origins', { exact: true })).toHaveValue(
    'https://app.example.test, https://tools.example.test',
  );
  // A value the core refuses (not a URL) keeps the old list and says why: which entry, and what one looks like, in
  // the field's words ("allowedOrigins: Invalid URL" named neither, in the setting's code name).
  await page.getByLabel('Allowed web origins', { exact: true }).fill('https://app.example.test, not a url');
  await page.getByLabel('Allowed web origins', { exact: true }).press('Enter');
  await expect(page.getByRole('alert')).toHaveText('"not a url" is not a URL such as https://app.example.test');
  expect(await fromPage('https://app.example.test')).toBe(200);

  await page.getByRole('button', { name: 'Use default for Allowed web origins' }).click();
  await expect(page.getByLabel('Allowed web origins', { exact: true })).toHaveValue('');
  expect(await fromPage('https://app.example.test')).toBe(403);

  // The host names' field says which entry is wrong the same way ("allowedHosts: a host name without a port" did not).
  const hosts = page.getByLabel('Host names for remote clients', { exact: true });
  await hosts.fill('mybox.lan, mybox.lan:8080');
  await hosts.press('Enter');
  await expect(page.getByRole('alert')).toHaveText(
    '"mybox.lan:8080" is not a host name without a port, such as mybox.lan',
  );
  await page.reload();
  await expect(hosts).toHaveValue('');
});

test('HTTP/2 to the upstream: on by default, switched off from Settings, and still off after a reload', async ({
  page,
}) => {
  await goTo(page, 'Settings');
  const http2 = page.getByRole('switch', { name: 'HTTP/2' });
  await expect(http2).toBeChecked();
  await http2.focus();
  await page.keyboard.press('Space');
  await expect(page.getByText('HTTP/2 is off', { exact: true })).toBeVisible();
  await expect(http2).not.toBeChecked();
  await expect(http2).toBeFocused(); // kept while the change was saved, so the next key press still reaches it
  await page.reload();
  await expect(page.getByRole('switch', { name: 'HTTP/2' })).not.toBeChecked();
});

test('a setting changed elsewhere while the live connection was down shows once it comes back', async ({ page }) => {
  // The live stream breaks once: its first request after the reload gets a stream that ends at once (the app went
  // away), and the reconnect is held until the setting has been changed behind the window's back.
  let armed = false;
  let served = 0;
  let letReconnect: () => void = () => undefined;
  const reconnectMayGo = new Promise<void>((resolve) => (letReconnect = resolve));
  let reconnecting: () => void = () => undefined;
  const reconnectAsked = new Promise<void>((resolve) => (reconnecting = resolve));
  page.once('framenavigated', () => (armed = true));
  await page.route('**/_tray/api/events', async (route) => {
    if (!armed) return route.fallback();
    served += 1;
    if (served === 1) {
      return route.fulfill({ status: 200, contentType: 'text/event-stream', body: 'retry: 50\n\n' });
    }
    if (served === 2) {
      reconnecting();
      await reconnectMayGo;
    }
    return route.fallback();
  });
  await page.reload();
  await goTo(page, 'Settings');
  const records = page.getByLabel('Debug records to keep', { exact: true });
  await expect(records).toHaveValue('50000');

  await reconnectAsked;
  const changed = await callBehindTheWindow(page, 'settings:set', { key: 'logRetentionCount', value: 4321 });
  expect(changed.ok).toBe(true);
  await expect(records).toHaveValue('50000'); // nothing told the window yet

  letReconnect();
  await expect(records).toHaveValue('4321');
});

test('a setting changed elsewhere shows in an open Settings view at once', async ({ page }) => {
  await goTo(page, 'Settings');
  const records = page.getByLabel('Debug records to keep', { exact: true });
  await expect(records).toHaveValue('50000');
  const changed = await callBehindTheWindow(page, 'settings:set', { key: 'logRetentionCount', value: 2468 });
  expect(changed.ok).toBe(true);
  await expect(records).toHaveValue('2468');
});

test('the credits switch names the site credits are read from', async ({ page, tray }) => {
  await goTo(page, 'Settings');
  // The simulator's site is not orchids.app, so the description names the host the core reads.
  const site = new URL(tray.sim.siteUrl).host;
  await expect(page.getByRole('switch', { name: 'Credits' })).toHaveAccessibleDescription(
    `Read each enabled account's plan and credits left from ${site} every 15 minutes, with the account's own ` +
      `session. Off, nothing is sent to ${site} and the figures stay as last read.`,
  );
});

test.describe('a port the window may change', () => {
  test.use({ storedPort: true });

  test('Port takes 0 as the setting does, says what it does, and refuses anything else inline', async ({ page }) => {
    await goTo(page, 'Settings');
    const port = page.getByLabel('Port', { exact: true });
    await expect(port).not.toHaveAttribute('readonly', '');
    const form = page.locator('form.setting').filter({ has: port });
    // 0 is what the setting and ORCHIDS_TRAY_PORT take for "any free port".
    await port.fill('0');
    await port.press('Enter');
    await expect(form.getByText('Saved — restart Orchids Tray to use it', { exact: true })).toBeVisible();
    await expect(port).toHaveAccessibleDescription(/0 lets the system pick a free port at each start/);

    for (const wrong of ['65536', '-1', '80.5']) {
      await port.fill(wrong);
      await port.press('Enter');
      await expect(form.getByRole('alert')).toHaveText('Enter a whole number from 0 to 65535.');
      await expect(port).toHaveAttribute('aria-invalid', 'true');
    }
    await page.reload();
    await expect(page.getByLabel('Port', { exact: true })).toHaveValue('0');
  });
});
