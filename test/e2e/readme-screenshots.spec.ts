import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from '../helpers/processes';
import { expect, goTo, test } from './fixtures';
import { chooseTheme, seedShowcase, settle, VIEWS } from './showcase';

/**
 * The README's pictures of the window: every view, light and dark, in a desktop window and a tray popover, taken of
 * the same simulator-backed app and fake accounts the tests use. Not part of `npm test`: playwright.config.ts leaves
 * this file out unless `npm run screenshots` (scripts/screenshots.mjs) asks for it.
 */
const OUT = path.join(ROOT, 'docs', 'screenshots');
const SIZES = [
  { name: 'wide', width: 1280, height: 800 },
  { name: 'narrow', width: 420, height: 800 },
] as const;

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
        const file = path.join(OUT, `${view.toLowerCase()}-${size.name}-${theme}.png`);
        await page.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
      }
    }
  }
});
