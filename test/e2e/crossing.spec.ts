import type { Page } from '@playwright/test';
import { addAccount, cellUnder, expect, goTo, test } from './fixtures';

/**
 * Answers the core computed before a change, delivered after the change reached the window (its own call's answer
 * or a pushed event): the window must keep the newer state. Each test holds one answer to make the crossing happen
 * every time; `E2E_API_JITTER_MS` (test/e2e/jitter.ts) found both.
 */

interface Counted {
  answersRead: number;
}

/** In the page: counts the answers on `channel` whose body the page has read (the bridge reads it once, whole). */
function countAnswersRead(channel: string): void {
  const counted = window as unknown as Counted;
  counted.answersRead = 0;
  const read = Object.getOwnPropertyDescriptor(Response.prototype, 'json')!.value as (
    this: Response,
  ) => Promise<unknown>;
  Response.prototype.json = async function (this: Response) {
    const body = await read.call(this);
    if (new URL(this.url).pathname.endsWith(`/_tray/api/${channel}`)) counted.answersRead += 1;
    return body;
  };
}

/**
 * Holds the first answer on `channel` asked once `armed()` says so: read from the core at once, delivered to the page
 * on `release()`. Other answers on it pass.
 */
async function holdFirst(page: Page, channel: string, armed: () => boolean) {
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  let read: () => void = () => undefined;
  const wasRead = new Promise<void>((resolve) => (read = resolve));
  let fulfilled: () => void = () => undefined;
  const delivered = new Promise<void>((resolve) => (fulfilled = resolve));
  let taken = false;
  await page.route(`**/_tray/api/${channel}`, async (route) => {
    if (!armed() || taken) return route.fallback();
    taken = true;
    const response = await route.fetch();
    read();
    await held;
    await route.fulfill({ response });
    fulfilled();
  });
  return {
    wasRead,
    /** Delivers the answer and returns once the page has read it and had two frames to show what it made of it. */
    async release(): Promise<void> {
      const readBefore = await page.evaluate(() => (window as unknown as Counted).answersRead);
      release();
      await delivered;
      await page.waitForFunction((before) => (window as unknown as Counted).answersRead > before, readBefore);
      await page.evaluate(
        () => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))),
      );
    },
  };
}

/** Reloads the page and holds its first answer on `channel` (see holdFirst). Calls made before the reload pass. */
async function reloadHolding(page: Page, channel: string) {
  let armed = false;
  page.once('framenavigated', () => (armed = true));
  await page.addInitScript(countAnswersRead, channel);
  const held = await holdFirst(page, channel, () => armed);
  await page.reload();
  return held;
}

/** Holds the page's next answer on `channel` (see holdFirst), without a reload. */
async function holdingNext(page: Page, channel: string) {
  await page.evaluate(countAnswersRead, channel);
  return holdFirst(page, channel, () => true);
}

test('an account list read before an account was added does not take the account away when it lands', async ({
  page,
  tray,
}) => {
  const user = tray.sim.addUser();
  const list = await reloadHolding(page, 'accounts:list');
  await list.wasRead; // empty: the account is added after it
  await addAccount(page, user, 'Early');
  await expect(page.getByRole('row', { name: /Early/ })).toBeVisible();

  await list.release();
  await expect(page.getByRole('row', { name: /Early/ })).toBeVisible();
  // Later events still reach the row (a list without it would have nowhere to put them).
  await tray.send(1);
  await expect(await cellUnder(page, /Early/, 'Requests')).toHaveText('1');
});

test('a status read before a pause in another window does not bring back "Running" when it lands', async ({
  page,
  tray,
}) => {
  await addAccount(page, tray.sim.addUser(), 'Pausable');
  const status = await reloadHolding(page, 'proxy:status');
  await status.wasRead; // running: the pause comes after it
  await goTo(page, 'Overview');
  // A second window on the same session pauses; this one hears of it only through the pushed status.
  const other = await page.context().newPage();
  await other.goto(new URL('/_tray/#/overview', tray.dashboardUrl).href);
  await other.getByRole('button', { name: 'Pause proxy' }).click();
  await expect(other.getByRole('status').filter({ hasText: /^Paused$/ })).toBeVisible();
  await other.close();
  const paused = page.getByRole('status').filter({ hasText: /^Paused$/ });
  await expect(paused).toBeVisible();

  await status.release();
  await expect(paused).toBeVisible();
  await expect(page.getByRole('button', { name: 'Resume proxy' })).toBeVisible();
});

test('a settings save answered after a later save does not put the later value back when it lands', async ({
  page,
}) => {
  await goTo(page, 'Settings');
  const records = page.getByLabel('Debug records to keep', { exact: true });
  const days = page.getByLabel('Debug log age limit', { exact: true });
  await expect(records).toHaveValue('50000');
  const before = await days.inputValue();
  expect(before).not.toBe('77');

  const first = await holdingNext(page, 'settings:set');
  await records.fill('321');
  await records.press('Enter');
  await first.wasRead; // the core has 321; its answer still says the old age limit
  await days.fill('77');
  await days.press('Enter');
  await expect(page.getByText('Saved', { exact: true })).toBeVisible();
  await expect(records).toHaveValue('321'); // the second answer has both
  await expect(days).toHaveValue('77');

  await first.release();
  await expect(days).toHaveValue('77');
  await expect(records).toHaveValue('321');
  await page.reload();
  await expect(page.getByLabel('Debug log age limit', { exact: true })).toHaveValue('77');
});

test('a settings save passed over for a later one the core refuses still shows once both have landed', async ({
  page,
}) => {
  await goTo(page, 'Settings');
  // A switch shows the stored value itself (a text field would keep showing what was typed).
  const http2 = page.getByRole('switch', { name: 'HTTP/2' });
  const origins = page.getByLabel('Allowed web origins', { exact: true });
  await expect(http2).toBeChecked();

  const first = await holdingNext(page, 'settings:set');
  await http2.click();
  await first.wasRead; // the core has HTTP/2 off
  await origins.fill('not a url');
  await origins.press('Enter');
  await expect(page.getByRole('alert')).toBeVisible(); // refused: this answer brings no list

  await first.release();
  await expect(page.getByText('HTTP/2 is off', { exact: true })).toBeVisible();
  await expect(http2).not.toBeChecked();
});
