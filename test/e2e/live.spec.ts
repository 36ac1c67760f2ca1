import type { StatsView } from '../../contract/request-views';
import { addAccount, callBehindTheWindow, cellUnder, expect, goTo, screenshot, test } from './fixtures';

test('request counts rise live, without a reload, on Accounts and Overview', async ({ page, tray }) => {
  const user = tray.sim.addUser();
  await addAccount(page, user, 'Counter');
  const requests = await cellUnder(page, /Counter/, 'Requests');
  await expect(requests).toHaveText('0');

  // Mark the document: if anything reloads the page, the mark is gone.
  await page.evaluate(() => ((window as unknown as { noReload: boolean }).noReload = true));
  await tray.send(3);
  await expect(requests).toHaveText('3');
  // The count is the account's since it was added, not today's, which the Overview's totals are.
  await expect(requests).toHaveAttribute('title', '3 requests sent to it since it was added, retries included');
  await expect(page.getByRole('columnheader', { name: 'Requests' })).toHaveAttribute(
    'title',
    /since the account was added/,
  );
  await expect(page.getByRole('row', { name: /Counter/ })).toContainText('just now');
  // Which upstream protocol served it arrived live too (auto found the simulator's WebSocket).
  await expect(page.getByRole('row', { name: /Counter/ })).toContainText('via ws');

  await goTo(page, 'Overview');
  const counter = page
    .getByRole('list', { name: 'Requests per account' })
    .getByRole('listitem')
    .filter({ hasText: 'Counter' });
  await expect(counter).toContainText('3 requests');
  await tray.send(2);
  await expect(counter).toContainText('5 requests');
  await expect(page.getByRole('definition').filter({ hasText: /^5$/ }).first()).toBeVisible(); // Requests today
  await expect(page.getByRole('img', { name: /Requests per minute over the last 60 minutes: 5 in all/ })).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { noReload?: boolean }).noReload)).toBe(true);
  await screenshot(page, 'overview');
});

test('a statistics answer that lands after live reports neither loses nor doubles them', async ({ page, tray }) => {
  const user = tray.sim.addUser();
  await addAccount(page, user, 'Crossing');
  // Hold the Overview's first statistics answer (read before the requests) until their live reports have arrived.
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/_tray/api/stats:get', async (route) => {
    const response = await route.fetch();
    await held;
    await route.fulfill({ response });
  });
  await goTo(page, 'Overview');
  const counter = page.getByRole('list', { name: 'Requests per account' }).getByRole('listitem');
  await tray.send(2);
  await expect(counter.filter({ hasText: 'Crossing' })).toContainText('2 requests');
  release();
  const today = page.getByRole('definition').filter({ hasText: /^2$/ }).first(); // Requests today
  await expect(today).toBeVisible();
  await tray.send(1);
  await expect(page.getByRole('definition').filter({ hasText: /^3$/ }).first()).toBeVisible();
});

test('an account cools down live when Orchids answers 429 with Retry-After, with a countdown', async ({
  page,
  tray,
}) => {
  const user = tray.sim.addUser();
  await addAccount(page, user, 'Busy');
  const row = page.getByRole('row', { name: /Busy/ });
  await expect(row.getByText('Ready')).toBeVisible();

  // The default protocol is a WebSocket: a rate limit with Retry-After comes as a refused upgrade (this is the only
  // account).
  tray.sim.refuseUpgrades(429, 'Too many requests', { 'retry-after': '60' });
  await expect(tray.send(1)).rejects.toThrow();

  await expect(row.getByText('Cooling down')).toBeVisible();
  const timer = row.getByRole('timer');
  await expect(timer).toHaveText(/retry in (1 min|5\d s)/);
  const first = await timer.innerText();
  await expect(timer).not.toHaveText(first, { timeout: 3_000 }); // it counts down by itself
  await expect(row.getByRole('button', { name: 'Reset Busy' })).toBeVisible();
  await screenshot(page, 'accounts-cooling-down');

  // Reset puts it back to ready at once.
  tray.sim.refuseUpgrades(undefined);
  await row.getByRole('button', { name: 'Reset Busy' }).click();
  await expect(row.getByText('Ready')).toBeVisible();
  await expect(row.getByRole('timer')).toHaveCount(0);
});

/**
 * A countdown runs every second, and each row of the Overview's list gives its state the room its words take: as
 * "retry in 58 min 55 s" became "retry in 9 s", the state's badge slid right and the name's room grew. The page's
 * clock is driven, so each wording is looked at without waiting for it.
 */
test("a countdown ticking down moves nothing else: the Overview's badge stays where it was", async ({ page, tray }) => {
  await page.clock.install();
  await page.reload();
  await addAccount(page, tray.sim.addUser(), 'Busy');
  tray.sim.refuseUpgrades(429, 'Too many requests', { 'retry-after': '3600' });
  await expect(tray.send(1)).rejects.toThrow();
  tray.sim.refuseUpgrades(undefined);
  const listed = await callBehindTheWindow(page, 'accounts:list', undefined);
  const until = (listed.value as Array<{ name: string; statusUntil: number | null }>).find(
    (a) => a.name === 'Busy',
  )!.statusUntil!;
  await goTo(page, 'Overview');
  const row = page.getByRole('list', { name: 'Requests per account' }).getByRole('listitem');
  // The countdown's ticking starts in an effect, after it is drawn: paused before that effect ran (a loaded CI
  // machine), the clock would never fire it, and the countdown kept its first words. A frame and a task after it
  // is drawn, the effect has run.
  await expect(row.getByRole('timer')).toBeVisible();
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve))));
  const where = async (width: number) => {
    await page.setViewportSize({ width, height: 800 });
    return row.evaluate((li) => {
      const left = (el: Element | null) => Math.round(el!.getBoundingClientRect().left);
      const right = (el: Element | null) => Math.round(el!.getBoundingClientRect().right);
      return [left(li.querySelector('.badge')), right(li.querySelector('.count-name'))];
    });
  };
  const widths = [1280, 800];
  const seen: Record<string, number[][]> = {};
  for (const [left, text] of [
    [3_535_000, 'retry in 58 min 55 s'], // a minute's slack for a slow machine to get here
    [61_000, 'retry in 1 min 1 s'],
    [59_000, 'retry in 59 s'],
    [9_000, 'retry in 9 s'],
  ] as const) {
    await page.clock.pauseAt(until - left);
    await expect(row.getByRole('timer')).toHaveText(text);
    seen[text] = [];
    for (const width of widths) seen[text].push(await where(width));
  }
  const first = Object.values(seen)[0]!;
  expect(seen, `the badge's left and the name's right at ${widths.join(' and ')} px`).toEqual(
    Object.fromEntries(Object.keys(seen).map((text) => [text, first])),
  );
});

/**
 * With no request after midnight, the totals turned only at the next half-minute re-read: the window inferred the day
 * from the snapshot's last minute. The core now states its day's end and the window turns there on its own, timed by
 * the core's clock, not its own: a window clock half a minute off turned that much early or late. The page's clock is
 * set off the core's (Playwright's clock, running on from there) and the core's stated midnight is moved to 20 s after
 * the Overview's read of it, on its way to the window; the page is then driven to 2 s before and 1 s after that
 * midnight as the core's clock has it. No request or re-read comes between, so the zeroes can only be the window's own
 * turn, and they come at the core's midnight.
 */
for (const [skew, way] of [
  [30_000, 'ahead of'],
  [-30_000, 'behind'],
] as const) {
  test(`today's totals start again from nothing at the core's midnight, the window's clock 30 s ${way} it`, async ({
    page,
    tray,
  }) => {
    await page.clock.install({ time: Date.now() + skew });
    await page.reload();
    await addAccount(page, tray.sim.addUser(), 'Late');
    await tray.send(2);
    let midnight: number | undefined;
    await page.route('**/_tray/api/stats:get', async (route) => {
      const response = await route.fetch();
      const body = (await response.json()) as { ok: boolean; value: StatsView };
      midnight ??= body.value.takenAt + 20_000;
      body.value.nextDayAt = midnight;
      await route.fulfill({ response, json: body });
    });
    await goTo(page, 'Overview');
    const requests = page.getByRole('region', { name: 'Requests' });
    const totals = requests.getByRole('definition');
    await expect(totals.first()).toHaveText('2');
    // The turn's timer is set in an effect after the figures are drawn: a frame and a task later it is (see above).
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve))));
    await page.clock.pauseAt(midnight! + skew - 2_000);
    await expect(totals.first()).toHaveText('2');
    await page.clock.runFor(3_000);
    await expect(totals).toHaveText(['0', '0', '0', '0']);
    // The chart is the last hour, not the day: the requests before midnight stay in it.
    await expect(requests.getByRole('img', { name: /over the last 60 minutes: 2 in all/ })).toBeVisible();
  });
}

test('pause and resume the proxy from the Overview', async ({ page, tray }) => {
  await addAccount(page, tray.sim.addUser(), 'Pausable');
  await goTo(page, 'Overview');
  await page.getByRole('button', { name: 'Pause proxy' }).click();
  await expect(page.getByRole('status').filter({ hasText: /^Paused$/ })).toBeVisible();
  await expect(page.getByText('New requests are refused until you resume.')).toBeVisible();
  await expect(tray.send(1)).rejects.toThrow();
  await page.getByRole('button', { name: 'Resume proxy' }).click();
  await expect(page.getByRole('status').filter({ hasText: /^Running$/ })).toBeVisible();
  await tray.send(1);
});

test('honest status: "Running" only while an account can serve, else the reason, the same words everywhere', async ({
  page,
  tray,
}) => {
  await goTo(page, 'Overview');
  const pill = page.getByRole('status').filter({ hasText: /^No accounts$/ });
  await expect(pill).toBeVisible();
  await expect(page.locator('.proxy-state .badge')).toHaveText('No accounts');

  await addAccount(page, tray.sim.addUser(), 'Only');
  await goTo(page, 'Overview');
  await expect(page.getByRole('status').filter({ hasText: /^Running$/ })).toBeVisible();

  // Orchids asks for an hour's pause: nothing can serve, and the window says until when, in both places.
  tray.sim.refuseUpgrades(429, 'Too many requests', { 'retry-after': '3600' });
  await expect(tray.send(1)).rejects.toThrow();
  const until = /^All accounts cooling down until \d{1,2}:\d{2}/;
  await expect(page.getByRole('status').filter({ hasText: until })).toBeVisible();
  await expect(page.locator('.proxy-state .badge')).toHaveText(until);
  await expect(page.locator('.proxy-state')).toContainText('requests are served again by themselves');
});

test('when the app behind the window stops, the window says so and how to get back, instead of its last state', async ({
  page,
  tray,
  pageErrors,
}) => {
  await addAccount(page, tray.sim.addUser(), 'Only');
  await goTo(page, 'Overview');
  await expect(page.getByRole('status').filter({ hasText: /^Running$/ })).toBeVisible();

  tray.app.child.kill('SIGTERM');
  await tray.app.exited;
  const alert = page.getByRole('alert').filter({ hasText: 'Orchids Tray is not answering.' });
  await expect(alert).toBeVisible();
  await expect(alert).toContainText('npm run headless');
  await expect(alert).toContainText('open the Dashboard link it prints');
  // Neither the bar nor the Overview goes on saying "Running" about an app that is gone.
  await expect(page.getByRole('status').filter({ hasText: /^Not connected$/ })).toBeVisible();
  await expect(page.locator('.proxy-state .badge')).toHaveText('Not connected');
  await expect(page.getByText('Running', { exact: true })).toHaveCount(0);
  // Pause proxy stays, and pressed it says what the banner says, not a failed fetch's words; the keyboard stays on it.
  const pause = page.getByRole('button', { name: 'Pause proxy' });
  await pause.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('region', { name: 'Proxy' }).getByRole('alert')).toHaveText(
    'Orchids Tray is not answering. Is it still running?',
  );
  await expect(pause).toBeFocused();
  // On every view, not only the Overview.
  await goTo(page, 'Accounts');
  await expect(alert).toBeVisible();

  // The live stream's retries against the stopped app are the browser's console noise, not the page's errors.
  await page.close();
  const rest = pageErrors.filter((e) => !e.includes('net::ERR_CONNECTION_REFUSED'));
  pageErrors.splice(0, pageErrors.length, ...rest);
});

test('when the app behind the window restarts, the window says it is signed out and how to get a fresh link', async ({
  page,
  tray,
  pageErrors,
}) => {
  await goTo(page, 'Overview');
  tray.app.child.kill('SIGTERM');
  const gone = page.getByRole('alert').filter({ hasText: 'Orchids Tray is not answering.' });
  await expect(gone).toBeVisible();

  const again = await tray.restart();
  // Back, it refuses the old session (sessions live in memory): "reconnects by itself" would wait for ever.
  const ended = page.getByRole('alert').filter({ hasText: 'Orchids Tray is back, but this window is signed out.' });
  await expect(ended).toBeVisible({ timeout: 15_000 });
  // The command the terminal prints, to the byte: this app runs on a folder of its own, which a pasted command
  // without ORCHIDS_TRAY_DATA_DIR would miss (the main process's cliInvocation, in the status).
  const dataDir = (await again.waitFor(/^Data: (.+)$/m))[1]!;
  const command = `ORCHIDS_TRAY_DATA_DIR=${dataDir} npm run cli -- dashboard`;
  await expect(ended.locator('code')).toHaveText(command);
  expect(again.output()).toContain(`${command})`);
  await expect(gone).toHaveCount(0);
  await expect(page.getByRole('status').filter({ hasText: /^Not connected$/ })).toBeVisible();

  // The fresh link it printed signs the browser in again, and the window is live.
  await page.goto((await again.waitFor(/^Dashboard: (\S+)$/m))[1]!);
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
  await expect(ended).toHaveCount(0);

  // The stream's retries against the stopped app, and its refusal after, are the browser's console noise.
  await page.close();
  const rest = pageErrors.filter((e) => !/net::ERR_CONNECTION_REFUSED|401 \(Unauthorized\)/.test(e));
  pageErrors.splice(0, pageErrors.length, ...rest);
});
