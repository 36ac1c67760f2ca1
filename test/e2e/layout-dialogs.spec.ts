import { expect, test } from './fixtures';
import { inEachDialog } from './dialog-openings';
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
  for (const theme of ['light', 'dark'] as Theme[]) {
    await page.setViewportSize({ width: 1280, height: 800 });
    await chooseTheme(page, theme);
    await page.setViewportSize({ width: 360, height: 800 });
    await inEachDialog(
      page,
      testInfo,
      (name) => `${name}, ${theme}`,
      async (name) => {
        const { problems } = await page.evaluate(measure, MODEL_IDS);
        expect.soft(problems, `${name} at 360 px, ${theme}`).toEqual([]);
      },
    );
  }
});
