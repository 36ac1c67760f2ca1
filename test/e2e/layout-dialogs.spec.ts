import fs from 'node:fs';
import { expect, test } from './fixtures';
import { LONG_ADDRESS, openings } from './dialog-openings';
import { measure, MODEL_IDS } from './fit';
import { chooseTheme, seedShowcase, type Theme } from './showcase';

/**
 * In a tray popover's width every dialog fits: nothing outside it or the window, nothing overlapping, nothing
 * scrolling sideways (a code block scrolls in its own box). The remove confirmation ran the long address out of its
 * box, and the whole dialog scrolled sideways.
 */
test('every dialog fits a 360 px window in both themes', async ({ page, tray }, testInfo) => {
  test.setTimeout(90_000);
  await seedShowcase(page, tray);
  const importFile = testInfo.outputPath('import.json');
  fs.writeFileSync(importFile, JSON.stringify({ accounts: [{ email: LONG_ADDRESS, cookie: '' }] }));
  for (const theme of ['light', 'dark'] as Theme[]) {
    await page.setViewportSize({ width: 1280, height: 800 });
    await chooseTheme(page, theme);
    await page.setViewportSize({ width: 360, height: 800 });
    for (const { name, open } of openings(importFile)) {
      await test.step(`${name}, ${theme}`, async () => {
        await open(page);
        const dialog = page.getByRole('dialog');
        await expect(dialog).toBeVisible();
        await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
        const { problems } = await page.evaluate(measure, MODEL_IDS);
        expect.soft(problems, `${name} at 360 px, ${theme}`).toEqual([]);
        await page.keyboard.press('Escape');
        await expect(dialog).toBeHidden();
      });
    }
  }
});
