import type { Locator } from '@playwright/test';
import { expect, screenshot, test } from './fixtures';

/**
 * A setup line longer than its box scrolls sideways beside Copy. Its clipped end fades out (a mask on the box,
 * overview.css), so the line is seen to go on; scrolled to its end, nothing is clipped and the fade is gone. The
 * fade's width is the registered custom property `--snippet-more`, which a scroll-driven animation sets.
 */
function fadeOf(code: Locator): Promise<{ more: string; mask: string; overflows: boolean; atEnd: boolean }> {
  return code.evaluate((pre) => {
    const style = getComputedStyle(pre);
    return {
      more: style.getPropertyValue('--snippet-more').trim(),
      mask: style.maskImage,
      overflows: pre.scrollWidth > pre.clientWidth,
      atEnd: pre.scrollLeft + pre.clientWidth >= pre.scrollWidth - 1,
    };
  });
}

test('a setup line cut at the box fades at its cut edge until it is scrolled to its end, by keyboard too', async ({
  page,
}) => {
  // Copy beside the code (the card is wider than 560 px), and the Claude Code line too long for the box.
  await page.setViewportSize({ width: 800, height: 860 });
  const code = page.getByRole('tabpanel', { name: 'Claude Code' }).getByLabel('Claude Code setup', { exact: true });
  await expect(code).toBeVisible();

  const start = await fadeOf(code);
  expect(start.overflows).toBe(true);
  expect(start.more).toBe('40px');
  expect(start.mask).toContain('linear-gradient');
  await screenshot(page, 'snippet-fade-800-start');

  // The box keeps its focus stop, and the arrow keys scroll it; the fade stays while the line still goes on.
  await code.focus();
  await expect(code).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => code.evaluate((pre) => pre.scrollLeft)).toBeGreaterThan(0);
  expect((await fadeOf(code)).more).toBe('40px');
  // The frame up close, focused: the fade by Copy, the focus ring whole around the box (the mask spares it).
  await code.locator('xpath=..').screenshot({ path: test.info().outputPath('snippet-focused-scrolled.png') });

  // At the end, the last characters show whole: no fade.
  for (let i = 0; i < 200 && !(await fadeOf(code)).atEnd; i++) await page.keyboard.press('ArrowRight');
  expect((await fadeOf(code)).atEnd).toBe(true);
  await expect.poll(async () => (await fadeOf(code)).more).toBe('0px');
  await screenshot(page, 'snippet-fade-800-end');
  await code.locator('xpath=..').screenshot({ path: test.info().outputPath('snippet-focused-end.png') });

  // Back to the start, the fade is back.
  await code.evaluate((pre) => pre.scrollTo({ left: 0 }));
  await expect.poll(async () => (await fadeOf(code)).more).toBe('40px');
});

test('a setup line that fits its box has no fade, and a narrow card wraps its lines with none', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 860 });
  const fits = page.getByRole('tabpanel', { name: 'Claude Code' }).getByLabel('Claude Code setup', { exact: true });
  await expect(fits).toBeVisible();
  const wide = await fadeOf(fits);
  expect(wide.overflows).toBe(false);
  expect(wide.more).toBe('0px');

  // 420 px: the card is under 560 px, the lines wrap, nothing is cut.
  await page.setViewportSize({ width: 420, height: 860 });
  const wrapped = page.getByRole('tabpanel', { name: 'Claude Code' }).getByLabel('Claude Code setup', { exact: true });
  const narrow = await fadeOf(wrapped);
  expect(narrow.overflows).toBe(false);
  expect(narrow.more).toBe('0px');
});
