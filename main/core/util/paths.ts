import fs from 'node:fs';
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

/** No access for the group or other users. */
const PRIVATE_BITS = 0o077;

/**
 * Creates the data folder 0700 if missing, and `privateFiles` in it empty with 0600 when missing, before anyone
 * else creates them: SQLite gives its -wal and -shm files the database file's mode, and would otherwise create the
 * database 0644. Changes nothing that exists (secureDataDir does, at start).
 */
export function prepareDataDir(dir: string, privateFiles: readonly string[] = []): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const name of privateFiles) fs.closeSync(fs.openSync(path.join(dir, name), 'a', 0o600));
}

/**
 * Makes the data folder private to this user, on POSIX: the folder itself 0700, and every folder and file in it
 * stripped of group and other permissions (a database file 0644 becomes 0600). An install from before this rule
 * (a 0755 folder, 0644 databases) is tightened at start. Returns how many entries it changed. On Windows the
 * folder sits in the user's profile, whose inherited ACL already gives only the user, SYSTEM and Administrators
 * access; nothing is changed there.
 */
export function secureDataDir(dir: string, options: { platform?: NodeJS.Platform } = {}): number {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if ((options.platform ?? process.platform) === 'win32') return 0;
  let changed = 0;
  const tighten = (target: string, mode: number, wanted: number): void => {
    if ((mode & 0o777) === wanted) return;
    fs.chmodSync(target, wanted);
    changed += 1;
  };
  tighten(dir, fs.statSync(dir).mode, 0o700);
  const walk = (folder: string): void => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      const target = path.join(folder, entry.name);
      if (entry.isSymbolicLink()) continue; // its target is not ours to change
      let mode: number;
      try {
        mode = fs.lstatSync(target).mode;
      } catch {
        continue; // removed meanwhile
      }
      tighten(target, mode, mode & 0o777 & ~PRIVATE_BITS);
      if (entry.isDirectory()) walk(target);
    }
  };
  walk(dir);
  return changed;
}
