/**
 * How the app writes a CLI command for a person to paste into a terminal on the machine it runs on: the one rule for
 * the main process and the window alike (the window reads the app's platform from its status; until the first status
 * arrives it has none, and the POSIX form is the guess).
 *
 * DECISION: on Windows the `--` is quoted (`npm run cli "--" logs --json`). npm's PowerShell shim (npm.ps1) before npm
 * 11.4.0 and 10.9.3 lets PowerShell drop a bare `--` (npm/cli#3136, #4903, #7375; fixed by #8278 and #8343), and npm
 * then takes the flags after it (`--json`, `--cookie-file`, `--help`) for its own. A quoted one reaches npm through an
 * old shim, a fixed one and cmd.exe alike (README's "Command line", the CLI's help). Elsewhere no shell drops it, and
 * the bare form stays byte for byte what it was.
 */
export function cliCommand(args: string, platform: string | undefined): string {
  return `npm run cli ${platform === 'win32' ? '"--"' : '--'} ${args}`;
}
