/**
 * Keyboard zoom for the main window. The app sets no application menu on Windows and Linux (and a macOS one without
 * a View menu), so Electron's zoom accelerators, which live on the View menu's roles, do nothing; this gives the
 * window its own Ctrl/Cmd + '=' / '+' / '-' / '0', and the same steps for Ctrl/Cmd + the mouse wheel. The mapping
 * is pure so it is tested without Electron; the wiring takes anything shaped like WebContents.
 */
import type { Input } from 'electron';

/** The fields of Electron's before-input-event `Input` the mapping reads. */
export type ZoomInput = Pick<Input, 'type' | 'key' | 'code' | 'control' | 'meta' | 'alt' | 'shift'> &
  Partial<Pick<Input, 'isComposing'>>;

/**
 * DECISION: 100% to 200% and no further either way. 200% is the most the layouts are tested at (README, "The
 * window": the 360 px popover at 180 px), and the keys exist so that text can be made bigger; below 100% nothing is
 * tested for legibility or contrast, and nobody asked to make the text smaller.
 */
export const MIN_ZOOM = 1;
export const MAX_ZOOM = 2;

/** Chromium's own zoom presets within the range, so the steps are the ones a browser user already knows. */
const STEPS: readonly number[] = [1, 1.1, 1.25, 1.5, 1.75, 2];
/** Electron hands back the factor as a float (1.100000023841858): a step within this is the same step. */
const SAME = 0.01;

const IN_KEYS: ReadonlySet<string> = new Set(['=', '+']);

/**
 * The factor a key press asks for, or `undefined` when the press is not a zoom key (the page gets it as usual).
 * At a bound the answer is the bound itself: the key is still a zoom key, it just has nowhere further to go.
 */
export function nextZoomFactor(input: ZoomInput, current: number, platform: NodeJS.Platform): number | undefined {
  // Electron documents `keyDown` and `keyUp`; Chromium's raw form is accepted too, so a key is never missed.
  if (input.type !== 'keyDown' && input.type !== 'rawKeyDown') return undefined;
  if (input.isComposing === true || input.alt) return undefined;
  // macOS zooms with Cmd, the others with Ctrl; the other modifier held too is some other shortcut.
  const held = platform === 'darwin' ? input.meta && !input.control : input.control && !input.meta;
  if (!held) return undefined;
  // `key` follows the keyboard layout (a German '+' key, Shift + '=' on a US one); `code` catches the numpad.
  if (IN_KEYS.has(input.key) || input.code === 'NumpadAdd') return steppedZoomFactor(current, 'in');
  if (input.key === '-' || input.code === 'NumpadSubtract') return steppedZoomFactor(current, 'out');
  // DECISION: the reset goes by the key's place as well ('Digit0'), and only the reset. Chromium matches its zoom
  // accelerators on the layout's key code: the digit row is 0..9 on every layout, shifted or not (a French AZERTY
  // keyboard gives 'à' there unshifted, and Chromium's own Ctrl+0 still resets), while its '-' and '=' follow the
  // character. The 'Minus' and 'Equal' places carry other characters elsewhere ('ß' and a dead '´' on a German
  // keyboard, ')' on a French one), where Ctrl + them zooming would surprise; those layouts have '-' and '+' keys.
  if (input.key === '0' || input.code === 'Digit0' || input.code === 'Numpad0') return 1;
  return undefined;
}

/** The next preset in a direction, or the bound when there is none further (a factor outside the range clamps). */
function steppedZoomFactor(current: number, direction: 'in' | 'out'): number {
  if (direction === 'in') return STEPS.find((step) => step > current + SAME) ?? MAX_ZOOM;
  return [...STEPS].reverse().find((step) => step < current - SAME) ?? MIN_ZOOM;
}

/** A factor read back from disk: a finite number, clamped into the range; anything else is 100%. */
export function restoredZoomFactor(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return 1;
  return Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, value));
}

/** The parts of WebContents the zoom uses. */
export interface ZoomContentsLike {
  on(event: 'before-input-event', listener: (event: { preventDefault(): void }, input: ZoomInput) => void): unknown;
  on(event: 'did-finish-load', listener: () => void): unknown;
  on(event: 'zoom-changed', listener: (event: unknown, direction: 'in' | 'out') => void): unknown;
  getZoomFactor(): number;
  setZoomFactor(factor: number): void;
}

export interface ZoomOptions {
  platform: NodeJS.Platform;
  /** The factor remembered from the last run (already through `restoredZoomFactor`). */
  initial: number;
  /** Called with each new factor, to remember it. */
  onChange(factor: number): void;
}

/**
 * Zoom keys on the window's contents. A zoom key is kept from the page, at a bound too (where it changes nothing),
 * so the page never sees it only sometimes; every other input passes untouched. Electron keeps no zoom between runs,
 * so the remembered factor is applied once the page has loaded, and again after a reload.
 */
export function attachZoomKeys(contents: ZoomContentsLike, options: ZoomOptions): void {
  let remembered = options.initial;
  contents.on('did-finish-load', () => {
    if (remembered !== 1) contents.setZoomFactor(remembered);
  });
  const zoomTo = (current: number, next: number): void => {
    if (Math.abs(next - current) < SAME / 10) return;
    contents.setZoomFactor(next);
    remembered = next;
    options.onChange(next);
  };
  contents.on('before-input-event', (event, input) => {
    const current = contents.getZoomFactor();
    const next = nextZoomFactor(input, current, options.platform);
    if (next === undefined) return;
    event.preventDefault();
    zoomTo(current, next);
  });
  // Ctrl/Cmd + the wheel only asks, through this event: Electron changes nothing itself.
  contents.on('zoom-changed', (_event, direction) => {
    const current = contents.getZoomFactor();
    zoomTo(current, steppedZoomFactor(current, direction));
  });
}
