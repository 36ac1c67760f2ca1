import path from 'node:path';
import { cliCommand as cliCommandOn } from '../../../contract/cli-command';
import { defaultDataDir } from './paths';

/** A word a POSIX shell reads back as it is. */
export const shellWord = (text: string): string =>
  /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;

/**
 * A PowerShell single-quoted string: nothing in it is expanded, and a quote is doubled. PowerShell takes the curly
 * single quotes (‘ ’ ‚ ‛) as quotes too, so they are doubled as well.
 */
export const powerShellWord = (text: string): string => `'${text.replaceAll(/['‘’‚‛]/g, (quote) => quote + quote)}'`;

/**
 * A CLI command (`npm run cli -- dashboard`) as the app prints it for another terminal: prefixed with the app's
 * ORCHIDS_TRAY_DATA_DIR when that is not the default folder, since a terminal without it opens the default folder
 * and misses this app (`npm run demo`'s temporary folder, a try-out's own one).
 *
 * DECISION: on Windows the prefix is PowerShell's (`$env:ORCHIDS_TRAY_DATA_DIR='C:\…'; npm run cli "--" …`), its
 * default terminal; the POSIX `X=… command` form is an error there, and cmd's `set X=…` form would be one in
 * PowerShell. Unlike the POSIX form, it stays set in that terminal for the commands after it, which is what the
 * person wants there too.
 */
export function cliCommandFor(
  dataDir: string,
  command: string,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  const windows = platform === 'win32';
  // Resolved by the platform's own rules (a Windows path tested elsewhere too); Windows folder names ignore case.
  const resolve = (dir: string) => (windows ? path.win32.resolve(dir).toLowerCase() : path.posix.resolve(dir));
  if (resolve(dataDir) === resolve(defaultDataDir(platform, env))) return command;
  if (windows) return `$env:ORCHIDS_TRAY_DATA_DIR=${powerShellWord(dataDir)}; ${command}`;
  return `ORCHIDS_TRAY_DATA_DIR=${shellWord(dataDir)} ${command}`;
}

/**
 * A line that points this terminal at the folder for every command after it, in the platform's default shell: for a
 * person about to type several (the CLI's note about an app running on another folder). POSIX `export`, not `set`,
 * which in a POSIX shell sets the positional parameters and leaves the variable alone.
 */
export function dataDirStatement(dataDir: string, platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32'
    ? `$env:ORCHIDS_TRAY_DATA_DIR=${powerShellWord(dataDir)}`
    : `export ORCHIDS_TRAY_DATA_DIR=${shellWord(dataDir)}`;
}

/**
 * A CLI command as the app prints it, for the platform it runs on (contract/cli-command.ts): `cliCommand('dashboard')`
 * is `npm run cli -- dashboard`, and `npm run cli "--" dashboard` on Windows.
 */
export const cliCommand = (args: string, platform: NodeJS.Platform = process.platform): string =>
  cliCommandOn(args, platform);
