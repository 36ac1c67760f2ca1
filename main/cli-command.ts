import path from 'node:path';
import { defaultDataDir } from './core/util/paths';

/** A word a POSIX shell reads back as it is. */
export const shellWord = (text: string): string =>
  /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;

/**
 * A CLI command (`npm run cli -- dashboard`) as the app prints it for another terminal: prefixed with the app's
 * ORCHIDS_TRAY_DATA_DIR when that is not the default folder, since a terminal without it opens the default folder
 * and misses this app (`npm run demo`'s temporary folder, a try-out's own one).
 */
export function cliCommandFor(dataDir: string, command: string, env: NodeJS.ProcessEnv = process.env): string {
  if (path.resolve(dataDir) === path.resolve(defaultDataDir(process.platform, env))) return command;
  return `ORCHIDS_TRAY_DATA_DIR=${shellWord(dataDir)} ${command}`;
}
