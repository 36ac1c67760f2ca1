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
 * Where a command the app prints will be typed: a terminal on the app's machine (`platform`), which must reach the
 * app's data folder (`dataDir`); `env` is where the default folder is read from (ORCHIDS_TRAY_DATA_DIR aside).
 */
export interface CommandPlace {
  dataDir: string;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
}

/**
 * How a terminal on the app's machine runs the CLI against this app, the words of a command left to add:
 * `npm run cli --` (`"--"` on Windows, contract/cli-command.ts), prefixed with the app's ORCHIDS_TRAY_DATA_DIR when
 * that is not the default folder, since a terminal without it opens the default folder and misses this app
 * (`npm run demo`'s temporary folder, a try-out's own one). The window adds its words to this, from the status
 * (ProxyStatus.cliInvocation), so its commands are the terminal's to the byte.
 *
 * DECISION: on Windows the prefix is PowerShell's (`$env:ORCHIDS_TRAY_DATA_DIR='C:\…'; npm run cli "--" …`), its
 * default terminal; the POSIX `X=… command` form is an error there, and cmd's `set X=…` form would be one in
 * PowerShell. Unlike the POSIX form, it stays set in that terminal for the commands after it, which is what the
 * person wants there too.
 */
export function cliInvocation({ dataDir, env = process.env, platform = process.platform }: CommandPlace): string {
  const cli = cliCommandOn('', platform).trimEnd();
  const windows = platform === 'win32';
  // Resolved by the platform's own rules (a Windows path tested elsewhere too); Windows folder names ignore case.
  const resolve = (dir: string) => (windows ? path.win32.resolve(dir).toLowerCase() : path.posix.resolve(dir));
  if (resolve(dataDir) === resolve(defaultDataDir(platform, env))) return cli;
  if (windows) return `$env:ORCHIDS_TRAY_DATA_DIR=${powerShellWord(dataDir)}; ${cli}`;
  return `ORCHIDS_TRAY_DATA_DIR=${shellWord(dataDir)} ${cli}`;
}

/**
 * A CLI command as the app prints it for another terminal, the one call every printed line makes:
 * `printedCommand(place, 'dashboard')` is `npm run cli -- dashboard` on the default folder, and
 * `ORCHIDS_TRAY_DATA_DIR=/tmp/demo npm run cli -- dashboard` on another (cliInvocation).
 */
export const printedCommand = (place: CommandPlace, args: string): string => `${cliInvocation(place)} ${args}`;

/**
 * The way to drop an environment variable in the platform's default shell, for a hint that says how to undo one:
 * `unset X` in a POSIX shell; PowerShell's `Remove-Item Env:X` on Windows.
 * DECISION: PowerShell only on Windows, as the data folder prefix (cliInvocation): its default terminal. cmd.exe's
 * `set X=` would set a PowerShell variable there (`set` is Set-Variable), not the environment's, and a hint naming
 * both shells' forms would be longer than the problem.
 */
export function unsetStatement(name: string, platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32' ? `Remove-Item Env:${name}` : `unset ${name}`;
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
