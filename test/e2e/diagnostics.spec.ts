import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from '../helpers/processes';
import { addAccount, expect, goTo, test } from './fixtures';

const VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

test('Diagnostics: closed by default, live while open, quiet once closed, and one Copy for a bug report', async ({
  page,
  tray,
}) => {
  const user = tray.sim.addUser();
  await addAccount(page, user, 'Pooled');
  await goTo(page, 'Settings');
  await page.getByLabel('Protocol', { exact: true }).selectOption('ws');
  await expect(page.getByText('Protocol: Generation B over WebSocket (ws)')).toBeVisible();

  const reads: string[] = [];
  page.on('request', (r) => {
    if (r.url().endsWith('/_tray/api/proxy:health')) reads.push(r.url());
  });
  await goTo(page, 'Overview');
  const section = page.getByRole('region', { name: 'Diagnostics' });
  const toggle = section.getByRole('button', { name: 'Diagnostics', exact: true });
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await expect(section.getByText(/^WebSocket pool:/)).toHaveCount(0);
  expect(reads).toEqual([]); // a closed section reads nothing

  // A keyboard opens it, like any button.
  await toggle.focus();
  await page.keyboard.press('Enter');
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  const figures = section.getByRole('list', { name: 'Diagnostics figures' });
  await expect(figures.getByRole('listitem').first()).toHaveText(`Orchids Tray ${VERSION} (headless)`);
  const pool = figures.getByText(/^WebSocket pool:/);
  await expect(pool).toHaveText('WebSocket pool: 0 open (0 idle), 0 dials, 0 reuses, 0 retries, 0 strays');
  // In step with this machine's clock (the simulator's Date is ours), so no clock line.
  await expect(figures.getByText(/clock/)).toHaveCount(0);
  await expect(figures.getByText(/^Connections: \d+ open;/)).toBeVisible();
  await expect(figures.getByText(/^Body budget: .* in use of /)).toBeVisible();
  await expect(figures.getByText(/^Debug records: /)).toBeVisible();
  await expect(figures.getByText(/^History: \d+ pending, 0 dropped$/)).toBeVisible();

  // Nothing pushes the pool's counters: the open section reads them again by itself.
  await tray.send(2);
  expect(tray.sim.requests.at(-1)?.protocol).toBe('ws');
  await expect(pool).toHaveText(/^WebSocket pool: 1 open \(1 idle\), 1 dial, 1 reuse, 0 retries, 0 strays$/);

  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await section.getByRole('button', { name: 'Copy diagnostics' }).click();
  await expect(section.getByRole('button', { name: 'Copy diagnostics' })).toContainText('Copied');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  const lines = copied.trimEnd().split('\n');
  expect(lines[0]).toBe(`Orchids Tray ${VERSION} (headless)`);
  expect(lines).toContain(await pool.textContent());
  expect(lines).toEqual(await figures.getByRole('listitem').allTextContents());
  expect(copied).not.toContain(user.email);
  expect(copied).not.toContain('@');

  // Closed again, it stops reading.
  await page.keyboard.press('Shift+Tab');
  await expect(toggle).toBeFocused();
  await page.keyboard.press('Space');
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await expect(figures).toBeHidden();
  const readsWhenClosed = reads.length;
  await page.waitForTimeout(4_500); // two refresh periods and more
  expect(reads.length).toBe(readsWhenClosed);
});
