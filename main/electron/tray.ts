/**
 * The tray icon and its menu. The look and the menu come from tray-model.ts; this file owns the Tray object
 * (made by an injected factory, so tests use a fake), applies only what changed, and rate-limits rebuilds:
 * request counts move many times a second under load, and on Linux every `setContextMenu` rebuilds the whole
 * indicator menu over D-Bus.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { OrchidsCore } from '../core/core';
import {
  claudeCodeSetup,
  trayView,
  type TrayAction,
  type TrayIconState,
  type TrayInput,
  type TrayMenuItem,
} from './tray-model';

/** The parts of Electron's Tray this uses. */
export interface TrayLike {
  setImage(image: never): void;
  setToolTip(text: string): void;
  setContextMenu(menu: never): void;
  on(event: 'click', listener: () => void): unknown;
  destroy(): void;
}

export interface TrayPorts<Image, Menu> {
  createTray(image: Image): TrayLike;
  image(state: TrayIconState): Image;
  /** Builds a native menu; `onAction` gets a checkbox's new state as `checked`. */
  menu(items: TrayMenuItem[], onAction: (action: TrayAction, checked?: boolean) => void): Menu;
  state(): TrayInput;
  onAction(action: TrayAction, checked?: boolean): void;
  /** A click on the icon itself (Windows, most Linux hosts); macOS opens the menu instead. */
  onClick?: () => void;
  /** At most one rebuild per this many ms; a change inside the window is applied at its end. */
  minIntervalMs?: number;
}

export class TrayController<Image = unknown, Menu = unknown> {
  private tray: TrayLike | undefined;
  private lastIcon: TrayIconState | undefined;
  private lastTooltip: string | undefined;
  private lastMenu: string | undefined;
  private lastRenderAt = -Infinity;
  private timer: NodeJS.Timeout | undefined;
  private readonly minIntervalMs: number;
  /** Counts native calls, for the tests (and a sanity check that rate limiting works). */
  readonly applied = { image: 0, tooltip: 0, menu: 0 };

  constructor(private readonly ports: TrayPorts<Image, Menu>) {
    this.minIntervalMs = ports.minIntervalMs ?? 1000;
  }

  start(): void {
    if (this.tray) return;
    const view = trayView(this.ports.state());
    this.tray = this.ports.createTray(this.ports.image(view.icon));
    this.lastIcon = view.icon;
    if (this.ports.onClick) this.tray.on('click', this.ports.onClick);
    this.render();
  }

  /**
   * Something changed: rebuild soon, at most once per interval. Never synchronous, because callers include the
   * core's cache listeners, which can run on a request's failure path.
   */
  update(): void {
    if (!this.tray || this.timer) return;
    const wait = Math.max(0, this.lastRenderAt + this.minIntervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.render();
    }, wait);
    this.timer.unref?.();
  }

  /** Rebuild at once (after a menu action, so the checkbox and labels never lag behind the click). */
  render(): void {
    if (!this.tray) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.lastRenderAt = Date.now();
    const view = trayView(this.ports.state());
    if (view.icon !== this.lastIcon) {
      this.tray.setImage(this.ports.image(view.icon) as never);
      this.lastIcon = view.icon;
      this.applied.image += 1;
    }
    if (view.tooltip !== this.lastTooltip) {
      this.tray.setToolTip(view.tooltip);
      this.lastTooltip = view.tooltip;
      this.applied.tooltip += 1;
    }
    const menuKey = JSON.stringify(view.menu);
    if (menuKey !== this.lastMenu) {
      this.tray.setContextMenu(this.ports.menu(view.menu, (action, checked) => this.act(action, checked)) as never);
      this.lastMenu = menuKey;
      this.applied.menu += 1;
    }
  }

  /** A menu click: act, then show the result at once (a click is rare; the rate limit is for the core's stream). */
  private act(action: TrayAction, checked?: boolean): void {
    this.ports.onAction(action, checked);
    // A native checkbox flips itself on click. If the setting did not move (an environment variable pins it),
    // the model is unchanged, so force a rebuild to put the checkmark back where the setting is.
    if (checked !== undefined) this.lastMenu = undefined;
    this.render();
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.tray?.destroy();
    this.tray = undefined;
  }
}

/** The slice of the core's facade the tray reads and drives. */
export interface TrayCore {
  proxy: Pick<OrchidsCore['proxy'], 'status' | 'pause' | 'resume'>;
  settings: Pick<OrchidsCore['settings'], 'get' | 'set'>;
  history: Pick<OrchidsCore['history'], 'stats'>;
  accounts: Pick<OrchidsCore['accounts'], 'list'>;
}

export function readTrayState(core: TrayCore, extra: { startError?: string; secretsNote?: string } = {}): TrayInput {
  const status = core.proxy.status();
  return {
    running: status.running,
    paused: status.paused,
    startError: extra.startError,
    url: status.url,
    todayRequests: core.history.stats().today.requests,
    accounts: core.accounts.list().map((a) => ({
      name: a.name || a.email,
      status: a.status,
      enabled: a.enabled,
      statusUntil: a.statusUntil,
      credits: a.credits,
    })),
    debugLogs: core.settings.get('debugLogs'),
    launchAtLogin: core.settings.get('launchAtLogin'),
    pinnedMismatch: status.pinnedMismatch,
    secretsNote: extra.secretsNote,
  };
}

export interface TrayActionDeps {
  core: TrayCore;
  clipboard: { writeText(text: string): void };
  showWindow(): void;
  quit(): void;
  /** After pause/resume or a failed action: the tray redraws now (the window hears of it from the event stream). */
  changed(): void;
  log?(line: string): void;
  platform?: NodeJS.Platform;
}

/** What each menu item does. Settings go through the core, so the window, the CLI and the tray agree. */
export function trayActions(deps: TrayActionDeps): (action: TrayAction, checked?: boolean) => void {
  const { core } = deps;
  return (action, checked) => {
    try {
      switch (action) {
        case 'open':
          deps.showWindow();
          return;
        case 'copy-url':
          deps.clipboard.writeText(core.proxy.status().url);
          return;
        case 'copy-claude-setup':
          // The one place the full API key leaves the core: into the clipboard, on the user's request.
          deps.clipboard.writeText(
            claudeCodeSetup(core.proxy.status().url, core.settings.get('apiKey'), deps.platform),
          );
          return;
        case 'toggle-pause': {
          const paused = core.proxy.status().paused ? core.proxy.resume().paused : core.proxy.pause().paused;
          deps.log?.(paused ? '[tray] proxy paused' : '[tray] proxy resumed');
          deps.changed();
          return;
        }
        case 'toggle-debug':
          core.settings.set('debugLogs', checked ?? !core.settings.get('debugLogs'));
          return;
        case 'toggle-login':
          core.settings.set('launchAtLogin', checked ?? !core.settings.get('launchAtLogin'));
          return;
        case 'quit':
          deps.quit();
          return;
      }
    } catch (error) {
      // An environment variable pins the setting, or the database is busy: say so rather than throw into Electron.
      deps.log?.(`[tray] ${action} failed: ${(error as Error).message}`);
      deps.changed();
    }
  };
}

/** The tray model's menu as an Electron menu template (Menu.buildFromTemplate takes it as is). */
export function menuTemplate(
  items: TrayMenuItem[],
  onAction: (action: TrayAction, checked?: boolean) => void,
): MenuItemConstructorOptions[] {
  return items.map((item): MenuItemConstructorOptions => {
    switch (item.kind) {
      case 'status':
        return { label: item.label, enabled: false };
      case 'separator':
        return { type: 'separator' };
      case 'action':
        return { label: item.label, enabled: item.enabled, click: () => onAction(item.action) };
      case 'checkbox':
        return {
          label: item.label,
          type: 'checkbox',
          checked: item.checked,
          enabled: item.enabled,
          click: (menuItem) => onAction(item.action, menuItem.checked),
        };
    }
  });
}
