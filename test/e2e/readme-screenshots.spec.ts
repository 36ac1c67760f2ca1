import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { SETTING_DEFINITIONS } from '../../main/core/settings/definitions';
import { ROOT } from '../helpers/processes';
import { expect, goTo, test, type Tray } from './fixtures';
import { chooseTheme, seedShowcase, settle, VIEWS, type Theme } from './showcase';

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

test('README screenshots @screenshots', async ({ page, tray }) => {
  test.setTimeout(120_000);
  fs.mkdirSync(OUT, { recursive: true });
  await seedShowcase(page, tray);
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
        await expectOnlyDefaultPort(page, tray, view);
        const file = path.join(OUT, `${view.toLowerCase()}-${size.name}-${theme}.png`);
        await page.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
      }
    }
    await setupCardPicture(page, tray, theme);
  }
});

/** The card's own surface kept around the setup card's picture, px. */
const MARGIN = 12;

/**
 * The setup card on a tab of two parts, cropped to the card: the pictures of the whole window show Claude Code's one
 * line, this one a file to save and a command to run, each under its caption with its own Copy. The card is put back
 * on Claude Code afterwards, since it keeps its tab across visits and the next theme's pictures would show Qwen's.
 * DECISION: Qwen Code, the tab the README's setup paragraph names; the wide window, where Copy sits on each block.
 */
async function setupCardPicture(page: Page, tray: Tray, theme: Theme): Promise<void> {
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
  await expectOnlyDefaultPort(page, tray, 'Overview');
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
 * snippets say http://127.0.0.1:3002 and Settings' Port field 3002, and no other port of 127.0.0.1 is shown but
 * the simulator's, which stands in for Orchids (Settings names the site its credits are read from).
 */
async function expectOnlyDefaultPort(page: Page, tray: Tray, view: string): Promise<void> {
  const shown = await page.evaluate(() => {
    const fields = [...document.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input, textarea')];
    return [document.body.innerText, ...fields.map((field) => field.value)].join('\n');
  });
  const simPorts = new Set(
    [tray.sim.clerkUrl, tray.sim.agentUrl, tray.sim.agentWsUrl, tray.sim.agentBUrl, tray.sim.siteUrl].map((url) =>
      Number(new URL(url).port),
    ),
  );
  const ports = [...shown.matchAll(/127\.0\.0\.1:(\d+)/g)].map((match) => Number(match[1]));
  const others = ports.filter((port) => port !== DEFAULT_PORT && !simPorts.has(port));
  expect(others, `127.0.0.1 ports other than ${DEFAULT_PORT} (and the simulator's) in ${view}`).toEqual([]);
  if (view === 'Overview') await expect(page.locator('.base-url code')).toHaveText(`http://127.0.0.1:${DEFAULT_PORT}`);
  if (view === 'Settings') await expect(page.getByLabel('Port', { exact: true })).toHaveValue(String(DEFAULT_PORT));
}
