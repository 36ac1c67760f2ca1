// `npm run demo`'s line naming its data folder, with a CLI command that reaches the demo's app from another terminal.
// The launch scripts run unbuilt, so the quoting is main/core/util/cli-command.ts's rule again, in plain JS;
// test/unit/demo-words.test.ts holds the two to the same answers.

/** A word a POSIX shell reads back as it is (cli-command.ts's shellWord). */
const shellWord = (text) => (/^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`);

/** A PowerShell single-quoted string, its quotes (curly ones too) doubled (cli-command.ts's powerShellWord). */
const powerShellWord = (text) => `'${text.replaceAll(/['‘’‚‛]/g, (quote) => quote + quote)}'`;

/** A CLI command as the app writes it (contract/cli-command.ts): `"--"` quoted on Windows, for an old npm.ps1. */
const cliCommand = (args, platform) => `npm run cli ${platform === 'win32' ? '"--"' : '--'} ${args}`;

/** The demo's folder is never the default one, so its commands always carry it: POSIX, or PowerShell on Windows. */
function cliCommandFor(dataDir, command, platform) {
  return platform === 'win32'
    ? `$env:ORCHIDS_TRAY_DATA_DIR=${powerShellWord(dataDir)}; ${command}`
    : `ORCHIDS_TRAY_DATA_DIR=${shellWord(dataDir)} ${command}`;
}

/** "Demo: the simulator's control API … is at <url>; the CLI reaches this app as <command> (…)." */
export function demoFolderLine(controlUrl, dataDir, platform = process.platform) {
  return (
    `Demo: the simulator's control API (test/sim/control.ts) is at ${controlUrl}; the CLI reaches this app as ` +
    `${cliCommandFor(dataDir, cliCommand('accounts list', platform), platform)} ` +
    '(its folder is removed when the demo stops).'
  );
}
