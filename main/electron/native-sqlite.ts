/**
 * Where the desktop app finds better-sqlite3's native addon built for Electron's ABI. node_modules keeps the
 * Node 20 build that the CLI, headless mode and every test load; the Electron build lives apart and is handed to
 * better-sqlite3 through its `nativeBinding` option:
 *
 * - development (`npm start`): `build/electron-sqlite/<platform>-<arch>/better_sqlite3.node`, made once by
 *   `node scripts/rebuild-electron-sqlite.mjs`;
 * - installed app: electron-builder copies that file to `<resources>/native/better_sqlite3.node`, outside the asar.
 *
 * `ORCHIDS_TRAY_SQLITE_BINDING` overrides both (a custom build, a test).
 */
import fs from 'node:fs';
import path from 'node:path';

export const SQLITE_BUILD_DIR = path.join('build', 'electron-sqlite');
export const SQLITE_ADDON = 'better_sqlite3.node';

export interface BindingLocation {
  isPackaged: boolean;
  /** `process.resourcesPath` */
  resourcesPath: string;
  /** `app.getAppPath()`: the project folder in development. */
  appPath: string;
  platform: NodeJS.Platform;
  arch: string;
  env?: NodeJS.ProcessEnv;
  exists?: (file: string) => boolean;
}

export function electronSqliteBinding(where: BindingLocation): { file: string } | { missing: string; hint: string } {
  const exists = where.exists ?? fs.existsSync;
  const override = where.env?.ORCHIDS_TRAY_SQLITE_BINDING?.trim();
  const file = override
    ? path.resolve(override)
    : where.isPackaged
      ? path.join(where.resourcesPath, 'native', SQLITE_ADDON)
      : path.join(where.appPath, SQLITE_BUILD_DIR, `${where.platform}-${where.arch}`, SQLITE_ADDON);
  if (exists(file)) return { file };
  const hint = override
    ? 'ORCHIDS_TRAY_SQLITE_BINDING points at a file that does not exist.'
    : where.isPackaged
      ? 'This installation is incomplete; reinstall Orchids Tray.'
      : 'Run `node scripts/rebuild-electron-sqlite.mjs` (needs internet once), ' +
        'or use `npm start`, which does it for you.';
  return { missing: file, hint };
}
