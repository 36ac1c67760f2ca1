import type { Page } from '@playwright/test';
import { expect, goTo, test } from './fixtures';
import { chooseTheme, settle } from './showcase';

/** The gap between Settings' cards (base.css): the most a column may leave between two of its cards. */
const GRID_GAP = 16;

interface Box {
  name: string;
  left: number;
  top: number;
  bottom: number;
  width: number;
}

/** Settings' cards in document (keyboard) order, with where each sits; the full-width Model mapping left out. */
async function cards(page: Page): Promise<Box[]> {
  const all = await page
    .getByRole('main')
    .getByRole('region')
    .evaluateAll((sections) =>
      sections.map((section) => {
        const box = section.getBoundingClientRect();
        return {
          name: section.getAttribute('aria-label') ?? '',
          left: Math.round(box.left),
          top: Math.round(box.top),
          bottom: Math.round(box.bottom),
          width: Math.round(box.width),
        };
      }),
    );
  return all.filter((card) => card.name !== 'Model mapping');
}

test('Settings in a wide window: two columns of cards, no hole beside one, read down each; one column narrow', async ({
  page,
}) => {
  await goTo(page, 'Settings');
  await settle(page, 'Settings');
  for (const theme of ['light', 'dark'] as const) {
    await chooseTheme(page, theme);
    for (const width of [800, 1280]) {
      const label = `${width} px, ${theme}`;
      await page.setViewportSize({ width, height: 900 });
      const boxes = await cards(page);
      expect(boxes, label).toHaveLength(8);
      const lefts = [...new Set(boxes.map((card) => card.left))].sort((a, b) => a - b);
      expect(lefts.length, `columns at ${label}`).toBe(2);
      const columns = lefts.map((left) => boxes.filter((card) => card.left === left));
      // Down each column the cards follow one another: none is left beside an empty area as tall as its neighbour.
      for (const column of columns)
        for (let i = 1; i < column.length; i++)
          expect
            .soft(column[i]!.top - column[i - 1]!.bottom, `${column[i - 1]!.name} to ${column[i]!.name} at ${label}`)
            .toBeLessThanOrEqual(GRID_GAP + 1);
      // The two come out about as tall: the shorter leaves at most a fifth of the taller empty below it.
      const heights = columns.map((column) => column.at(-1)!.bottom - column[0]!.top);
      expect
        .soft(Math.max(...heights) - Math.min(...heights), `column heights ${heights.join(' and ')} at ${label}`)
        .toBeLessThanOrEqual(Math.max(...heights) / 5);
      // Tab order is document order: down the first column, then down the second.
      expect
        .soft(
          boxes.map((card) => card.name),
          `reading order at ${label}`,
        )
        .toEqual(columns.flat().map((card) => card.name));
    }

    await page.setViewportSize({ width: 420, height: 900 });
    const narrow = await cards(page);
    expect(new Set(narrow.map((card) => `${card.left}/${card.width}`)).size, `columns at 420 px, ${theme}`).toBe(1);
    expect(narrow.map((card) => card.top)).toEqual([...narrow.map((card) => card.top)].sort((a, b) => a - b));
  }
});
