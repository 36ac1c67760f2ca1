import type { Page } from '@playwright/test';
import { addAccount, callBehindTheWindow, expect, goTo, test } from './fixtures';
import { chooseTheme } from './showcase';

/** How far apart (px) the same column's cells sit across the Accounts rows, left and right edges, by column. */
function accountColumnSpread(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() => {
    const table = document.querySelector('table')!;
    const headers = [...table.querySelectorAll('thead th')].map((th) => th.textContent.trim());
    const spread: Record<string, number> = {};
    for (const column of ['Weight', 'Requests', 'Credits', 'Last used']) {
      const index = headers.indexOf(column);
      const boxes = [...table.querySelectorAll('tbody tr')].map((tr) => tr.children[index]!.getBoundingClientRect());
      const lefts = boxes.map((b) => b.left);
      const rights = boxes.map((b) => b.right);
      spread[column] = Math.max(Math.max(...lefts) - Math.min(...lefts), Math.max(...rights) - Math.min(...rights));
    }
    return spread;
  });
}

const sidewaysScroll = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

test("each account's figures line up with the row above, whichever accounts have credits", async ({ page, tray }) => {
  // Credits read for one account only: the others show "—" where it shows the widest figure a plan has.
  const sync = (value: boolean) => callBehindTheWindow(page, 'settings:set', { key: 'creditsSync', value });
  expect((await sync(false)).ok).toBe(true);
  const work = tray.sim.addUser();
  tray.sim.setCredits(work.userId, { plan: 'PREMIUM', credits: 3_999_999 });
  await addAccount(page, work, 'Work');
  expect((await sync(true)).ok).toBe(true);
  await page.getByRole('button', { name: 'Check credits' }).click();
  await expect(page.getByText('PREMIUM · 3,999,999 left')).toBeVisible();
  expect((await sync(false)).ok).toBe(true);
  await addAccount(page, tray.sim.addUser(), 'Personal');
  await addAccount(page, tray.sim.addUser(), 'Spare');
  await tray.send(12);
  await expect(page.getByRole('row', { name: /^Work|^Personal|^Spare/ }).getByText('—')).toHaveCount(2);

  for (const theme of ['light', 'dark'] as const) {
    await chooseTheme(page, theme);
    for (const width of [420, 800, 1280]) {
      const label = `${width} px, ${theme}`;
      await page.setViewportSize({ width, height: 900 });
      await goTo(page, 'Accounts');
      expect.soft(await accountColumnSpread(page), `Accounts at ${label}`).toEqual({
        Weight: 0,
        Requests: 0,
        Credits: 0,
        'Last used': 0,
      });
      expect.soft(await sidewaysScroll(page), `Accounts scrolls sideways at ${label}`).toBe(0);

      await goTo(page, 'Overview');
      const counts = page.getByRole('list', { name: 'Requests per account' }).getByRole('listitem');
      await expect(counts).toHaveCount(3);
      const rights = await counts.evaluateAll((items) =>
        items.map((li) => Math.round(li.lastElementChild!.getBoundingClientRect().right)),
      );
      expect.soft(new Set(rights).size, `Overview's counts at ${label}: ${rights.join(', ')}`).toBe(1);
      expect.soft(await sidewaysScroll(page), `Overview scrolls sideways at ${label}`).toBe(0);
    }
  }
});
