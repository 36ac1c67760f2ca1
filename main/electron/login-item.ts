/**
 * "Launch at login", kept in the `launchAtLogin` setting and applied to the OS whenever the setting changes (from
 * the tray, the window or the CLI) and once at start-up, so the two never drift. macOS and Windows use Electron's
 * login-item API; Electron has none on Linux, where the XDG autostart folder is the standard way.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Passed when the OS starts us at login: stay in the tray instead of opening the window. */
export const HIDDEN_ARG = '--hidden';
export const AUTOSTART_FILE = 'orchids-tray.desktop';

export interface LoginItemDeps {
  platform: NodeJS.Platform;
  isPackaged: boolean;
  setLoginItemSettings(settings: { openAtLogin: boolean; args?: string[] }): void;
  /** `process.execPath`; for an AppImage, `process.env.APPIMAGE` (the execPath is inside a temporary mount). */
  executable: string;
  /** `$XDG_CONFIG_HOME/autostart` (default `~/.config/autostart`). */
  autostartDir?: string;
  log(line: string): void;
}

export function applyLaunchAtLogin(enabled: boolean, deps: LoginItemDeps): 'applied' | 'skipped' {
  if (!deps.isPackaged) {
    // A development run would register the bare Electron binary, which opens Electron's default app at login.
    deps.log(`[login] launch at login ${enabled ? 'on' : 'off'}: stored; it takes effect in the installed app`);
    return 'skipped';
  }
  try {
    if (deps.platform === 'linux') {
      const dir = deps.autostartDir ?? defaultAutostartDir();
      const file = path.join(dir, AUTOSTART_FILE);
      if (enabled) {
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(file, autostartEntry(deps.executable));
      } else {
        fs.rmSync(file, { force: true });
      }
    } else {
      deps.setLoginItemSettings({ openAtLogin: enabled, ...(deps.platform === 'win32' ? { args: [HIDDEN_ARG] } : {}) });
    }
    return 'applied';
  } catch (error) {
    deps.log(`[login] could not ${enabled ? 'enable' : 'disable'} launch at login: ${(error as Error).message}`);
    return 'skipped';
  }
}

export function defaultAutostartDir(env: NodeJS.ProcessEnv = process.env, home: string = os.homedir()): string {
  return path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'autostart');
}

/** An XDG autostart entry (Desktop Entry Specification 1.5) that starts the app in the tray. */
export function autostartEntry(executable: string): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Orchids Tray',
    'Comment=Serves the Anthropic Messages API on 127.0.0.1 from your Orchids accounts',
    `Exec=${execArg(executable)} ${HIDDEN_ARG}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/** Quotes one Exec argument: the spec's quoting rule, then its string escaping (backslashes double again), and %%. */
export function execArg(arg: string): string {
  const quoted = /^[A-Za-z0-9_\-./:=+,@]+$/.test(arg) ? arg : `"${arg.replace(/(["`$\\])/g, '\\$1')}"`;
  return quoted.replace(/\\/g, '\\\\').replace(/%/g, '%%');
}
