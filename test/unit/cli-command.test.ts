/**
 * The CLI commands the app prints for another terminal (cli-command.ts): prefixed with its data folder when that is
 * not the default one, in the syntax of the platform's default shell, quoted so a pasted line reaches that folder.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { unavailableCommands } from '../../main/core/proxy/unavailable';
import { hostUndoHint } from '../../main/core/compose';
import {
  cliCommand,
  cliInvocation,
  dataDirStatement,
  powerShellWord,
  printedCommand,
  shellWord,
  unsetStatement,
} from '../../main/core/util/cli-command';
import { defaultDataDir } from '../../main/core/util/paths';

const COMMAND = 'npm run cli -- dashboard';
const WINDOWS_COMMAND = 'npm run cli "--" dashboard';

describe('cliCommand: the command as written for the platform the app runs on', () => {
  it('is the bare -- form on POSIX, as it always was', () => {
    expect(cliCommand('dashboard', 'linux')).toBe('npm run cli -- dashboard');
    expect(cliCommand('logs --json', 'darwin')).toBe('npm run cli -- logs --json');
  });

  it('quotes the -- on Windows, which an old npm.ps1 shim would let PowerShell drop', () => {
    expect(cliCommand('dashboard', 'win32')).toBe('npm run cli "--" dashboard');
    expect(cliCommand('logs --json', 'win32')).toBe('npm run cli "--" logs --json');
  });

  it('is the form a data folder prefix goes in front of', () => {
    const env = { APPDATA: 'C:\\Users\\u\\AppData\\Roaming' };
    expect(printedCommand({ dataDir: 'C:\\Temp\\demo', env, platform: 'win32' }, 'dashboard')).toBe(
      `$env:ORCHIDS_TRAY_DATA_DIR='C:\\Temp\\demo'; npm run cli "--" dashboard`,
    );
  });
});

describe("the 503/424 refusals' commands (unavailable.ts)", () => {
  it('quote the -- on Windows, after the folder prefix', () => {
    const env = { APPDATA: 'C:\\Users\\u\\AppData\\Roaming' };
    const commands = unavailableCommands({ dataDir: 'C:\\Temp\\demo', env, platform: 'win32' });
    const prefix = "$env:ORCHIDS_TRAY_DATA_DIR='C:\\Temp\\demo'; ";
    expect(commands.addAccount).toBe(
      `${prefix}npm run cli "--" accounts add --cookie-file <file holding the __client cookie>`,
    );
    expect(commands.enableAccount).toBe(`${prefix}npm run cli "--" accounts enable <id>`);
    expect(commands.resumeProxy).toBe(`${prefix}npm run cli "--" proxy resume`);
  });

  it('keep the bare -- on POSIX', () => {
    const env = { XDG_CONFIG_HOME: '/home/u/.config' };
    expect(unavailableCommands({ dataDir: defaultDataDir('linux', env), env, platform: 'linux' })).toEqual({
      addAccount: 'npm run cli -- accounts add --cookie-file <file holding the __client cookie>',
      enableAccount: 'npm run cli -- accounts enable <id>',
      resumeProxy: 'npm run cli -- proxy resume',
    });
  });
});

describe('printedCommand on POSIX: one call, folder and platform together', () => {
  const env = { XDG_CONFIG_HOME: '/home/u/.config' };
  const on = (dataDir: string) => ({ dataDir, env, platform: 'linux' as const });

  it('prints the bare command for the default folder', () => {
    expect(printedCommand(on(defaultDataDir('linux', env)), 'dashboard')).toBe(COMMAND);
  });

  it('prefixes another folder as a shell assignment, quoting a space and a single quote', () => {
    expect(printedCommand(on('/tmp/demo'), 'dashboard')).toBe(`ORCHIDS_TRAY_DATA_DIR=/tmp/demo ${COMMAND}`);
    expect(printedCommand(on("/tmp/Bob's data"), 'dashboard')).toBe(
      `ORCHIDS_TRAY_DATA_DIR='/tmp/Bob'\\''s data' ${COMMAND}`,
    );
  });

  it('is read back by a shell as the folder itself', () => {
    const folder = "/tmp/Bob's data $HOME `x`";
    expect(execFileSync('sh', ['-c', `printf %s ${shellWord(folder)}`], { encoding: 'utf8' })).toBe(folder);
  });

  it('is the invocation the window adds its words to (ProxyStatus.cliInvocation), and nothing else', () => {
    expect(cliInvocation(on(defaultDataDir('linux', env)))).toBe('npm run cli --');
    expect(cliInvocation(on('/tmp/demo'))).toBe('ORCHIDS_TRAY_DATA_DIR=/tmp/demo npm run cli --');
    expect(`${cliInvocation(on('/tmp/demo'))} logs --json`).toBe(printedCommand(on('/tmp/demo'), 'logs --json'));
  });
});

describe('printedCommand on Windows', () => {
  const env = { APPDATA: 'C:\\Users\\u\\AppData\\Roaming' };
  const on = (dataDir: string) => ({ dataDir, env, platform: 'win32' as const });

  it('prints the bare command for the default folder, whatever the case of its letters', () => {
    expect(printedCommand(on('c:\\users\\u\\appdata\\roaming\\orchids tray'), 'dashboard')).toBe(WINDOWS_COMMAND);
  });

  it("prefixes another folder in PowerShell's syntax, quoting a space and a single quote", () => {
    expect(printedCommand(on('C:\\Temp\\demo'), 'dashboard')).toBe(
      `$env:ORCHIDS_TRAY_DATA_DIR='C:\\Temp\\demo'; ${WINDOWS_COMMAND}`,
    );
    expect(printedCommand(on("C:\\Users\\Bob's files\\Orchids data"), 'dashboard')).toBe(
      `$env:ORCHIDS_TRAY_DATA_DIR='C:\\Users\\Bob''s files\\Orchids data'; ${WINDOWS_COMMAND}`,
    );
  });

  it('doubles the curly single quotes PowerShell also takes as quotes', () => {
    expect(powerShellWord('C:\\a’b')).toBe("'C:\\a’’b'");
  });
});

describe("the bad host setting's repair hint (compose.ts), in the platform's shell", () => {
  const place = (platform: NodeJS.Platform) =>
    platform === 'win32'
      ? { dataDir: 'C:\\Temp\\demo', env: { APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, platform }
      : { dataDir: '/tmp/demo', env: { XDG_CONFIG_HOME: '/home/u/.config' }, platform };

  it('unsets the variable on POSIX, as it always said', () => {
    expect(unsetStatement('ORCHIDS_TRAY_HOST', 'linux')).toBe('unset ORCHIDS_TRAY_HOST');
    expect(hostUndoHint('environment', place('linux'))).toBe('unset ORCHIDS_TRAY_HOST');
  });

  it("removes it with PowerShell's Remove-Item on Windows, where `unset` is no command", () => {
    expect(unsetStatement('ORCHIDS_TRAY_HOST', 'win32')).toBe('Remove-Item Env:ORCHIDS_TRAY_HOST');
    expect(hostUndoHint('environment', place('win32'))).toBe('run: Remove-Item Env:ORCHIDS_TRAY_HOST');
  });

  it("resets a saved host with the CLI on the app's own folder", () => {
    expect(hostUndoHint('database', place('linux'))).toBe(
      'run: ORCHIDS_TRAY_DATA_DIR=/tmp/demo npm run cli -- settings reset host',
    );
    expect(hostUndoHint('database', place('win32'))).toBe(
      `run: $env:ORCHIDS_TRAY_DATA_DIR='C:\\Temp\\demo'; npm run cli "--" settings reset host`,
    );
    expect(hostUndoHint('default', place('linux'))).toBeUndefined();
  });
});

describe('dataDirStatement: a line that points this terminal at a folder until it closes', () => {
  it('is an export in a POSIX shell, read back as the folder', () => {
    const folder = "/tmp/Bob's data";
    expect(dataDirStatement(folder, 'linux')).toBe(`export ORCHIDS_TRAY_DATA_DIR='/tmp/Bob'\\''s data'`);
    const script = `${dataDirStatement(folder, 'linux')}; printf %s "$ORCHIDS_TRAY_DATA_DIR"`;
    expect(execFileSync('sh', ['-c', script], { encoding: 'utf8' })).toBe(folder);
  });

  it("is PowerShell's $env: assignment on Windows", () => {
    expect(dataDirStatement("C:\\Users\\Bob's PC\\tray", 'win32')).toBe(
      "$env:ORCHIDS_TRAY_DATA_DIR='C:\\Users\\Bob''s PC\\tray'",
    );
  });
});
