import type { Locator, Page } from '@playwright/test';
import { addAccount, expect, goTo, test } from './fixtures';
import { chooseTheme, seedShowcase, settle, VIEWS, type Theme } from './showcase';

/**
 * A tray popover, a narrow window, a half screen, the narrowest window that shows the tables as tables (976 px inside
 * their frame, one more than tables.css's breakpoint), a desktop window.
 */
const WIDTHS = [360, 420, 800, 1262, 1280] as const;
const MODEL_IDS = ['claude-sonnet-4-6', 'claude-opus-4-8', 'claude-opus-4-6'];

interface Measurement {
  /** Everything that sticks out sideways, described; empty when the view fits. */
  problems: string[];
  headerHeight: number;
}

/**
 * Runs in the page. A view fits when the document has no horizontal scroll, no control is even partly outside the
 * viewport (inside a scrolling box too: a control you must scroll sideways to reach is off-screen), and no element or
 * text outside a clipping box sticks out. Model ids must sit on one line ("claude-/sonnet-/4-6" is the bug).
 */
function measure(modelIds: string[]): Measurement {
  const width = document.documentElement.clientWidth;
  const problems: string[] = [];
  const slack = 0.5; // sub-pixel layout
  const describe = (el: Element): string => {
    const labelledBy = el.getAttribute('aria-labelledby');
    const name =
      el.getAttribute('aria-label') ??
      (labelledBy ? document.getElementById(labelledBy)?.textContent : el.textContent)?.trim().replace(/\s+/g, ' ') ??
      '';
    const classes =
      typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
    return `<${el.tagName.toLowerCase()}${classes}> "${name.slice(0, 50)}"`;
  };
  const outside = (rect: DOMRect): boolean => rect.left < -slack || rect.right > width + slack;
  const shown = (rect: DOMRect): boolean => rect.width > 1 && rect.height > 1; // .visually-hidden is 1 px
  /** Inside a box that clips or scrolls sideways (for text, its own element counts: .visually-hidden clips). */
  const clipped = (el: Element, self = false): boolean => {
    for (let a = self ? el : el.parentElement; a && a !== document.documentElement; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') return true;
    }
    return false;
  };

  const scrollWidth = Math.max(document.documentElement.scrollWidth, document.body.scrollWidth);
  if (scrollWidth > window.innerWidth)
    problems.push(`the page scrolls sideways: ${scrollWidth} px in ${window.innerWidth}`);

  const controls = document.querySelectorAll(
    'a[href], button, input, select, textarea, summary, [tabindex], [role="switch"], [role="tab"], [role="button"]',
  );
  for (const el of controls) {
    const rect = el.getBoundingClientRect();
    if (shown(rect) && outside(rect))
      problems.push(`control off-screen (${Math.round(rect.left)}–${Math.round(rect.right)}): ${describe(el)}`);
  }
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('dialog:not([open])') || clipped(el)) continue;
    const rect = el.getBoundingClientRect();
    if (shown(rect) && outside(rect))
      problems.push(`element off-screen (${Math.round(rect.left)}–${Math.round(rect.right)}): ${describe(el)}`);
  }

  const texts = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = texts.nextNode(); node; node = texts.nextNode()) {
    const parent = node.parentElement;
    const text = (node.textContent ?? '').trim();
    if (!parent || !text) continue;
    range.selectNodeContents(node);
    const lines = new Set([...range.getClientRects()].filter(shown).map((r) => Math.round(r.top)));
    if (modelIds.includes(text) && lines.size > 1) problems.push(`model id wraps over ${lines.size} lines: "${text}"`);
    if (clipped(parent, true) || parent.closest('dialog:not([open])')) continue;
    const rect = range.getBoundingClientRect();
    if (shown(rect) && outside(rect)) problems.push(`text off-screen: "${text.slice(0, 50)}" in ${describe(parent)}`);
  }

  const header = document.querySelector('header.app-bar');
  const shownProblems =
    problems.length > 30 ? [...problems.slice(0, 30), `…and ${problems.length - 30} more`] : problems;
  return { problems: shownProblems, headerHeight: header ? header.getBoundingClientRect().height : -1 };
}

/** How many lines an element's text takes. */
async function linesOf(locator: Locator): Promise<number> {
  return locator.evaluate((el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    return new Set([...range.getClientRects()].filter((r) => r.width > 1).map((r) => Math.round(r.top))).size;
  });
}

/**
 * The widest option text of a select against the room its box leaves for text: its padding and, at the right, the
 * drop-down arrow (Chromium draws it in about 16 px; the automatic protocol, cut at 420 px, needed 8 more than it had).
 * A select never scrolls, so its scrollWidth cannot tell a cut option; the text is measured in the select's own font.
 */
async function optionOverflow(select: Locator): Promise<{ text: string; over: number }> {
  return select.evaluate((el: HTMLSelectElement) => {
    const style = getComputedStyle(el);
    const probe = document.createElement('span');
    probe.style.cssText = `position: absolute; visibility: hidden; white-space: pre; font: ${style.font}`;
    document.body.append(probe);
    const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 16;
    let widest = { text: '', over: -Infinity };
    for (const option of el.options) {
      probe.textContent = option.text;
      const over = probe.getBoundingClientRect().width - room;
      if (over > widest.over) widest = { text: option.text, over };
    }
    probe.remove();
    return widest;
  });
}

async function checkView(page: Page, view: (typeof VIEWS)[number], width: number, label: string): Promise<number> {
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
      // From 420 px up a kind's tabs share one row ("curl" went to a second one); a tray popover may wrap them.
      if (width >= 420) {
        const rows = await page
          .getByRole('tab')
          .evaluateAll((tabs) => new Set(tabs.map((t) => Math.round(t.getBoundingClientRect().top))).size);
        expect.soft(rows, `rows of ${kind} tabs at ${label}`).toBe(1);
      }
    }
    // Diagnostics open: its long lines (the data folder, the pool's counters) wrap inside the card.
    await page.getByRole('button', { name: 'Diagnostics', exact: true }).click();
    await expect(page.getByRole('list', { name: 'Diagnostics figures' })).toBeVisible();
    const open = await page.evaluate(measure, MODEL_IDS);
    expect.soft(open.problems, `Overview with Diagnostics open at ${label}`).toEqual([]);
  }
  if (view === 'Logs') {
    const names = page.getByRole('cell', { name: 'Rate-limited', exact: true });
    expect.soft(await linesOf(names.first()), `Rate-limited's lines in Logs at ${label}`).toBe(1);
  }
  if (view === 'Settings') {
    const removers = page.getByRole('button', { name: /^Remove mapping/ });
    const rows = await page.getByRole('textbox', { name: /^Requested model, row/ }).count();
    expect.soft(rows, label).toBeGreaterThan(10);
    expect.soft(await removers.count(), label).toBe(rows);
    await expect.soft(removers.last(), label).toBeVisible();
    // The Protocol select shows its longest choice whole ("Automatic (WebSocket, then SSE B, then SSE A" was cut).
    if (width >= 420) {
      const widest = await optionOverflow(page.getByLabel('Protocol', { exact: true }));
      expect
        .soft(widest.over, `"${widest.text}" in the Protocol select at ${label}: px too wide`)
        .toBeLessThanOrEqual(0);
    }
  }
  return headerHeight;
}

for (const theme of ['light', 'dark'] as Theme[]) {
  test(`every view fits at ${WIDTHS.join(', ')} px wide in the ${theme} theme, under a header of one height`, async ({
    page,
    tray,
  }) => {
    await seedShowcase(page, tray);
    await chooseTheme(page, theme);
    for (const width of WIDTHS) {
      await test.step(`${width} px`, async () => {
        await page.setViewportSize({ width, height: 800 });
        const heights: Record<string, number> = {};
        for (const view of VIEWS) {
          await goTo(page, view);
          await settle(page, view);
          heights[view] = await checkView(page, view, width, `${width} px, ${theme}`);
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
