import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { SETTING_DEFINITIONS } from '../../main/core/settings/definitions';
import { ROOT } from '../helpers/processes';
import type { AccountView } from '../../contract/account-views';
import { callBehindTheWindow, expect, goTo, test } from './fixtures';
import { chooseTheme, seedShowcase, settle, SHOWCASE_REST_SECONDS, VIEWS, type Theme } from './showcase';

/**
 * The README's pictures of the window: every view, light and dark, in a desktop window and a tray popover, taken of
 * the same simulator-backed app and fake accounts the tests use. Not part of `npm test`: playwright.config.ts leaves
 * this file out unless `npm run screenshots` (scripts/screenshots.mjs) asks for it.
 */
const OUT = path.join(ROOT, 'docs', 'screenshots');
/** The port a fresh install listens on, which a newcomer's tools will be pointed at. */
const DEFAULT_PORT = SETTING_DEFINITIONS.port.default;
const SIZES = [
  { name: 'wide', width: 1280, height: 800 },
  { name: 'narrow', width: 420, height: 800 },
] as const;

// The app on its default port rather than a free one, so the pictures show the address a newcomer's app will have.
test.use({ defaultPort: true });
// The credits site under Orchids' own name, on loopback: Settings says "from orchids.app", as a real user's does.
test.use({ orchidsSiteName: true });
// Times of day and dates written the same way on every machine that retakes the pictures.
test.use({ locale: 'en-US', timezoneId: 'UTC' });

test('README screenshots @screenshots', async ({ page, tray }) => {
  test.setTimeout(120_000);
  fs.mkdirSync(OUT, { recursive: true });
  await seedShowcase(page, tray);
  await pinPageClock(page);
  for (const theme of ['light', 'dark'] as const) {
    await page.setViewportSize({ width: 1280, height: 800 });
    await chooseTheme(page, theme);
    for (const size of SIZES) {
      await page.setViewportSize({ width: size.width, height: size.height });
      for (const view of VIEWS) {
        await goTo(page, view);
        await settle(page, view);
        // No hover left on the tab just clicked, and the view's heading (focused after navigating) shows no ring.
        await page.mouse.move(size.width - 2, size.height - 2);
        await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
        await expect(page.getByRole('heading', { level: 1, name: view })).toBeInViewport();
        await expectOnlyDefaultPort(page, view);
        const file = path.join(OUT, `${view.toLowerCase()}-${size.name}-${theme}.png`);
        await page.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
      }
    }
    await setupCardPicture(page, theme);
  }
});

/**
 * The page's clock fixed 3 s into the rate-limited account's hour of rest (its retry moment, as the core tells it,
 * less that hour), so a retake shows the same countdown, "retry in 59 min 57 s", and every account "just now",
 * rather than however long the run took to get there. Timers keep running: the window still polls and updates.
 * DECISION: the page's clock only; the times the core recorded (the Logs' times of day) are the app's, and stay real.
 */
async function pinPageClock(page: Page): Promise<void> {
  const listed = await callBehindTheWindow(page, 'accounts:list', undefined);
  const until = (listed.value as AccountView[]).find((account) => account.name === 'Rate-limited')?.statusUntil;
  if (typeof until !== 'number') throw new Error('The rate-limited account has no retry moment to pin the clock to.');
  await page.clock.setFixedTime(until - SHOWCASE_REST_SECONDS * 1000 + 3_000);
  await goTo(page, 'Accounts');
  await expect(page.getByText('retry in 59 min 57 s', { exact: true })).toBeVisible();
  await expect(page.getByText('just now', { exact: true })).toHaveCount(3);
}

/** The card's own surface kept around the setup card's picture, px. */
const MARGIN = 12;

/**
 * The setup card on a tab of two parts, cropped to the card: the pictures of the whole window show Claude Code's one
 * line, this one a file to save and a command to run, each under its caption with its own Copy. The card is put back
 * on Claude Code afterwards, since it keeps its tab across visits and the next theme's pictures would show Qwen's.
 * DECISION: Qwen Code, the tab the README's setup paragraph names; the wide window, where Copy sits on each block.
 */
async function setupCardPicture(page: Page, theme: Theme): Promise<void> {
  await page.setViewportSize({ width: 1280, height: 800 });
  await goTo(page, 'Overview');
  await settle(page, 'Overview');
  await page.getByRole('tab', { name: 'Qwen Code', exact: true }).click();
  const panel = page.getByRole('tabpanel', { name: 'Qwen Code', exact: true });
  for (const name of ['Copy Qwen Code settings.json', 'Copy Qwen Code command']) {
    await expect(panel.getByRole('button', { name })).toBeVisible();
  }
  await page.mouse.move(1278, 798);
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await expectOnlyDefaultPort(page, 'Overview');
  const card = page.locator('.snippets');
  await card.scrollIntoViewIfNeeded();
  const file = path.join(OUT, `overview-setup-qwen-${theme}.png`);
  // Cropped with a margin of the card's surface, so the setup's edges do not touch the picture's.
  const box = (await card.boundingBox())!;
  const clip = { x: box.x - MARGIN, y: box.y - MARGIN, width: box.width + 2 * MARGIN, height: box.height + 2 * MARGIN };
  await page.screenshot({ path: file, clip, animations: 'disabled', caret: 'hide' });
  await page.getByRole('tab', { name: 'Claude Code', exact: true }).click();
}

/**
 * The proxy's address in the view, its text and its fields, is the default port's: Overview's Base URL and setup
 * snippets say http://127.0.0.1:3002 and Settings' Port field 3002, and no other port of 127.0.0.1 is shown, not even
 * the simulator's: Settings names the credits site orchids.app, as a real user's window does.
 */
async function expectOnlyDefaultPort(page: Page, view: string): Promise<void> {
  const shown = await page.evaluate(() => {
    const fields = [...document.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input, textarea')];
    return [document.body.innerText, ...fields.map((field) => field.value)].join('\n');
  });
  const ports = [...shown.matchAll(/127\.0\.0\.1:(\d+)/g)].map((match) => Number(match[1]));
  const others = ports.filter((port) => port !== DEFAULT_PORT);
  expect(others, `127.0.0.1 ports other than ${DEFAULT_PORT} in ${view}`).toEqual([]);
  if (view === 'Overview') await expect(page.locator('.base-url code')).toHaveText(`http://127.0.0.1:${DEFAULT_PORT}`);
  if (view === 'Settings') {
    await expect(page.getByLabel('Port', { exact: true })).toHaveValue(String(DEFAULT_PORT));
    await expect(page.getByText(/credits left from orchids\.app every 15 minutes/)).toBeVisible();
  }
}
