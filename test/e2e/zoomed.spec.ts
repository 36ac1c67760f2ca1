import type { Page } from '@playwright/test';
import { expect, goTo, test } from './fixtures';
import { lowContrast } from './contrast';
import { inEachDialog } from './dialog-openings';
import { measure, MODEL_IDS, optionOverflow } from './fit';
import { chooseTheme, seedShowcase, settle, VIEWS, type Theme, type ViewName } from './showcase';

/**
 * The 360 px tray window zoomed. At 200% (or a system font scale of 2) it is 180 CSS px wide: the narrowest the window
 * is tested at, in both themes (a colour that reads on light may vanish on dark). At 110 to 125% it is 330 to 288 px,
 * where the one-line rules of 360 px and the stacked ones below 300 px meet. The device scale factor makes the
 * pixels a zoomed window has, so the text is rasterised as it is there.
 */
const WINDOWS: { width: number; theme: Theme }[] = [
  { width: 180, theme: 'light' },
  { width: 180, theme: 'dark' },
  { width: 288, theme: 'light' },
  { width: 300, theme: 'dark' },
  { width: 320, theme: 'light' },
  { width: 330, theme: 'dark' },
];
test.use({ deviceScaleFactor: 2 });

/** Screenshots to look at, taken when ZOOM_SHOTS names a folder (never committed). */
async function shoot(page: Page, name: string): Promise<void> {
  const folder = process.env.ZOOM_SHOTS;
  if (folder) await page.screenshot({ path: `${folder}/${name}.png`, animations: 'disabled' });
}

/** What is cut short (an ellipsis, a clipped box) and does not carry its whole text in a tooltip; runs in the page. */
function cutWithoutTitle(): string[] {
  const root = document.querySelector('dialog[open]') ?? document.body;
  const cut: string[] = [];
  for (const el of root.querySelectorAll('*')) {
    if (el.closest('dialog:not([open])') || !(el instanceof HTMLElement)) continue;
    const own = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent?.trim());
    // Out of sight on purpose (.visually-hidden): read by assistive tech, not cut.
    if (!own || el.clientWidth <= 1 || el.scrollWidth <= el.clientWidth + 1) continue;
    const style = getComputedStyle(el);
    // A box that scrolls is read by scrolling it (a code block); only what hides its overflow loses words.
    if (style.overflowX !== 'hidden' && style.overflowX !== 'clip') continue;
    const whole = (el.textContent ?? '').trim().replace(/\s+/g, ' ');
    const title = el.closest('[title]')?.getAttribute('title') ?? '';
    if (!title.includes(whole)) cut.push(`"${whole.slice(0, 60)}" in <${el.tagName.toLowerCase()}.${el.className}>`);
  }
  return cut;
}

/**
 * Words of letters split over lines ("B/a/s/e/U/R/L" down a squeezed column), and a row's cells drawn over each other
 * (a stacked Logs row's time under its API): text, not controls, so measure() does not see them; runs in the page.
 */
function unreadable(): string[] {
  const root = document.querySelector('dialog[open]') ?? document.body;
  const found: string[] = [];
  const range = document.createRange();
  /** Out of sight for assistive tech only (a table's header row in stacked rows): a 1 px box around it. */
  const hidden = (el: Element): boolean => {
    for (let a: Element | null = el; a; a = a.parentElement) if (a.getBoundingClientRect().width <= 1) return true;
    return false;
  };
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest('dialog:not([open])') || hidden(parent)) continue;
    // A word of letters, or a label that is one hyphenated word (a name, "Rate-limited"): an address, an id or a
    // hyphenated word in prose may break where it must. A badge is a state read at a glance: none of its words break.
    const label = /^\p{L}+(-\p{L}+)+$/u.test(node.textContent?.trim() ?? '');
    for (const match of (node.textContent ?? '').matchAll(/\S+/g)) {
      const word = parent.closest('.badge') || label ? match[0] : /^\(?(\p{L}{2,})[.,;:!?)]*$/u.exec(match[0])?.[1];
      if (!word) continue;
      const start = match.index + match[0].indexOf(word);
      range.setStart(node, start);
      range.setEnd(node, start + word.length);
      const tops = new Set([...range.getClientRects()].filter((b) => b.width > 1).map((b) => Math.round(b.top)));
      if (tops.size > 1) found.push(`"${word}" broken over lines in <${parent.tagName.toLowerCase()}>`);
    }
  }
  /** Where a cell's words are drawn: each text's box, cut by any box between it and the cell that clips it. */
  const drawn = (cell: Element): DOMRect[] => {
    const boxes: DOMRect[] = [];
    const texts = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = texts.nextNode(); node; node = texts.nextNode()) {
      if (!node.textContent?.trim() || !node.parentElement || hidden(node.parentElement)) continue;
      range.selectNodeContents(node);
      let { left, right, top, bottom } = range.getBoundingClientRect();
      for (let a: Element | null = node.parentElement; a && a !== cell.parentElement; a = a.parentElement) {
        if (getComputedStyle(a).overflowX === 'visible') continue;
        const clip = a.getBoundingClientRect();
        [left, right, top, bottom] = [
          Math.max(left, clip.left),
          Math.min(right, clip.right),
          Math.max(top, clip.top),
          Math.min(bottom, clip.bottom),
        ];
      }
      if (right - left > 1 && bottom - top > 1) boxes.push(new DOMRect(left, top, right - left, bottom - top));
    }
    return boxes;
  };
  for (const row of root.querySelectorAll('tr')) {
    const cells = [...row.children].map((cell) => ({ cell, boxes: drawn(cell) }));
    for (let i = 0; i < cells.length; i++)
      for (let j = i + 1; j < cells.length; j++) {
        const over = cells[i]!.boxes.some((a) =>
          cells[j]!.boxes.some(
            (b) =>
              Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 &&
              Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1,
          ),
        );
        if (over) found.push(`"${cells[i]!.cell.textContent?.trim()}" over "${cells[j]!.cell.textContent?.trim()}"`);
      }
  }
  return found;
}

/** The page itself never scrolls sideways; measured on its own, as the brief for this width words it. */
async function pageScrollsSideways(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
}

/** Each control the view is for: scrolled to, wholly inside the window, and a press lands on it (not on a cover). */
async function reachable(page: Page, view: ViewName): Promise<void> {
  const main = page.getByRole('main');
  const names: Record<ViewName, (string | RegExp)[]> = {
    Overview: ['Code', 'Coding agents', 'Diagnostics'],
    Accounts: ['Add account', 'Check credits', 'Import', 'Export', 'Edit Work', 'Test Work', 'Remove Work'],
    Logs: [/^Open request req_/],
    Settings: ['Rotate install token', 'Add mapping'],
  };
  const buttons = names[view].map((name) =>
    main.getByRole('button', typeof name === 'string' ? { name, exact: true } : { name }).first(),
  );
  if (view === 'Accounts') buttons.push(main.getByRole('switch', { name: 'Enabled: Work' }));
  if (view === 'Logs') buttons.push(main.getByLabel('Model', { exact: true }));
  if (view === 'Settings')
    buttons.push(
      main.getByRole('button', { name: /^Remove mapping/ }).last(),
      main.getByRole('button', { name: 'Hide', exact: true }),
    );
  for (const button of buttons) {
    // Centred: "if needed" leaves a control that is nearly all in sight where it is, a pixel under the edge.
    await button.evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await expect.soft(button, `${view}: in the window`).toBeInViewport({ ratio: 1 });
    await button.click({ trial: true, timeout: 3_000 });
  }
  await page.evaluate(() => window.scrollTo(0, 0));
}

/** Tabs through the first controls of the view: each shows a focus ring, inside the window, that stands out. */
async function focusRings(page: Page, view: ViewName, width: number): Promise<void> {
  await goTo(page, view); // focus is on the heading, the start of the view
  for (let i = 0; i < 8; i++) {
    await page.keyboard.press('Tab');
    const ring = await page.evaluate((width) => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return null;
      const style = getComputedStyle(el);
      const rect = el.getBoundingClientRect();
      const out = parseFloat(style.outlineWidth) + parseFloat(style.outlineOffset);
      return {
        name: el.getAttribute('aria-label') ?? el.textContent?.trim().slice(0, 30) ?? el.tagName,
        shown: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
        inside: rect.left - out >= -0.5 && rect.right + out <= width + 0.5 && rect.width > 1,
      };
    }, width);
    if (!ring) continue;
    expect.soft(ring.shown, `${view}: focus ring on "${ring.name}"`).toBe(true);
    expect.soft(ring.inside, `${view}: focus ring of "${ring.name}" inside the window`).toBe(true);
    expect.soft(await page.evaluate(lowContrast, 'focus' as const), `${view}: a faint focus ring`).toEqual([]);
  }
}

/** What is true of every view and dialog, measured as it stands (the open dialog, else the page). */
async function readsWhole(page: Page, label: string): Promise<void> {
  expect.soft(await pageScrollsSideways(page), `${label}: the page scrolls sideways`).toBe(false);
  const { problems } = await page.evaluate(measure, MODEL_IDS);
  expect.soft(problems, label).toEqual([]);
  expect.soft(await page.evaluate(cutWithoutTitle), `${label}: cut short with no tooltip`).toEqual([]);
  expect.soft(await page.evaluate(unreadable), `${label}: text broken or drawn over`).toEqual([]);
  expect.soft(await page.evaluate(lowContrast, 'text' as const), `${label}: faint text`).toEqual([]);
}

for (const { width, theme } of WINDOWS) {
  const at = `${width} px, ${theme}`;

  test(`every view fits a window ${width} px wide, ${theme} theme: nothing cut, covered, faint or off-screen`, async ({
    page,
    tray,
  }) => {
    test.setTimeout(120_000);
    await seedShowcase(page, tray);
    await chooseTheme(page, theme);
    await page.setViewportSize({ width, height: 800 });
    for (const view of VIEWS) {
      await test.step(view, async () => {
        await goTo(page, view);
        await settle(page, view);
        // Each view with its longest state open: Diagnostics' figures, a new API key with its buttons.
        if (view === 'Overview') await page.getByRole('button', { name: 'Diagnostics', exact: true }).click();
        if (view === 'Settings') {
          await page.getByRole('button', { name: 'Generate key', exact: true }).click();
          await expect(page.getByRole('textbox', { name: /^Your new API key/ })).toBeVisible();
        }
        await readsWhole(page, `${view} at ${at}`);
        // Every setup tab of both kinds reads whole: its label is in spans, which readsWhole's own-text walk passes
        // over ("openco" was cut in a 180 px window's rows of two).
        if (view === 'Overview')
          for (const kind of ['Code', 'Coding agents']) {
            await page.getByRole('button', { name: kind, exact: true }).click();
            const cut = await page
              .getByRole('tab')
              .evaluateAll((tabs) => tabs.filter((t) => t.scrollWidth > t.clientWidth).map((t) => t.textContent));
            expect.soft(cut, `${kind} tabs cut short at ${at}`).toEqual([]);
          }
        // Each filter shows its choice whole ("All acc" beside Outcome).
        if (view === 'Logs')
          for (const name of ['Outcome', 'Account', 'Model']) {
            const shown = await optionOverflow(page.getByLabel(name, { exact: true }), 'chosen');
            expect.soft(shown.over, `"${shown.text}" in the ${name} filter: px too wide`).toBeLessThanOrEqual(0);
          }
        // The frame's own controls, on every view.
        for (const link of VIEWS)
          await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: link }).click({ trial: true });
        for (const name of ['System theme', 'Light theme', 'Dark theme'])
          await page.getByRole('button', { name }).click({ trial: true });
        await shoot(page, `${width}-${theme}-${view}`);
        await reachable(page, view);
        await focusRings(page, view, width);
      });
    }
  });

  test(`each setup tab's blocks fit a window ${width} px wide, ${theme} theme: captions whole, Copy in reach`, async ({
    page,
  }) => {
    test.setTimeout(120_000);
    await chooseTheme(page, theme);
    await page.setViewportSize({ width, height: 800 });
    for (const kind of ['Coding agents', 'Code']) {
      await page.getByRole('button', { name: kind, exact: true }).click();
      for (const tab of await page.getByRole('tab').all()) {
        const name = (await tab.getAttribute('aria-label'))!;
        await tab.click();
        const panel = page.getByRole('tabpanel', { name, exact: true });
        await readsWhole(page, `${name}'s setup at ${at}`);
        // Each block's frame inside the window and its Copy pressable in it, none under another block.
        const frames = await panel.locator('.snippet').evaluateAll((els) =>
          els.map((el) => {
            const box = el.getBoundingClientRect();
            return { left: box.left, right: box.right, top: box.top, bottom: box.bottom };
          }),
        );
        for (const [i, frame] of frames.entries()) {
          expect.soft(frame.left, `${name}: block ${i + 1} inside the window`).toBeGreaterThanOrEqual(0);
          expect.soft(frame.right, `${name}: block ${i + 1} inside the window`).toBeLessThanOrEqual(width);
          if (i > 0)
            expect
              .soft(frame.top, `${name}: block ${i + 1} under the one before`)
              .toBeGreaterThan(frames[i - 1]!.bottom);
        }
        // Each caption's words inside the card: a path has no space to break at and ran on past the card's edge.
        const overrun = await panel.evaluate((el) => {
          const edge = el.getBoundingClientRect().right;
          const range = document.createRange();
          return [...el.querySelectorAll('.snippet-caption')].flatMap((caption) => {
            range.selectNodeContents(caption);
            const right = Math.max(...[...range.getClientRects()].map((r) => r.right));
            return right > edge + 0.5 ? [`"${caption.textContent}" ${Math.round(right - edge)} px past the card`] : [];
          });
        });
        expect.soft(overrun, `${name}: captions at ${at}`).toEqual([]);
        for (const copy of await panel.getByRole('button', { name: /^Copy / }).all()) {
          await copy.scrollIntoViewIfNeeded();
          await expect.soft(copy, `${name}: ${await copy.getAttribute('aria-label')} in the window`).toBeInViewport({
            ratio: 1,
          });
          await copy.click({ trial: true, timeout: 3_000 });
        }
      }
    }
  });

  test(`every dialog fits a window ${width} px wide in the ${theme} theme, its buttons reachable`, async ({
    page,
    tray,
  }, testInfo) => {
    test.setTimeout(120_000);
    await seedShowcase(page, tray);
    await chooseTheme(page, theme);
    await page.setViewportSize({ width, height: 800 });
    await inEachDialog(
      page,
      testInfo,
      (name) => name,
      async (name, dialog) => {
        await readsWhole(page, `${name} at ${at}`);
        // Every button of its footer can be reached, and pressed where it can be (Add account waits for a cookie).
        for (const button of await dialog.locator('.dialog-footer button').all()) {
          await button.evaluate((el) => el.scrollIntoView({ block: 'center' }));
          await expect.soft(button, `${name}: a button in the window`).toBeInViewport({ ratio: 1 });
          if (await button.isEnabled()) await button.click({ trial: true, timeout: 3_000 });
        }
        await shoot(page, `${width}-${theme}-dialog-${name}`);
      },
    );
  });
}
