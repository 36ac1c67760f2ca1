import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  desktopShutdownSteps,
  installQuitHooks,
  Shutdown,
  SIGNAL_REPEAT_MS,
  type DesktopParts,
} from '../../main/electron/lifecycle';
import { ShellState, SHELL_STATE_FILE } from '../../main/electron/shell-state';
import { MainWindow, type WindowLike } from '../../main/electron/window';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

function parts(core: DesktopParts['core']) {
  const order: string[] = [];
  const p: DesktopParts = {
    window: { hide: () => order.push('window hidden') },
    disposers: [() => order.push('ipc removed'), () => order.push('events unsubscribed')],
    control: { retire: () => order.push('runtime file removed') },
    core,
    tray: { dispose: () => order.push('tray destroyed') },
  };
  return { p, order };
}

describe('quit', () => {
  it('runs the graceful stop in order, then exits 0', async () => {
    const stop = vi.fn(async () => {});
    const { p, order } = parts({ stop: async (grace) => (order.push(`core stopped (grace ${grace})`), stop()) });
    const exit = vi.fn();
    const shutdown = new Shutdown({
      steps: () => desktopShutdownSteps(() => p, { graceMs: 3000, coreTimeoutMs: 16_000 }),
      exit,
      deadlineMs: 20_000,
      log: () => {},
    });
    expect(shutdown.isQuitting).toBe(false);
    const done = shutdown.run('quit from the tray');
    expect(shutdown.isQuitting).toBe(true);
    expect(shutdown.run('again')).toBe(done);
    await vi.runAllTimersAsync();
    await done;
    expect(order).toEqual([
      'window hidden',
      'ipc removed',
      'events unsubscribed',
      'runtime file removed',
      'core stopped (grace 3000)',
      'tray destroyed',
    ]);
    expect(exit).toHaveBeenCalledTimes(1);
    expect(exit).toHaveBeenCalledWith(0);
  });

  it('a core whose stop hangs costs its timeout, and the app still exits', async () => {
    const { p, order } = parts({ stop: () => new Promise<void>(() => {}) });
    const exit = vi.fn();
    const log = vi.fn();
    const shutdown = new Shutdown({
      steps: () => desktopShutdownSteps(() => p, { graceMs: 3000, coreTimeoutMs: 16_000 }),
      exit,
      deadlineMs: 20_000,
      log,
    });
    void shutdown.run('SIGTERM');
    await vi.advanceTimersByTimeAsync(15_999);
    expect(exit).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(log).toHaveBeenCalledWith('[quit] proxy core did not finish within 16000 ms; moving on');
    expect(order.at(-1)).toBe('tray destroyed');
    expect(exit).toHaveBeenCalledWith(0);
  });

  it('the overall deadline exits even when steps would take longer', async () => {
    const exit = vi.fn();
    const hang = { name: 'stuck', run: () => new Promise(() => {}), timeoutMs: 60_000 };
    const shutdown = new Shutdown({ steps: () => [hang, hang], exit, deadlineMs: 20_000, log: () => {} });
    void shutdown.run('quit');
    await vi.advanceTimersByTimeAsync(20_000);
    expect(exit).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(200_000);
    expect(exit).toHaveBeenCalledTimes(1);
  });

  it('a step that throws is logged and the rest still run', async () => {
    const exit = vi.fn();
    const log = vi.fn();
    const ran: string[] = [];
    const shutdown = new Shutdown({
      steps: () => [
        {
          name: 'broken',
          run: () => {
            throw new Error('boom');
          },
          timeoutMs: 1000,
        },
        { name: 'after', run: () => void ran.push('after'), timeoutMs: 1000 },
      ],
      exit,
      deadlineMs: 20_000,
      log,
    });
    await shutdown.run('quit');
    expect(log).toHaveBeenCalledWith('[quit] broken failed: boom');
    expect(ran).toEqual(['after']);
    expect(exit).toHaveBeenCalledWith(0);
  });

  it('before-quit is held for the graceful stop; SIGINT/SIGTERM start it; a later signal forces exit', async () => {
    const app = new EventEmitter();
    const signals = new EventEmitter();
    let now = 0;
    const exit = vi.fn();
    const steps = vi.fn(() => [{ name: 'core', run: () => new Promise(() => {}), timeoutMs: 10_000 }]);
    const shutdown = new Shutdown({ steps, exit, deadlineMs: 20_000, log: () => {} });
    installQuitHooks({ app, signals, now: () => now }, shutdown);

    const event = { preventDefault: vi.fn() };
    app.emit('before-quit', event);
    expect(event.preventDefault).toHaveBeenCalled();
    expect(shutdown.isQuitting).toBe(true);
    signals.emit('SIGINT'); // joins the quit in progress
    now += 10; // the same Ctrl+C delivered twice (process group + npm start forwarding it)
    signals.emit('SIGINT');
    expect(exit).not.toHaveBeenCalled();
    expect(steps).toHaveBeenCalledTimes(1);
    now += SIGNAL_REPEAT_MS;
    signals.emit('SIGTERM');
    expect(exit).toHaveBeenCalledWith(1);
    const late = { preventDefault: vi.fn() };
    app.emit('before-quit', late);
    expect(late.preventDefault).not.toHaveBeenCalled();
  });

  it('a signal alone runs the graceful stop', async () => {
    const signals = new EventEmitter();
    const exit = vi.fn();
    const shutdown = new Shutdown({ steps: () => [], exit, deadlineMs: 1000, log: () => {} });
    installQuitHooks({ app: new EventEmitter(), signals }, shutdown);
    signals.emit('SIGTERM');
    await vi.runAllTimersAsync();
    expect(exit).toHaveBeenCalledWith(0);
  });
});

class FakeWindow extends EventEmitter implements WindowLike {
  visible = false;
  minimized = false;
  destroyed = false;
  focused = 0;
  show(): void {
    this.visible = true;
  }
  hide(): void {
    this.visible = false;
  }
  focus(): void {
    this.focused += 1;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  restore(): void {
    this.minimized = false;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** What BrowserWindow.close() does: emit 'close'; unless prevented, the window is destroyed. */
  close(): boolean {
    let prevented = false;
    this.emit('close', { preventDefault: () => (prevented = true) });
    if (!prevented) {
      this.destroyed = true;
      this.emit('closed');
    }
    return !prevented;
  }
}

describe('window: close to tray', () => {
  let dir: string;
  beforeEach(() => {
    vi.useRealTimers();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orchids-tray-window-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function setup(quitting = { value: false }, state = new ShellState(dir)) {
    const created: FakeWindow[] = [];
    const notify = vi.fn();
    const window = new MainWindow<FakeWindow>({
      create: () => {
        const w = new FakeWindow();
        created.push(w);
        return w;
      },
      isQuitting: () => quitting.value,
      onHiddenToTray: () => state.once('closeNoticeShown', notify),
    });
    return { window, created, notify, quitting };
  }

  it('closing hides the window instead of closing it, and says so only once', () => {
    const { window, created, notify } = setup();
    window.show();
    const w = created[0]!;
    expect(w.visible).toBe(true);
    expect(w.close()).toBe(false);
    expect(w.visible).toBe(false);
    expect(w.destroyed).toBe(false);
    expect(notify).toHaveBeenCalledTimes(1);
    window.show();
    w.close();
    window.show();
    w.close();
    expect(notify).toHaveBeenCalledTimes(1);
    expect(created).toHaveLength(1);
  });

  it('remembers the notice across restarts', () => {
    setup().window.show();
    const first = setup();
    first.window.show();
    first.created[0]!.close();
    expect(first.notify).toHaveBeenCalledTimes(1);
    expect(JSON.parse(fs.readFileSync(path.join(dir, SHELL_STATE_FILE), 'utf8'))).toEqual({ closeNoticeShown: true });
    const restarted = setup(undefined, new ShellState(dir));
    restarted.window.show();
    restarted.created[0]!.close();
    expect(restarted.notify).not.toHaveBeenCalled();
  });

  it('while quitting, close really closes', () => {
    const quitting = { value: false };
    const { window, created, notify } = setup(quitting);
    window.show();
    quitting.value = true;
    expect(created[0]!.close()).toBe(true);
    expect(created[0]!.destroyed).toBe(true);
    expect(notify).not.toHaveBeenCalled();
    expect(window.current).toBeUndefined();
  });

  it('show restores a minimised window and focuses it; ensure creates without showing', () => {
    const { window, created } = setup();
    const w = window.ensure();
    expect(w.visible).toBe(false);
    w.minimized = true;
    window.show();
    expect(w).toMatchObject({ minimized: false, visible: true, focused: 1 });
    expect(created).toHaveLength(1);
  });

  it('a damaged state file counts as "not shown yet"', () => {
    fs.writeFileSync(path.join(dir, SHELL_STATE_FILE), '{not json');
    const state = new ShellState(dir);
    expect(state.get('closeNoticeShown')).toBeUndefined();
    const shown = vi.fn();
    expect(state.once('closeNoticeShown', shown)).toBe(true);
    expect(state.once('closeNoticeShown', shown)).toBe(false);
    expect(shown).toHaveBeenCalledTimes(1);
  });
});
