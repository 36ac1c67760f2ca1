import type { Page } from '@playwright/test';
import { addAccount, expect, goTo, SETUP_AGENTS, test } from './fixtures';
import { linesOf, linesOfOwnText, measure, MODEL_IDS, optionOverflow } from './fit';
import { chooseTheme, seedShowcase, settle, VIEWS, type Theme } from './showcase';

/**
 * A tray popover, a narrow window, a half screen, the narrowest window that shows the tables as tables (976 px inside
 * their frame, one more than tables.css's breakpoint), a desktop window.
 */
const WIDTHS = [360, 420, 800, 1262, 1280] as const;

async function checkView(page: Page, view: (typeof VIEWS)[number], label: string): Promise<number> {
  const { problems, headerHeight } = await page.evaluate(measure, MODEL_IDS);
  expect.soft(problems, `${view} at ${label}`).toEqual([]);

  // What must be there, not merely inside the viewport if present.
  if (view === 'Accounts') {
    for (const name of ['Rate-limited', 'Work', 'Personal']) {
      await expect.soft(page.getByRole('switch', { name: `Enabled: ${name}` }), label).toBeVisible();
      await expect.soft(page.getByRole('button', { name: `Edit ${name}` }), label).toBeVisible();
      await expect.soft(page.getByRole('button', { name: `Remove ${name}` }), label).toBeVisible();
    }
    await expect.soft(page.getByRole('button', { name: 'Reset Rate-limited' }), label).toBeVisible();
    await expect.soft(page.getByRole('timer'), label).toBeVisible();
    // Readable, not merely on screen: a name on one line ("Rate-/limited" was the bug), the long address on few.
    const rowHeader = (name: string) => page.getByRole('rowheader', { name: new RegExp(`^${name}`) });
    for (const name of ['Rate-limited', 'Work', 'Personal'])
      expect
        .soft(await linesOf(rowHeader(name).getByText(name, { exact: true })), `${name}'s lines at ${label}`)
        .toBe(1);
    const longAddress = rowHeader('Work').getByText(/^someone\./);
    expect.soft(await linesOf(longAddress), `the long address's lines at ${label}`).toBeLessThanOrEqual(3);
  }
  if (view === 'Overview') {
    // Both kinds of client: every setup tab reads whole ("c…" for curl was the bug in a tray popover).
    for (const kind of ['Code', 'Coding agents']) {
      await page.getByRole('button', { name: kind, exact: true }).click();
      await expect(page.getByRole('button', { name: kind, exact: true })).toHaveAttribute('aria-pressed', 'true');
      const shown = await page.evaluate(measure, MODEL_IDS);
      expect.soft(shown.problems, `Overview with the ${kind} tabs at ${label}`).toEqual([]);
      const cut = await page
        .getByRole('tab')
        .evaluateAll((tabs) => tabs.filter((t) => t.scrollWidth > t.clientWidth).map((t) => t.textContent));
      expect.soft(cut, `${kind} tabs cut short at ${label}`).toEqual([]);
      // The SDKs' tabs share one row at every width ("curl", then "Continue" at 360 px, went to a second one); the
      // eight agents' where the card holds their whole names (1262 px up), else rows of four, each under its own rule.
      const rows = await page.getByRole('tab').evaluateAll((tabs) => {
        const byTop = new Map<number, HTMLElement[]>();
        for (const tab of tabs as HTMLElement[]) {
          const top = Math.round(tab.getBoundingClientRect().top);
          byTop.set(top, [...(byTop.get(top) ?? []), tab]);
        }
        return [...byTop.values()].map((row) => ({
          tabs: row.length,
          // Where each tab's underline ends: one line per row, so a chosen tab's underline sits on its row's rule.
          bottoms: new Set(row.map((tab) => Math.round(tab.getBoundingClientRect().bottom))).size,
        }));
      });
      const wide = page.viewportSize()!.width >= 1262;
      const expected = kind === 'Code' ? [4] : wide ? [8] : [4, 4];
      expect
        .soft(
          rows.map((row) => row.tabs),
          `${kind} tabs per row at ${label}`,
        )
        .toEqual(expected);
      expect
        .soft(
          rows.filter((row) => row.bottoms !== 1),
          `${kind} rows with ragged bottoms at ${label}`,
        )
        .toEqual([]);
    }
    // A short label on screen, the whole name for assistive tech, and the arrow keys still go round.
    await page.getByRole('button', { name: 'Coding agents', exact: true }).click();
    expect
      .soft(await page.getByRole('tab').evaluateAll((tabs) => tabs.map((t) => t.getAttribute('aria-label'))), label)
      .toEqual(SETUP_AGENTS);
    await page.getByRole('tab', { name: 'Claude Code' }).click();
    await page.keyboard.press('ArrowLeft');
    await expect.soft(page.getByRole('tab', { name: 'pi', exact: true }), label).toBeFocused();
    await page.keyboard.press('ArrowRight');
    await expect.soft(page.getByRole('tab', { name: 'Claude Code' }), label).toHaveAttribute('aria-selected', 'true');
    // Diagnostics open: its long lines (the data folder, the pool's counters) wrap inside the card.
    await page.getByRole('button', { name: 'Diagnostics', exact: true }).click();
    await expect(page.getByRole('list', { name: 'Diagnostics figures' })).toBeVisible();
    const open = await page.evaluate(measure, MODEL_IDS);
    expect.soft(open.problems, `Overview with Diagnostics open at ${label}`).toEqual([]);
  }
  if (view === 'Logs') {
    const names = page.getByRole('cell', { name: 'Rate-limited', exact: true });
    expect.soft(await linesOf(names.first()), `Rate-limited's lines in Logs at ${label}`).toBe(1);
    // A row's tokens read as one figure ("12 /" over "7" was the bug at 360 px).
    const tokens = page.getByRole('row', { name: /claude-opus-4-8/ }).getByRole('cell', { name: /12 \/ 7/ });
    expect.soft(await linesOfOwnText(tokens), `the tokens' lines in Logs at ${label}`).toBe(1);
    // Each filter shows its choice whole ("All accou" at 360 px).
    for (const name of ['Outcome', 'Account', 'Model']) {
      const shown = await optionOverflow(page.getByLabel(name, { exact: true }), 'chosen');
      expect.soft(shown.over, `"${shown.text}" in the ${name} filter at ${label}: px too wide`).toBeLessThanOrEqual(0);
    }
  }
  if (view === 'Settings') {
    const removers = page.getByRole('button', { name: /^Remove mapping/ });
    const rows = await page.getByRole('textbox', { name: /^Requested model, row/ }).count();
    expect.soft(rows, label).toBeGreaterThan(10);
    expect.soft(await removers.count(), label).toBe(rows);
    await expect.soft(removers.last(), label).toBeVisible();
    // The Protocol select shows its longest choice whole ("Automatic (WebSocket, then SSE B, then SSE A" was cut).
    const widest = await optionOverflow(page.getByLabel('Protocol', { exact: true }));
    expect.soft(widest.over, `"${widest.text}" in the Protocol select at ${label}: px too wide`).toBeLessThanOrEqual(0);
    // Every built-in model id reads whole in its box ("claude-sonnet-4-5-t" at 360 px).
    const cut = await page
      .getByRole('textbox', { name: /^(Requested|Upstream) model, row/ })
      .evaluateAll((inputs) =>
        inputs.filter((i) => i.scrollWidth > i.clientWidth).map((i) => (i as HTMLInputElement).value),
      );
    expect.soft(cut, `model ids cut short in the mapping at ${label}`).toEqual([]);
  }
  return headerHeight;
}

for (const theme of ['light', 'dark'] as Theme[]) {
  test(`every view fits at ${WIDTHS.join(', ')} px wide in the ${theme} theme, under a header of one height`, async ({
    page,
    tray,
  }) => {
    test.setTimeout(60_000); // five widths of four views, each measured whole: about 25 s on a quiet machine
    await seedShowcase(page, tray);
    await chooseTheme(page, theme);
    for (const width of WIDTHS) {
      await test.step(`${width} px`, async () => {
        await page.setViewportSize({ width, height: 800 });
        const heights: Record<string, number> = {};
        for (const view of VIEWS) {
          await goTo(page, view);
          await settle(page, view);
          heights[view] = await checkView(page, view, `${width} px, ${theme}`);
        }
        // The frame's own controls are on screen at every width (the walk above checked where they are).
        await expect.soft(page.getByRole('navigation', { name: 'Main' }).getByRole('link')).toHaveCount(4);
        for (const name of ['System theme', 'Light theme', 'Dark theme'])
          await expect.soft(page.getByRole('button', { name }), `${width} px`).toBeVisible();
        expect.soft(heights.Overview, `a header at ${width} px`).toBeGreaterThan(0);
        const same = Object.fromEntries(VIEWS.map((view) => [view, heights.Overview]));
        expect.soft(heights, `the header's height on each view at ${width} px, ${theme}`).toEqual(same);
      });
    }
  });
}

/**
 * The longest state the app words with one account ("All accounts cooling down until 10:45 AM") is read whole: in
 * a tray popover, a narrow window and the sidebar, it wraps (it was cut with an ellipsis), inside the bar's first
 * row, and the bar keeps the height it has for a short state.
 */
test('the top bar shows a long proxy state whole at 360 and 420 px and in the sidebar, in both themes', async ({
  page,
  tray,
}) => {
  await addAccount(page, tray.sim.addUser(), 'Only');
  tray.sim.refuseUpgrades(429, 'Too many requests', { 'retry-after': '3600' });
  await expect(tray.send(1)).rejects.toThrow();
  tray.sim.refuseUpgrades(undefined);
  const pill = page.locator('header.app-bar .proxy-pill');
  await expect(pill).toHaveText(/^All accounts cooling down until \d/);

  const look = () =>
    pill.evaluate((el) => {
      const text = el.querySelector('.proxy-pill-text')!;
      const nav = document.querySelector('header.app-bar nav')!.getBoundingClientRect();
      const header = document.querySelector('header.app-bar')!.getBoundingClientRect();
      const narrow = nav.top > el.getBoundingClientRect().top; // the bar across the top, not the sidebar
      return {
        cut: text.scrollWidth > text.clientWidth || text.scrollHeight > text.clientHeight,
        belowItsRow: narrow && el.getBoundingClientRect().bottom > nav.top,
        headerHeight: narrow ? header.height : null,
      };
    });
  const heights: Record<string, number | null> = {};
  for (const theme of ['light', 'dark'] as Theme[]) {
    await chooseTheme(page, theme);
    for (const width of [360, 420, 1280]) {
      await page.setViewportSize({ width, height: 800 });
      const { cut, belowItsRow, headerHeight } = await look();
      expect.soft(cut, `the state cut short at ${width} px, ${theme}`).toBe(false);
      expect.soft(belowItsRow, `the state spilling out of the bar's row at ${width} px, ${theme}`).toBe(false);
      heights[`${width} px, ${theme}`] = headerHeight;
    }
  }

  // A short state: the bar is as high as it was.
  await page.getByRole('button', { name: 'Reset Only' }).click();
  await expect(pill).toHaveText('Running');
  for (const label of Object.keys(heights)) {
    const [width, theme] = [Number.parseInt(label, 10), label.split(', ')[1] as Theme];
    await chooseTheme(page, theme);
    await page.setViewportSize({ width, height: 800 });
    expect.soft((await look()).headerHeight, `the bar's height at ${label}`).toBe(heights[label]);
  }
});

/**
 * Where a narrow window cuts a name with an ellipsis (the Overview's list), nothing else on the view gives the rest of
 * it: the whole name (and the e-mail) is the cut text's tooltip. Logs' stacked rows wrap it instead (walk-edges-4).
 */
test('a long account name cut short at 420 px reads whole on hover in the Overview, and wraps in Logs', async ({
  page,
  tray,
}) => {
  const name = 'A rather long account name for the team that shares it';
  await addAccount(page, tray.sim.addUser({ email: 'shared.team@example.test' }), name);
  await tray.send(1);
  await page.setViewportSize({ width: 420, height: 800 });
  const isCut = (el: Element) => el.scrollWidth > el.clientWidth;

  await goTo(page, 'Overview');
  const inList = page.getByRole('list', { name: 'Requests per account' }).locator('.count-name');
  expect(await inList.evaluate(isCut), 'the name cut short in the Overview').toBe(true);
  await expect(inList).toHaveAttribute('title', `${name} shared.team@example.test`);

  await goTo(page, 'Logs');
  const inRow = page.getByRole('cell', { name, exact: true });
  expect(await inRow.evaluate(isCut), 'the name whole in Logs').toBe(false);
});
