import os from 'node:os';
import path from 'node:path';

export const APP_NAME = 'Orchids Tray';

/**
 * The folder Electron's `app.getPath('userData')` resolves to for this product name. Headless mode, the CLI and the
 * desktop app must share one database, so this mirrors Electron's rule rather than using a generic library such
 * as env-paths, whose folders differ from Electron's (a `-nodejs` suffix, `~/.local/share` on Linux).
 */
export function defaultDataDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home: string = os.homedir(),
): string {
  if (platform === 'win32') {
    return path.win32.join(env.APPDATA || path.win32.join(home, 'AppData', 'Roaming'), APP_NAME);
  }
  if (platform === 'darwin') return path.posix.join(home, 'Library', 'Application Support', APP_NAME);
  return path.posix.join(env.XDG_CONFIG_HOME || path.posix.join(home, '.config'), APP_NAME);
}
