/**
 * Keyboard zoom for the desktop window (main/electron/zoom-keys.ts): the key table, the bounds the layouts are
 * tested at (100% to 200%), and the wiring to a fake webContents. No Electron binary: the fakes record the calls.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import {
  attachZoomKeys,
  MAX_ZOOM,
  MIN_ZOOM,
  nextZoomFactor,
  restoredZoomFactor,
  type ZoomInput,
} from '../../main/electron/zoom-keys';

/** A keyDown with the platform's zoom modifier held (Ctrl elsewhere, Cmd on macOS) unless told otherwise. */
function key(key: string, extra: Partial<ZoomInput> = {}): ZoomInput {
  return { type: 'keyDown', key, code: '', control: true, meta: false, alt: false, shift: false, ...extra };
}
const mac = (k: string, extra: Partial<ZoomInput> = {}) => key(k, { control: false, meta: true, ...extra });

describe('zoom keys: the mapping', () => {
  it('Ctrl + "=" / "+" / numpad add zooms in a step; "-" / numpad subtract out; "0" resets (Windows, Linux)', () => {
    for (const platform of ['win32', 'linux'] as const) {
      expect(nextZoomFactor(key('='), 1, platform)).toBe(1.1);
      expect(nextZoomFactor(key('+', { shift: true, code: 'Equal' }), 1.1, platform)).toBe(1.25);
      expect(nextZoomFactor(key('+', { code: 'NumpadAdd' }), 1.25, platform)).toBe(1.5);
      expect(nextZoomFactor(key('-'), 1.5, platform)).toBe(1.25);
      expect(nextZoomFactor(key('-', { code: 'NumpadSubtract' }), 1.25, platform)).toBe(1.1);
      expect(nextZoomFactor(key('0'), 1.75, platform)).toBe(1);
      expect(nextZoomFactor(key('0', { code: 'Numpad0' }), 2, platform)).toBe(1);
    }
  });

  it('Ctrl + 0 resets by the key\'s place too: the digit row\'s 0 gives "à" on a French AZERTY keyboard', () => {
    for (const platform of ['win32', 'linux'] as const) {
      expect(nextZoomFactor(key('à', { code: 'Digit0' }), 1.5, platform)).toBe(1);
      expect(nextZoomFactor(key('0', { code: 'Digit0', shift: true }), 2, platform)).toBe(1);
    }
    expect(nextZoomFactor(mac('à', { code: 'Digit0' }), 1.25, 'darwin')).toBe(1);
    // The other digits of that row stay the page's ("&", "é" on AZERTY), as does Ctrl + "à" off the digit row.
    expect(nextZoomFactor(key('&', { code: 'Digit1' }), 1.5, 'linux')).toBeUndefined();
    expect(nextZoomFactor(key('à', { code: 'KeyQ' }), 1.5, 'linux')).toBeUndefined();
  });

  it('"-" and "=" go by the character, not the place: German "ß" and "´" sit where US "-" and "=" do', () => {
    // The German QWERTZ keyboard: "ß" on the Minus key, the dead "´" on the Equal key, "-" where US "/" is.
    expect(nextZoomFactor(key('ß', { code: 'Minus' }), 1.5, 'linux')).toBeUndefined();
    expect(nextZoomFactor(key('Dead', { code: 'Equal' }), 1.5, 'linux')).toBeUndefined();
    expect(nextZoomFactor(key('-', { code: 'Slash' }), 1.5, 'linux')).toBe(1.25);
    expect(nextZoomFactor(key('+', { code: 'BracketRight' }), 1.5, 'linux')).toBe(1.75);
    // French AZERTY: ")" on the Minus key; "-" on the 6 key, unshifted.
    expect(nextZoomFactor(key(')', { code: 'Minus' }), 1.5, 'linux')).toBeUndefined();
    expect(nextZoomFactor(key('-', { code: 'Digit6' }), 1.5, 'linux')).toBe(1.25);
  });

  it('steps through 100, 110, 125, 150, 175, 200% and back', () => {
    const up: number[] = [];
    let factor = 1;
    for (let i = 0; i < 5; i++) up.push((factor = nextZoomFactor(key('='), factor, 'linux')!));
    expect(up).toEqual([1.1, 1.25, 1.5, 1.75, 2]);
    const down: number[] = [];
    for (let i = 0; i < 5; i++) down.push((factor = nextZoomFactor(key('-'), factor, 'linux')!));
    expect(down).toEqual([1.75, 1.5, 1.25, 1.1, 1]);
  });

  it('stays within 100%..200%: at a bound the key is still ours and the factor stays; outside, it clamps', () => {
    expect([MIN_ZOOM, MAX_ZOOM]).toEqual([1, 2]);
    expect(nextZoomFactor(key('='), 2, 'linux')).toBe(2);
    expect(nextZoomFactor(key('-'), 1, 'linux')).toBe(1);
    // A factor set some other way (2.5, 0.8) comes back into the range, never further out.
    expect(nextZoomFactor(key('='), 2.5, 'linux')).toBe(2);
    expect(nextZoomFactor(key('-'), 2.5, 'linux')).toBe(2);
    expect(nextZoomFactor(key('-'), 0.8, 'linux')).toBe(1);
    expect(nextZoomFactor(key('='), 0.8, 'linux')).toBe(1);
    // A factor between steps (Electron hands back 1.2000000476837158 and the like) goes to the next step.
    expect(nextZoomFactor(key('='), 1.2000000476837158, 'linux')).toBe(1.25);
    expect(nextZoomFactor(key('-'), 1.2000000476837158, 'linux')).toBe(1.1);
    expect(nextZoomFactor(key('='), 1.1000000238418579, 'linux')).toBe(1.25);
  });

  it('macOS uses Cmd, not Ctrl; elsewhere Ctrl, not the Windows/Super key', () => {
    expect(nextZoomFactor(mac('='), 1, 'darwin')).toBe(1.1);
    expect(nextZoomFactor(mac('-'), 1.1, 'darwin')).toBe(1);
    expect(nextZoomFactor(mac('0'), 1.5, 'darwin')).toBe(1);
    expect(nextZoomFactor(key('='), 1, 'darwin')).toBeUndefined();
    expect(nextZoomFactor(mac('='), 1, 'linux')).toBeUndefined();
    expect(nextZoomFactor(mac('='), 1, 'win32')).toBeUndefined();
    expect(nextZoomFactor(key('=', { meta: true }), 1, 'linux')).toBeUndefined();
    expect(nextZoomFactor(mac('=', { control: true }), 1, 'darwin')).toBeUndefined();
  });

  it('ignores key-up, Alt combinations, no modifier, IME composition and other keys', () => {
    expect(nextZoomFactor(key('=', { type: 'keyUp' }), 1, 'linux')).toBeUndefined();
    expect(nextZoomFactor(key('=', { type: 'char' }), 1, 'linux')).toBeUndefined();
    expect(nextZoomFactor(key('=', { alt: true }), 1, 'linux')).toBeUndefined();
    expect(nextZoomFactor(mac('-', { alt: true }), 1.5, 'darwin')).toBeUndefined();
    expect(nextZoomFactor(key('=', { control: false }), 1, 'linux')).toBeUndefined();
    expect(nextZoomFactor(key('0', { isComposing: true }), 1.5, 'linux')).toBeUndefined();
    for (const other of ['c', 'v', 'a', '1', '9', '_', 'Enter', 'Escape', 'ArrowUp']) {
      expect(nextZoomFactor(key(other), 1.5, 'linux')).toBeUndefined();
    }
  });

  it('a remembered factor is used only if it is a number, clamped into 100%..200%', () => {
    expect(restoredZoomFactor(1.5)).toBe(1.5);
    expect(restoredZoomFactor(undefined)).toBe(1);
    expect(restoredZoomFactor('2')).toBe(1);
    expect(restoredZoomFactor(Number.NaN)).toBe(1);
    expect(restoredZoomFactor(Number.POSITIVE_INFINITY)).toBe(1);
    expect(restoredZoomFactor(5)).toBe(2);
    expect(restoredZoomFactor(0.25)).toBe(1);
  });
});

/** Enough of WebContents for the zoom: its events, and a zoom factor it records. */
class FakeContents extends EventEmitter {
  zoom = 1;
  setZoomFactor = vi.fn((factor: number) => void (this.zoom = factor));
  getZoomFactor = (): number => this.zoom;
  /** Emits a keyboard input the way Electron does; says whether the handler prevented it. */
  press(input: ZoomInput): boolean {
    let prevented = false;
    this.emit('before-input-event', { preventDefault: () => (prevented = true) }, input);
    return prevented;
  }
}

function wired(platform: NodeJS.Platform = 'linux', initial = 1) {
  const contents = new FakeContents();
  const onChange = vi.fn();
  attachZoomKeys(contents, { platform, initial, onChange });
  return { contents, onChange };
}

describe('zoom keys: the wiring to the window', () => {
  it('a zoom key is prevented and sets the next factor, which is remembered', () => {
    const { contents, onChange } = wired();
    expect(contents.press(key('='))).toBe(true);
    expect(contents.setZoomFactor).toHaveBeenLastCalledWith(1.1);
    expect(contents.press(key('+', { code: 'NumpadAdd' }))).toBe(true);
    expect(contents.setZoomFactor).toHaveBeenLastCalledWith(1.25);
    expect(contents.press(key('0'))).toBe(true);
    expect(contents.setZoomFactor).toHaveBeenLastCalledWith(1);
    expect(onChange.mock.calls).toEqual([[1.1], [1.25], [1]]);
  });

  it('any other input reaches the page untouched, and the zoom is left alone', () => {
    const { contents, onChange } = wired();
    expect(contents.press(key('c'))).toBe(false);
    expect(contents.press(key('=', { type: 'keyUp' }))).toBe(false);
    expect(contents.press(key('=', { alt: true }))).toBe(false);
    expect(contents.press(mac('='))).toBe(false);
    expect(contents.setZoomFactor).not.toHaveBeenCalled();
    expect(onChange).not.toHaveBeenCalled();
  });

  it('at a bound the key is still swallowed, but nothing is set or written', () => {
    const { contents, onChange } = wired('darwin', 2);
    contents.zoom = 2;
    expect(contents.press(mac('='))).toBe(true);
    expect(contents.setZoomFactor).not.toHaveBeenCalled();
    expect(onChange).not.toHaveBeenCalled();
  });

  it('a factor from outside the range is clamped when a key is pressed', () => {
    const { contents, onChange } = wired();
    contents.zoom = 3;
    expect(contents.press(key('='))).toBe(true);
    expect(contents.setZoomFactor).toHaveBeenLastCalledWith(2);
    expect(onChange).toHaveBeenLastCalledWith(2);
  });

  it('Ctrl/Cmd + the mouse wheel steps the same way and is remembered; at a bound it sets nothing', () => {
    // Electron zooms on the wheel only through `zoom-changed`: with no listener the wheel did nothing.
    const { contents, onChange } = wired('linux', 1.75);
    contents.zoom = 1.75;
    contents.emit('zoom-changed', {}, 'in');
    expect(contents.zoom).toBe(2);
    contents.emit('zoom-changed', {}, 'in');
    contents.emit('zoom-changed', {}, 'out');
    contents.emit('zoom-changed', {}, 'out');
    expect(contents.zoom).toBe(1.5);
    expect(onChange.mock.calls).toEqual([[2], [1.75], [1.5]]);
    contents.zoom = 1;
    contents.emit('zoom-changed', {}, 'out');
    expect(contents.setZoomFactor).toHaveBeenCalledTimes(3);
  });

  it('the remembered factor is applied once the page has loaded (and again after a reload); 100% sets nothing', () => {
    const zoomed = wired('linux', 1.5);
    expect(zoomed.contents.setZoomFactor).not.toHaveBeenCalled();
    zoomed.contents.emit('did-finish-load');
    expect(zoomed.contents.setZoomFactor).toHaveBeenLastCalledWith(1.5);
    zoomed.contents.press(key('-'));
    zoomed.contents.emit('did-finish-load');
    expect(zoomed.contents.setZoomFactor).toHaveBeenLastCalledWith(1.25);
    const plain = wired('linux', 1);
    plain.contents.emit('did-finish-load');
    expect(plain.contents.setZoomFactor).not.toHaveBeenCalled();
  });
});
