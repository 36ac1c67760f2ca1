/**
 * The CLI commands the app prints for another terminal (cli-command.ts): prefixed with its data folder when that is
 * not the default one, in the syntax of the platform's default shell, quoted so a pasted line reaches that folder.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cliCommandFor, dataDirStatement, powerShellWord, shellWord } from '../../main/core/util/cli-command';
import { defaultDataDir } from '../../main/core/util/paths';

const COMMAND = 'npm run cli -- dashboard';

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
