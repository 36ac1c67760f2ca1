/**
 * Contrast as WCAG 2.2 reckons it, from the computed colours: a colour token that reads in one theme can vanish
 * against the other's backgrounds. Runs in the page (Playwright sends the function's source alone, so its helpers are
 * inside it). "text": each text shown, against what is painted behind it, 4.5:1 or 3:1 when large (1.4.3). "focus":
 * the focused control's ring, 3:1 against what it is drawn over (1.4.11): outside the control its parent's
 * background, inside it (a negative offset) the control's own too.
 */
export function lowContrast(what: 'text' | 'focus'): string[] {
  /** rgb(255 0 0 / 0.5), or color(srgb 1 0 0 / 0.5) as a color-mix() computes. */
  const rgba = (css: string): number[] => {
    const [r, g, b, a] = (css.match(/[\d.]+/g) ?? ['0', '0', '0', '0']).map(Number);
    const scale = css.startsWith('color(') ? 255 : 1;
    return [r! * scale, g! * scale, b! * scale, a ?? 1];
  };
  const luminance = ([r, g, b]: number[]): number => {
    const lin = (c: number) => (c / 255 <= 0.04045 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4);
    return 0.2126 * lin(r!) + 0.7152 * lin(g!) + 0.0722 * lin(b!);
  };
  /** A colour over another, alpha composited as the page paints it. */
  const over = (top: number[], below: number[]): number[] =>
    [0, 1, 2].map((i) => top[i]! * (top[3] ?? 1) + below[i]! * (1 - (top[3] ?? 1)));
  const ratio = (fore: number[], ground: number[]): number => {
    const [x, y] = [luminance(over(fore, ground)), luminance(ground)].sort((p, q) => q - p);
    return (x! + 0.05) / (y! + 0.05);
  };
  /** What is painted behind an element: its background over its ancestors', down to an opaque one; null if an image. */
  const behind = (from: Element | null): number[] | null => {
    const layers: number[][] = [];
    for (let a = from; a; a = a.parentElement) {
      const style = getComputedStyle(a);
      if (style.backgroundImage !== 'none') return null;
      const colour = rgba(style.backgroundColor);
      if ((colour[3] ?? 1) > 0) layers.push(colour);
      if ((colour[3] ?? 1) >= 1) break;
    }
    return layers.reverse().reduce((base, layer) => over(layer, base), [255, 255, 255]);
  };
  const named = (el: Element, text: string): string =>
    `"${text.trim().slice(0, 40)}" in <${el.tagName.toLowerCase()}${el.className ? `.${el.className}` : ''}>`;

  const found: string[] = [];
  if (what === 'focus') {
    const el = document.activeElement;
    if (!el || el === document.body) return found;
    const style = getComputedStyle(el);
    const grounds = [behind(el.parentElement), parseFloat(style.outlineOffset) < 0 ? behind(el) : null];
    for (const ground of grounds) {
      const have = ground ? ratio(rgba(style.outlineColor), ground) : Infinity;
      if (have < 3)
        found.push(`ring of ${named(el, el.getAttribute('aria-label') ?? el.textContent ?? '')}: ${have.toFixed(2)}:1`);
    }
    return found;
  }
  const root = document.querySelector('dialog[open]') ?? document.body;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    const text = node.textContent ?? '';
    // A disabled control's words are exempt (1.4.3), and what is 1 px wide is for assistive tech only.
    if (!el || !text.trim() || el.closest('dialog:not([open]), :disabled, [aria-disabled="true"]')) continue;
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (box.width <= 1 || box.height <= 1 || style.visibility !== 'visible') continue;
    const ground = behind(el);
    if (!ground) continue;
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    // A faded row (a disabled account's details) paints its words at its opacity.
    const colour = rgba(style.color);
    for (let a: Element | null = el; a; a = a.parentElement)
      colour[3] = (colour[3] ?? 1) * Number(getComputedStyle(a).opacity);
    const have = ratio(colour, ground);
    if (have < (large ? 3 : 4.5)) found.push(`${named(el, text)}: ${have.toFixed(2)}:1`);
  }
  return found;
}
