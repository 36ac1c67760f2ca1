import { addAccount, expect, goTo, test } from './fixtures';

test('the Claude Code line gives a placeholder key while none is set, and asks for yours once one is', async ({
  page,
}) => {
  const snippet = page.getByRole('tabpanel', { name: 'Claude Code' });
  await expect(snippet).toContainText('ANTHROPIC_API_KEY=not-needed claude');
  await expect(snippet).not.toContainText('<your API key>');

  await goTo(page, 'Settings');
  await page.getByRole('button', { name: 'Generate key' }).click();
  await expect(page.getByLabel(/Your new API key/)).toHaveValue(/^ot-/);
  await goTo(page, 'Overview');
  await expect(snippet).toContainText('ANTHROPIC_API_KEY=<your API key> claude');
  await expect(snippet).not.toContainText('not-needed');
});

test('the Codex CLI tab gives a config.toml for this proxy, with the catalog Claude ids need for apply_patch', async ({
  page,
}) => {
  await page.getByRole('tab', { name: 'Codex CLI' }).click();
  const snippet = page.getByRole('tabpanel', { name: 'Codex CLI' });
  const url = new URL(page.url()).origin;
  await expect(snippet).toContainText(`base_url = "${url}/v1"`);
  await expect(snippet).toContainText(`model_catalog_url = "${url}/v1/models"`);
  await expect(snippet).toContainText('wire_api = "responses"');
  await expect(snippet).toContainText('ORCHIDS_TRAY_API_KEY=not-needed codex');
});

test('with no account, the proxy line is itself the link to add one', async ({ page }) => {
  const proxy = page.getByRole('region', { name: 'Proxy' });
  await expect(proxy.getByText('No accounts', { exact: true })).toBeVisible();
  // Once, as a link, not a sentence followed by the same words as a link.
  await expect(proxy.getByText(/to start/)).toHaveText('Add an Orchids account to start serving requests.');
  await proxy.getByRole('link', { name: 'Add an Orchids account' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Accounts' })).toBeVisible();
});

test('shows the credits the enabled accounts have left between them, once any figure is known', async ({
  page,
  tray,
}) => {
  const pro = tray.sim.addUser();
  const free = tray.sim.addUser();
  const off = tray.sim.addUser();
  tray.sim.setCredits(pro.userId, { plan: 'PRO', credits: 96_571 });
  tray.sim.setCredits(free.userId, { plan: 'FREE', credits: 150_000 });
  tray.sim.setCredits(off.userId, { plan: 'FREE', credits: 1_000 });
  await addAccount(page, pro, 'Pro');
  await addAccount(page, free, 'Free');
  await addAccount(page, off, 'Off');
  await goTo(page, 'Overview');
  await expect(page.getByRole('list', { name: 'Requests per account' }).getByRole('listitem')).toHaveCount(3);
  await expect(page.getByText(/^Credits left/)).toHaveCount(0);

  await goTo(page, 'Accounts');
  await page.getByRole('button', { name: 'Check credits' }).click();
  await expect(page.getByText('FREE · 1,000 left')).toBeVisible();
  // A disabled account's credits are not there to spend.
  await page.getByRole('switch', { name: 'Enabled: Off' }).click();
  await expect(page.getByRole('switch', { name: 'Enabled: Off' })).toHaveAttribute('aria-checked', 'false');
  await goTo(page, 'Overview');
  await expect(page.getByText(/^Credits left/)).toHaveText(
    /^Credits left: 246,571 across 2 accounts, read (just now|\d+ s ago)$/,
  );
});

test("in a tray popover the bar's proxy state reads whole", async ({ page, tray }) => {
  await addAccount(page, tray.sim.addUser(), 'Only');
  await page.getByRole('switch', { name: 'Enabled: Only' }).click();
  await page.setViewportSize({ width: 420, height: 800 });
  const pill = page.getByRole('status').filter({ hasText: 'All accounts disabled' });
  await expect(pill).toBeVisible();
  const cut = await pill.locator('.proxy-pill-text').evaluate((el) => el.scrollWidth > el.clientWidth);
  expect(cut, 'the state cut short with an ellipsis').toBe(false);
});
