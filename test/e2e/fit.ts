import type { Locator } from '@playwright/test';

/** Shared by the views' and the dialogs' layout tests: what "fits" means, measured in the page. */

export const MODEL_IDS = ['claude-sonnet-4-6', 'claude-opus-4-8', 'claude-opus-4-6'];

export interface Measurement {
  /** Everything that sticks out sideways or overlaps, described; empty when it fits. */
  problems: string[];
  headerHeight: number;
}

/**
 * Runs in the page. What is measured is the open dialog if there is one (the page behind it is inert), else the page.
 * It fits when it has no horizontal scroll, no control is even partly outside it (inside a scrolling box too: a
 * control you must scroll sideways to reach is off-screen), no element or text outside a clipping box sticks out, and
 * no two controls overlap. Model ids must sit on one line ("claude-/sonnet-/4-6" is the bug).
 */
export function measure(modelIds: string[]): Measurement {
  const dialog = document.querySelector('dialog[open]');
  const root = dialog ?? document.body;
  const box = dialog
    ? dialog.getBoundingClientRect()
    : { left: 0, right: document.documentElement.clientWidth, top: 0, bottom: Infinity };
  const where = dialog ? 'the dialog' : 'the viewport';
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
  const outside = (rect: DOMRect): boolean => rect.left < box.left - slack || rect.right > box.right + slack;
  const shown = (rect: DOMRect): boolean => rect.width > 1 && rect.height > 1; // .visually-hidden is 1 px
  /** Inside a box that clips or scrolls sideways, below the measured one (for text, its own element counts). */
  const clipped = (el: Element, self = false): boolean => {
    const top = dialog ?? document.documentElement;
    for (let a = self ? el : el.parentElement; a && a !== top; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') return true;
    }
    return false;
  };

  const scrollWidth = Math.max(document.documentElement.scrollWidth, document.body.scrollWidth);
  if (scrollWidth > window.innerWidth)
    problems.push(`the page scrolls sideways: ${scrollWidth} px in ${window.innerWidth}`);
  if (dialog && dialog.scrollWidth > dialog.clientWidth)
    problems.push(`the dialog scrolls sideways: ${dialog.scrollWidth} px in ${dialog.clientWidth}`);

  const controls = [
    ...root.querySelectorAll(
      'a[href], button, input, select, textarea, summary, [tabindex], [role="switch"], [role="tab"], [role="button"]',
    ),
  ].filter((el) => !el.closest('dialog:not([open])') && shown(el.getBoundingClientRect()));
  for (const el of controls) {
    const rect = el.getBoundingClientRect();
    if (outside(rect))
      problems.push(`control outside ${where} (${Math.round(rect.left)}–${Math.round(rect.right)}): ${describe(el)}`);
  }
  // Two press targets on top of each other: one hides the other, or a press lands on the wrong one. Where each is
  // seen counts (a row scrolled out of its box is not under the buttons below the box); a target inside another (a
  // link in a summary) is one target; a sticky bar over the scrolled page is where it should be. A focusable code box
  // is no target: its Copy button sits in its corner, over padding kept clear for it.
  const seen = (el: Element): DOMRect => {
    let { left, right, top, bottom } = el.getBoundingClientRect();
    for (let a = el.parentElement; a && a !== document.documentElement; a = a.parentElement) {
      const style = getComputedStyle(a);
      if (style.overflowX === 'visible' && style.overflowY === 'visible') continue;
      const clip = a.getBoundingClientRect();
      [left, right, top, bottom] = [
        Math.max(left, clip.left),
        Math.min(right, clip.right),
        Math.max(top, clip.top),
        Math.min(bottom, clip.bottom),
      ];
    }
    return new DOMRect(left, top, Math.max(0, right - left), Math.max(0, bottom - top));
  };
  const pinned = (el: Element): boolean => {
    for (let a: Element | null = el; a && a !== root; a = a.parentElement) {
      const { position } = getComputedStyle(a);
      if (position === 'sticky' || position === 'fixed') return true;
    }
    return false;
  };
  const targets = controls
    .filter((el) => el.matches('a[href], button, input, select, textarea, summary, [role="switch"], [role="tab"]'))
    .filter((el) => !pinned(el))
    .map((el) => ({ el, rect: seen(el) }))
    .filter(({ rect }) => shown(rect));
  for (let i = 0; i < targets.length; i++) {
    for (let j = i + 1; j < targets.length; j++) {
      const [a, b] = [targets[i]!, targets[j]!];
      if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
      const across = Math.min(a.rect.right, b.rect.right) - Math.max(a.rect.left, b.rect.left);
      const down = Math.min(a.rect.bottom, b.rect.bottom) - Math.max(a.rect.top, b.rect.top);
      if (across > 1 && down > 1) problems.push(`controls overlap: ${describe(a.el)} and ${describe(b.el)}`);
    }
  }
  for (const el of root.querySelectorAll('*')) {
    if (el.closest('dialog:not([open])') || clipped(el)) continue;
    const rect = el.getBoundingClientRect();
    if (shown(rect) && outside(rect))
      problems.push(`element outside ${where} (${Math.round(rect.left)}–${Math.round(rect.right)}): ${describe(el)}`);
  }

  const texts = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
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
    if (shown(rect) && outside(rect))
      problems.push(`text outside ${where}: "${text.slice(0, 50)}" in ${describe(parent)}`);
  }

  const header = document.querySelector('header.app-bar');
  const shownProblems =
    problems.length > 30 ? [...problems.slice(0, 30), `…and ${problems.length - 30} more`] : problems;
  return { problems: shownProblems, headerHeight: header ? header.getBoundingClientRect().height : -1 };
}

/** How many lines an element's text takes. */
export async function linesOf(locator: Locator): Promise<number> {
  return locator.evaluate((el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    return new Set([...range.getClientRects()].filter((r) => r.width > 1).map((r) => Math.round(r.top))).size;
  });
}

/**
 * How many lines the text of an element's own text nodes takes, from the first to the last: a generated label
 * (::before) is not in it, so for "Tokens in / out 12 / 7" it is the lines of "12 / 7".
 */
export async function linesOfOwnText(locator: Locator): Promise<number> {
  return locator.evaluate((el) => {
    const texts: Text[] = [];
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode())
      if (node.textContent?.trim()) texts.push(node as Text);
    if (!texts.length) return 0;
    const range = document.createRange();
    range.setStart(texts[0]!, 0);
    range.setEnd(texts.at(-1)!, texts.at(-1)!.length);
    return new Set([...range.getClientRects()].filter((r) => r.width > 1).map((r) => Math.round(r.top))).size;
  });
}

/**
 * An option's text against the room its select leaves for text: its padding and, at the right, the drop-down arrow
 * (Chromium draws it in about 16 px; the automatic protocol, cut at 420 px, needed 8 more than it had). A select
 * never scrolls, so its scrollWidth cannot tell a cut option; the text is measured in the select's own font. Of all
 * its options (the widest), or of the chosen one only: what it shows now.
 */
export async function optionOverflow(
  select: Locator,
  which: 'widest' | 'chosen' = 'widest',
): Promise<{ text: string; over: number }> {
  return select.evaluate((el: HTMLSelectElement, which) => {
    const style = getComputedStyle(el);
    const probe = document.createElement('span');
    probe.style.cssText = `position: absolute; visibility: hidden; white-space: pre; font: ${style.font}`;
    document.body.append(probe);
    const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 16;
    let widest = { text: '', over: -Infinity };
    const options = which === 'chosen' ? [...el.selectedOptions] : [...el.options];
    for (const option of options) {
      probe.textContent = option.text;
      const over = probe.getBoundingClientRect().width - room;
      if (over > widest.over) widest = { text: option.text, over };
    }
    probe.remove();
    return widest;
  }, which);
}
