import { addAccount, expect, goTo, screenshot, test } from './fixtures';

test('Logs: with debug logging turned on in Settings, a request opens to its full record', async ({ page, tray }) => {
  await addAccount(page, tray.sim.addUser(), 'Logger');

  // A request before debug logging: its row opens, with the reason there is no record.
  await tray.send(1);
  await goTo(page, 'Logs');
  const rows = page.getByRole('button', { name: /^Open request req_/ });
  await expect(rows).toHaveCount(1);
  await rows.first().click();
  let dialog = page.getByRole('dialog', { name: /^Request req_/ });
  await expect(dialog.getByText('No debug record: debug logging was off when this request ran')).toBeVisible();
  await expect(dialog.getByText('claude-sonnet-4-6', { exact: false }).first()).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  await goTo(page, 'Settings');
  const debug = page.getByRole('switch', { name: 'Debug logging' });
  await expect(debug).not.toBeChecked();
  await debug.click();
  await expect(debug).toBeChecked();

  await goTo(page, 'Logs');
  await expect(rows).toHaveCount(1);
  await tray
    .client()
    .messages.stream({
      model: 'claude-sonnet-4-6',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'Hello, streaming' }],
    })
    .finalMessage();
  await expect(rows).toHaveCount(2); // arrived live
  await screenshot(page, 'logs');
  await rows.first().click();
  dialog = page.getByRole('dialog', { name: /^Request req_/ });
  await expect(dialog.getByRole('heading', { name: 'Incoming request' })).toBeVisible();
  await expect(dialog.getByLabel('Incoming body')).toContainText('Hello, streaming');
  await expect(dialog.getByRole('heading', { name: 'Upstream request' })).toBeVisible();
  await expect(dialog.getByRole('heading', { name: 'Upstream events' })).toBeVisible();
  await expect(dialog.getByRole('list', { name: 'Upstream events, attempt 1' })).toContainText(
    'Hello from the Orchids simulator.',
  );
  await expect(dialog.getByRole('heading', { name: 'Client events' })).toBeVisible();
  await expect(dialog.getByRole('list', { name: 'Client events' })).toContainText('message_stop');
  await expect(dialog.getByRole('heading', { name: 'Summary' })).toBeVisible();
  await screenshot(page, 'logs-record');
  await dialog.getByRole('heading', { name: 'Upstream events' }).scrollIntoViewIfNeeded();
  await screenshot(page, 'logs-record-events');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();
});

test('Logs: Pause holds new requests and counts them; filters narrow the list', async ({ page, tray }) => {
  await addAccount(page, tray.sim.addUser(), 'Filtered');
  await goTo(page, 'Logs');
  await expect(page.getByText('No requests yet')).toBeVisible();
  const rows = page.getByRole('button', { name: /^Open request req_/ });

  await page.getByRole('button', { name: 'Pause list', exact: true }).click();
  await tray.send(2);
  await expect(page.getByText('Paused — 2 new requests waiting')).toBeVisible();
  await expect(rows).toHaveCount(0);
  await page.getByRole('button', { name: 'Resume list', exact: true }).click();
  await expect(rows).toHaveCount(2);

  await page.getByLabel('Outcome', { exact: true }).selectOption('error');
  await expect(page.getByText('No requests match these filters')).toBeVisible();
  await page.getByLabel('Outcome', { exact: true }).selectOption('ok');
  await expect(rows).toHaveCount(2);
  await page.getByLabel('Account', { exact: true }).selectOption({ label: 'Filtered' });
  await expect(rows).toHaveCount(2);
});

test('Logs: a failed request says why in its row, and the whole reason on hover where the row cuts it short', async ({
  page,
  tray,
}) => {
  await addAccount(page, tray.sim.addUser(), 'Limited');
  tray.sim.refuseUpgrades(429, 'Too many requests', { 'retry-after': '3600' });
  await expect(tray.send(1)).rejects.toThrow();
  await goTo(page, 'Logs');
  const row = page.getByRole('row').filter({ has: page.getByRole('button', { name: /^Open request req_/ }) });
  await expect(row).toHaveCount(1);
  const reason = row.getByTitle(/^No Orchids account can take/);
  await expect(reason).toBeVisible();
  expect(await reason.getAttribute('title')).toBe((await reason.textContent())?.trim());
});
