/**
 * The CLI commands the app prints for another terminal (cli-command.ts): prefixed with its data folder when that is
 * not the default one, in the syntax of the platform's default shell, quoted so a pasted line reaches that folder.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { unavailableCommands } from '../../main/core/proxy/unavailable';
import {
  cliCommand,
  cliCommandFor,
  dataDirStatement,
  powerShellWord,
  shellWord,
} from '../../main/core/util/cli-command';
import { defaultDataDir } from '../../main/core/util/paths';

const COMMAND = 'npm run cli -- dashboard';

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
    expect(cliCommandFor('C:\\Temp\\demo', cliCommand('dashboard', 'win32'), env, 'win32')).toBe(
      `$env:ORCHIDS_TRAY_DATA_DIR='C:\\Temp\\demo'; npm run cli "--" dashboard`,
    );
  });
});

describe("the 503/424 refusals' commands (unavailable.ts)", () => {
  it('quote the -- on Windows, after the folder prefix', () => {
    const env = { APPDATA: 'C:\\Users\\u\\AppData\\Roaming' };
    const commands = unavailableCommands('C:\\Temp\\demo', env, 'win32');
    const prefix = "$env:ORCHIDS_TRAY_DATA_DIR='C:\\Temp\\demo'; ";
    expect(commands.addAccount).toBe(
      `${prefix}npm run cli "--" accounts add --cookie-file <file holding the __client cookie>`,
    );
    expect(commands.enableAccount).toBe(`${prefix}npm run cli "--" accounts enable <id>`);
    expect(commands.resumeProxy).toBe(`${prefix}npm run cli "--" proxy resume`);
  });

  it('keep the bare -- on POSIX', () => {
    const env = { XDG_CONFIG_HOME: '/home/u/.config' };
    expect(unavailableCommands(defaultDataDir('linux', env), env, 'linux')).toEqual({
      addAccount: 'npm run cli -- accounts add --cookie-file <file holding the __client cookie>',
      enableAccount: 'npm run cli -- accounts enable <id>',
      resumeProxy: 'npm run cli -- proxy resume',
    });
  });
});

describe('cliCommandFor on POSIX', () => {
  const env = { XDG_CONFIG_HOME: '/home/u/.config' };

  it('prints the bare command for the default folder', () => {
    expect(cliCommandFor(defaultDataDir('linux', env), COMMAND, env, 'linux')).toBe(COMMAND);
  });

  it('prefixes another folder as a shell assignment, quoting a space and a single quote', () => {
    expect(cliCommandFor('/tmp/demo', COMMAND, env, 'linux')).toBe(`ORCHIDS_TRAY_DATA_DIR=/tmp/demo ${COMMAND}`);
    expect(cliCommandFor("/tmp/Bob's data", COMMAND, env, 'linux')).toBe(
      `ORCHIDS_TRAY_DATA_DIR='/tmp/Bob'\\''s data' ${COMMAND}`,
    );
  });

  it('is read back by a shell as the folder itself', () => {
    const folder = "/tmp/Bob's data $HOME `x`";
    expect(execFileSync('sh', ['-c', `printf %s ${shellWord(folder)}`], { encoding: 'utf8' })).toBe(folder);
  });
});

describe('cliCommandFor on Windows', () => {
  const env = { APPDATA: 'C:\\Users\\u\\AppData\\Roaming' };

  it('prints the bare command for the default folder, whatever the case of its letters', () => {
    expect(cliCommandFor('c:\\users\\u\\appdata\\roaming\\orchids tray', COMMAND, env, 'win32')).toBe(COMMAND);
  });

  it("prefixes another folder in PowerShell's syntax, quoting a space and a single quote", () => {
    expect(cliCommandFor('C:\\Temp\\demo', COMMAND, env, 'win32')).toBe(
      `$env:ORCHIDS_TRAY_DATA_DIR='C:\\Temp\\demo'; ${COMMAND}`,
    );
    expect(cliCommandFor("C:\\Users\\Bob's files\\Orchids data", COMMAND, env, 'win32')).toBe(
      `$env:ORCHIDS_TRAY_DATA_DIR='C:\\Users\\Bob''s files\\Orchids data'; ${COMMAND}`,
    );
  });

  it('doubles the curly single quotes PowerShell also takes as quotes', () => {
    expect(powerShellWord('C:\\a’b')).toBe("'C:\\a’’b'");
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
