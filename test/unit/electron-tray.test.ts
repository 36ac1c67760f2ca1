import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OrchidsCore } from '../../main/core/core';
import {
  claudeCodeSetup,
  trayIconFile,
  trayView,
  type TrayInput,
  type TrayMenuItem,
} from '../../main/electron/tray-model';
import {
  menuTemplate,
  readTrayState,
  TrayController,
  trayActions,
  type TrayCore,
  type TrayLike,
} from '../../main/electron/tray';

const URL = 'http://127.0.0.1:3002';
const KEY = 'ot-fake-api-key-XXXX';

function input(overrides: Partial<TrayInput> = {}): TrayInput {
  return {
    running: true,
    paused: false,
    url: URL,
    todayRequests: 42,
    accounts: [
      { name: 'work', status: 'ready', enabled: true, statusUntil: null },
      { name: 'home', status: 'ready', enabled: true, statusUntil: null },
    ],
    debugLogs: false,
    launchAtLogin: false,
    ...overrides,
  };
}

const labels = (menu: TrayMenuItem[]) => menu.map((item) => (item.kind === 'separator' ? '---' : item.label));
const item = (menu: TrayMenuItem[], label: string) => menu.find((i) => i.kind !== 'separator' && i.label === label);

describe('tray model', () => {
  it('running: icon, tooltip with the base URL and today’s count, the full menu in order', () => {
    const view = trayView(input());
    expect(view.icon).toBe('running');
    expect(view.tooltip).toBe(`Orchids Tray: Running\n${URL}\nToday: 42 requests`);
    expect(labels(view.menu)).toEqual([
      'Running: 2 accounts ready',
      `${URL} · today 42 requests`,
      '---',
      'Open Orchids Tray',
      'Copy base URL',
      'Copy Claude Code setup',
      '---',
      'Pause proxy',
      'Debug logging',
      'Launch at login',
      '---',
      'Quit',
    ]);
    expect(view.menu[0]).toEqual({ kind: 'status', label: 'Running: 2 accounts ready' });
    expect(trayView(input({ todayRequests: 1 })).tooltip).toContain('Today: 1 request');
  });

  it('a pinned protocol that is not answering: the tooltip and the status say so, and the icon asks for a look', () => {
    const pinnedMismatch = { protocol: 'ws', at: 1, fromEnv: false } as const;
    const view = trayView(input({ pinnedMismatch }));
    expect(view.icon).toBe('trouble');
    expect(view.tooltip).toBe(`Orchids Tray: Running · ws not answering\n${URL}\nToday: 42 requests`);
    expect(view.status).toBe(
      'Running · ws not answering: The upstream protocol is pinned to ws, and Orchids does not answer on it here, ' +
        'so every request fails',
    );
    // A pause says more than the pin: nothing is being served either way.
    expect(trayView(input({ pinnedMismatch, paused: true })).tooltip).toContain('Orchids Tray: paused');
    expect(trayView(input({ pinnedMismatch: null })).tooltip).toContain('Orchids Tray: Running\n');
  });

  it('reads the pin from the core’s status', () => {
    const pinnedMismatch = { protocol: 'sse-b', at: 5, fromEnv: true } as const;
    const core = {
      proxy: { status: () => ({ running: true, paused: false, url: URL, pinnedMismatch }) },
      settings: { get: () => false },
      history: { stats: () => ({ today: { requests: 0 } }) },
      accounts: { list: () => [] },
    } as unknown as TrayCore;
    expect(readTrayState(core).pinnedMismatch).toEqual(pinnedMismatch);
  });

  it('paused: paused icon and a Resume item', () => {
    const view = trayView(input({ paused: true }));
    expect(view.icon).toBe('paused');
    expect(view.status).toBe('Paused: New requests are refused until you resume');
    expect(item(view.menu, 'Resume proxy')).toMatchObject({ kind: 'action', action: 'toggle-pause', enabled: true });
    expect(item(view.menu, 'Pause proxy')).toBeUndefined();
  });

  it('trouble: no account, every account disabled, none ready, or one that needs a person', () => {
    expect(trayView(input({ accounts: [] }))).toMatchObject({
      icon: 'trouble',
      status: 'No accounts: Add an Orchids account to start serving requests',
    });
    expect(
      trayView(input({ accounts: [{ name: 'a', status: 'ready', enabled: false, statusUntil: null }] })),
    ).toMatchObject({
      icon: 'trouble',
      status: 'All accounts disabled: Enable an account to serve requests',
    });
    expect(
      trayView(
        input({
          accounts: [
            { name: 'a', status: 'signed_out', enabled: true, statusUntil: null },
            { name: 'b', status: 'quota_exhausted', enabled: true, statusUntil: null },
            { name: 'c', status: 'quota_exhausted', enabled: true, statusUntil: null },
          ],
        }),
      ),
    ).toMatchObject({
      icon: 'trouble',
      status: 'No account ready: 0 of 3 accounts ready; 2 out of credits, 1 signed out. Each of them needs you',
    });
    // Out for different reasons: the words say which come back by themselves only of the states present.
    const mixed = (...statuses: Array<'cooling_down' | 'failing' | 'signed_out'>) =>
      trayView(
        input({ accounts: statuses.map((status, i) => ({ name: `${i}`, status, enabled: true, statusUntil: null })) }),
      ).status;
    expect(mixed('cooling_down', 'failing')).toMatch(
      /ready; 1 cooling down, 1 failing\. They come back by themselves$/,
    );
    expect(mixed('cooling_down', 'signed_out')).toMatch(
      /signed out\. Cooling-down and failing accounts come back by themselves; the others need you$/,
    );
    // Every account in one state that passes by itself: until when, in the same words as the window.
    const until = Date.UTC(2026, 10, 30, 14, 32);
    const cooling = trayView(
      input({ accounts: [{ name: 'a', status: 'cooling_down', enabled: true, statusUntil: until }] }),
    );
    expect(cooling.icon).toBe('trouble');
    const untilText = new Date(until).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    expect(cooling.tooltip).toContain(`All accounts cooling down until ${untilText}`);
    const one = trayView(
      input({
        accounts: [
          { name: 'a', status: 'ready', enabled: true, statusUntil: null },
          { name: 'b', status: 'signed_out', enabled: true, statusUntil: null },
        ],
      }),
    );
    expect(one).toMatchObject({ icon: 'trouble', status: 'Running: 1 of 2 accounts ready; 1 signed out' });
    expect(one.tooltip).toContain('needs attention');
    const locked = trayView(
      input({
        accounts: [
          { name: 'a', status: 'ready', enabled: true, statusUntil: null },
          { name: 'b', status: 'locked', enabled: true, statusUntil: null },
        ],
      }),
    );
    expect(locked.icon).toBe('trouble');
  });

  it('a cool-down is not trouble; a disabled account in trouble does not count', () => {
    const cooling = trayView(
      input({
        accounts: [
          { name: 'a', status: 'ready', enabled: true, statusUntil: null },
          { name: 'b', status: 'cooling_down', enabled: true, statusUntil: null },
        ],
      }),
    );
    expect(cooling).toMatchObject({ icon: 'running', status: 'Running: 1 of 2 accounts ready; 1 cooling down' });
    const disabled = trayView(
      input({
        accounts: [
          { name: 'a', status: 'ready', enabled: true, statusUntil: null },
          { name: 'b', status: 'signed_out', enabled: false, statusUntil: null },
        ],
      }),
    );
    expect(disabled).toMatchObject({ icon: 'running', status: 'Running: 1 account ready' });
  });

  it('not running: the start error, and the copy and pause items disabled', () => {
    const view = trayView(input({ running: false, startError: 'Port 3002 is in use' }));
    expect(view).toMatchObject({ icon: 'trouble', status: 'Not running: Port 3002 is in use' });
    for (const label of ['Copy base URL', 'Copy Claude Code setup', 'Pause proxy'])
      expect(item(view.menu, label)).toMatchObject({ enabled: false });
    expect(item(view.menu, 'Open Orchids Tray')).toMatchObject({ enabled: true });
    expect(trayView(input({ running: false })).status).toBe('Starting…');
  });

  it('checkboxes follow the settings; the secrets note shows as a status line', () => {
    const view = trayView(
      input({ debugLogs: true, launchAtLogin: true, secretsNote: 'Cookies sealed with a key file (no OS keychain)' }),
    );
    expect(item(view.menu, 'Debug logging')).toEqual({
      kind: 'checkbox',
      action: 'toggle-debug',
      label: 'Debug logging',
      checked: true,
      enabled: true,
    });
    expect(item(view.menu, 'Launch at login')).toEqual({
      kind: 'checkbox',
      action: 'toggle-login',
      label: 'Launch at login',
      checked: true,
      enabled: true,
    });
    expect(item(view.menu, 'Cookies sealed with a key file (no OS keychain)')).toEqual({
      kind: 'status',
      label: 'Cookies sealed with a key file (no OS keychain)',
    });
    expect(item(trayView(input()).menu, 'Debug logging')).toMatchObject({ checked: false });
  });

  it('the credits the enabled accounts have left, below the URL, once any figure is known', () => {
    const accounts: TrayInput['accounts'] = [
      { name: 'work', status: 'ready', enabled: true, statusUntil: null, credits: { left: 96_571, checkedAt: 1 } },
      { name: 'home', status: 'ready', enabled: true, statusUntil: null, credits: { left: 2_000_000, checkedAt: 1 } },
      { name: 'old', status: 'ready', enabled: false, statusUntil: null, credits: { left: 150_000, checkedAt: 1 } },
      { name: 'new', status: 'ready', enabled: true, statusUntil: null, credits: null },
    ];
    expect(labels(trayView(input({ accounts })).menu).slice(0, 4)).toEqual([
      'Running: 3 accounts ready',
      `${URL} · today 42 requests`,
      'Credits left: 2,096,571 across 2 accounts',
      '---',
    ]);
    const one = [accounts[0]!, accounts[3]!];
    expect(labels(trayView(input({ accounts: one })).menu)).toContain('Credits left: 96,571 across 1 account');
    const none = accounts.map((a) => ({ ...a, credits: null }));
    expect(labels(trayView(input({ accounts: none })).menu).some((l) => l.startsWith('Credits'))).toBe(false);
    expect(labels(trayView(input({ accounts, running: false })).menu).some((l) => l.startsWith('Credits'))).toBe(false);
  });

  it('keeps the tooltip within Windows’ 127 characters', () => {
    expect(trayView(input({ url: `http://${'h'.repeat(200)}:3002` })).tooltip.length).toBeLessThanOrEqual(127);
  });

  it('Claude Code setup: the base URL, the API key when one is set (a placeholder otherwise), task tools off', () => {
    const tasksOff = 'CLAUDE_CODE_ENABLE_TASKS';
    expect(claudeCodeSetup(URL, '', 'linux')).toBe(
      `export ANTHROPIC_BASE_URL=${URL}\nexport ANTHROPIC_API_KEY=not-needed\nexport ${tasksOff}=false\n`,
    );
    expect(claudeCodeSetup(URL, KEY, 'darwin')).toBe(
      `export ANTHROPIC_BASE_URL=${URL}\nexport ANTHROPIC_API_KEY=${KEY}\nexport ${tasksOff}=false\n`,
    );
    expect(claudeCodeSetup(URL, KEY, 'win32')).toBe(
      `$env:ANTHROPIC_BASE_URL="${URL}"\n$env:ANTHROPIC_API_KEY="${KEY}"\n$env:${tasksOff}="false"\n`,
    );
  });

  it('every state has its icon on every platform, with @2x where the platform uses it', () => {
    const assets = path.resolve(__dirname, '../../assets');
    for (const state of ['running', 'paused', 'trouble'] as const) {
      for (const platform of ['linux', 'win32', 'darwin'] as const) {
        const file = path.join(assets, trayIconFile(state, platform));
        expect(fs.existsSync(file), file).toBe(true);
        if (platform !== 'linux') expect(fs.existsSync(file.replace(/\.png$/, '@2x.png'))).toBe(true);
      }
    }
    expect(trayIconFile('paused', 'darwin')).toMatch(/Template\.png$/);
    expect(fs.existsSync(path.join(assets, 'icon.png'))).toBe(true);
  });
});

class FakeTray implements TrayLike {
  image: unknown;
  tooltip = '';
  menu: unknown;
  destroyed = false;
  clicks: Array<() => void> = [];
  constructor(image: unknown) {
    this.image = image;
  }
  setImage(image: never): void {
    this.image = image;
  }
  setToolTip(text: string): void {
    this.tooltip = text;
  }
  setContextMenu(menu: never): void {
    this.menu = menu;
  }
  on(_event: 'click', listener: () => void): unknown {
    this.clicks.push(listener);
    return this;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

describe('TrayController', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function controller(state: { current: TrayInput }, onAction = vi.fn()) {
    let tray: FakeTray | undefined;
    const built: Array<{ items: TrayMenuItem[]; onAction: (action: never, checked?: boolean) => void }> = [];
    const onClick = vi.fn();
    const c = new TrayController<string, { items: TrayMenuItem[] }>({
      createTray: (image) => (tray = new FakeTray(image)),
      image: (icon) => `icon:${icon}`,
      menu: (items, act) => {
        built.push({ items, onAction: act });
        return { items };
      },
      state: () => state.current,
      onAction,
      onClick,
      minIntervalMs: 1000,
    });
    c.start();
    return { c, tray: () => tray!, built, onClick, onAction };
  }

  it('starts with the state’s icon, tooltip and menu; a click opens the window', () => {
    const { tray, onClick } = controller({ current: input() });
    expect(tray().image).toBe('icon:running');
    expect(tray().tooltip).toContain(URL);
    expect((tray().menu as { items: TrayMenuItem[] }).items[0]).toEqual({
      kind: 'status',
      label: 'Running: 2 accounts ready',
    });
    tray().clicks[0]!();
    expect(onClick).toHaveBeenCalled();
  });

  it('follows state changes, applies only what changed, at most once per interval', async () => {
    const state = { current: input() };
    const { c, tray } = controller(state);
    expect(c.applied).toEqual({ image: 0, tooltip: 1, menu: 1 });
    // A burst of request counts: one rebuild at the end of the interval, tooltip only.
    for (let n = 43; n < 60; n++) {
      state.current = input({ todayRequests: n });
      c.update();
    }
    await vi.advanceTimersByTimeAsync(999);
    expect(tray().tooltip).toContain('Today: 42 requests');
    await vi.advanceTimersByTimeAsync(1);
    expect(tray().tooltip).toContain('Today: 59 requests');
    expect(c.applied).toEqual({ image: 0, tooltip: 2, menu: 2 }); // the menu's URL line carries the count too
    // Pause: icon and menu change.
    state.current = input({ todayRequests: 59, paused: true });
    c.update();
    await vi.advanceTimersByTimeAsync(1000);
    expect(tray().image).toBe('icon:paused');
    expect(c.applied.image).toBe(1);
    // Nothing changed: nothing applied.
    c.update();
    await vi.advanceTimersByTimeAsync(5000);
    expect(c.applied).toEqual({ image: 1, tooltip: 3, menu: 3 }); // paused: the tooltip says so too
  });

  it('a checkbox click rebuilds the menu even when the setting did not move (pinned by the environment)', () => {
    const state = { current: input() };
    const onAction = vi.fn();
    const { c, built } = controller(state, onAction);
    const before = c.applied.menu;
    built.at(-1)!.onAction('toggle-debug' as never, true);
    expect(onAction).toHaveBeenCalledWith('toggle-debug', true);
    expect(c.applied.menu).toBe(before + 1);
  });

  it('dispose destroys the tray and cancels a pending rebuild', async () => {
    const state = { current: input() };
    const { c, tray } = controller(state);
    state.current = input({ paused: true });
    c.update();
    c.dispose();
    await vi.advanceTimersByTimeAsync(2000);
    expect(tray().destroyed).toBe(true);
    expect(tray().image).toBe('icon:running');
  });
});

describe('tray actions', () => {
  function fakeCore(settings: Record<string, unknown> = {}) {
    const values: Record<string, unknown> = { apiKey: '', debugLogs: false, launchAtLogin: false, ...settings };
    let paused = false;
    const status = () => ({ running: true, paused, url: URL });
    const core = {
      get isPaused() {
        return paused;
      },
      proxy: {
        status,
        pause: () => ((paused = true), status()),
        resume: () => ((paused = false), status()),
      },
      settings: {
        get: (key: string) => values[key],
        set: vi.fn((key: string, value: unknown) => (values[key] = value)),
      },
      history: { stats: () => ({ today: { requests: 3 } }) },
      accounts: { list: () => [] },
    };
    return {
      core: core as unknown as TrayCore & { isPaused: boolean; settings: { set: ReturnType<typeof vi.fn> } },
      values,
    };
  }

  function actions(core: TrayCore) {
    const deps = {
      core,
      clipboard: { writeText: vi.fn() },
      showWindow: vi.fn(),
      quit: vi.fn(),
      changed: vi.fn(),
      log: vi.fn(),
      platform: 'linux' as const,
    };
    return { act: trayActions(deps), ...deps };
  }

  it('copy items write the URL and the setup (with the real API key when set)', () => {
    const withKey = fakeCore({ apiKey: KEY });
    const a = actions(withKey.core);
    a.act('copy-url');
    a.act('copy-claude-setup');
    expect(a.clipboard.writeText.mock.calls).toEqual([
      [URL],
      [`export ANTHROPIC_BASE_URL=${URL}\nexport ANTHROPIC_API_KEY=${KEY}\nexport CLAUDE_CODE_ENABLE_TASKS=false\n`],
    ]);
    const b = actions(fakeCore().core);
    b.act('copy-claude-setup');
    expect(b.clipboard.writeText).toHaveBeenCalledWith(
      `export ANTHROPIC_BASE_URL=${URL}\nexport ANTHROPIC_API_KEY=not-needed\nexport CLAUDE_CODE_ENABLE_TASKS=false\n`,
    );
  });

  it('pause/resume flips the core and announces the change; checkboxes set settings; open and quit', () => {
    const { core, values } = fakeCore();
    const a = actions(core);
    a.act('toggle-pause');
    expect(core.isPaused).toBe(true);
    a.act('toggle-pause');
    expect(core.isPaused).toBe(false);
    expect(a.changed).toHaveBeenCalledTimes(2);
    a.act('toggle-debug', true);
    a.act('toggle-login', true);
    expect(values).toMatchObject({ debugLogs: true, launchAtLogin: true });
    a.act('toggle-login');
    expect(values.launchAtLogin).toBe(false);
    a.act('open');
    a.act('quit');
    expect(a.showWindow).toHaveBeenCalledTimes(1);
    expect(a.quit).toHaveBeenCalledTimes(1);
  });

  it('a failing action is logged, not thrown into Electron', () => {
    const { core } = fakeCore();
    core.settings.set.mockImplementation(() => {
      throw new Error('database is locked');
    });
    const a = actions(core);
    expect(() => a.act('toggle-debug', true)).not.toThrow();
    expect(a.log).toHaveBeenCalledWith('[tray] toggle-debug failed: database is locked');
    expect(a.changed).toHaveBeenCalled();
  });

  it('menuTemplate maps the model to Electron menu items', () => {
    const onAction = vi.fn();
    const template = menuTemplate(trayView(input({ debugLogs: true })).menu, onAction);
    expect(template[0]).toEqual({ label: 'Running: 2 accounts ready', enabled: false });
    expect(template[2]).toEqual({ type: 'separator' });
    const debug = template.find((t) => t.label === 'Debug logging')!;
    expect(debug).toMatchObject({ type: 'checkbox', checked: true, enabled: true });
    (debug.click as (menuItem: { checked: boolean }) => void)({ checked: false });
    expect(onAction).toHaveBeenCalledWith('toggle-debug', false);
    (template.find((t) => t.label === 'Quit')!.click as () => void)();
    expect(onAction).toHaveBeenLastCalledWith('quit');
  });
});

describe('tray over a real core', () => {
  let dir: string;
  let core: OrchidsCore;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orchids-tray-electron-'));
    core = new OrchidsCore({ env: {}, config: { dataDir: dir }, port: 0, log: () => {} });
  });
  afterEach(async () => {
    await core.stop(0);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the menu follows pause, settings and the server', async () => {
    expect(trayView(readTrayState(core)).status).toBe('Starting…');
    const url = await core.start();
    const state = () => trayView(readTrayState(core));
    expect(state()).toMatchObject({
      icon: 'trouble',
      status: 'No accounts: Add an Orchids account to start serving requests',
    });
    expect(state().tooltip).toContain(url);
    const a = trayActions({
      core,
      clipboard: { writeText: vi.fn() },
      showWindow: vi.fn(),
      quit: vi.fn(),
      changed: vi.fn(),
    });
    a('toggle-pause');
    expect(state().icon).toBe('paused');
    expect(item(state().menu, 'Resume proxy')).toBeDefined();
    a('toggle-debug', true);
    expect(core.settings.get('debugLogs')).toBe(true);
    expect(item(state().menu, 'Debug logging')).toMatchObject({ checked: true });
  });
});
