/**
 * The CLI's help on Windows says how to pass its flags from PowerShell, where the npm.ps1 shim of some npm versions
 * drops a bare `--` and npm then takes the flags after it (`--follow`, `--json`, `--cookie-file`) for its own: the
 * quoted form, which every shim and cmd.exe pass on. Elsewhere the help has no such line.
 */
import { describe, expect, it } from 'vitest';
import { GROUPS, helpPointer, usage } from '../../main/cli-help';

const WINDOWS_NOTE = /PowerShell[^]*npm run cli "--" logs --follow/;

describe('cli help on Windows', () => {
  it('gives the quoted "--" form, in the whole help and in each group\'s', () => {
    expect(usage({}, undefined, 'win32')).toMatch(WINDOWS_NOTE);
    expect(usage({}, 'logs', 'win32')).toMatch(WINDOWS_NOTE);
    expect(usage({}, 'accounts', 'win32')).toMatch(WINDOWS_NOTE);
  });

  it('writes every command in the quoted form, aligned as elsewhere', () => {
    for (const group of [undefined, ...GROUPS]) {
      const help = usage({}, group, 'win32');
      expect(help).not.toContain('npm run cli -- ');
      const lines = help.split('\n');
      const commands = lines.filter((line) => line.includes('npm run cli'));
      expect(commands.length).toBeGreaterThan(1);
      for (const line of commands) expect(line).toContain('npm run cli "--" ');
      // A line that goes on explaining starts where the words it continues start, as on Linux (two columns more).
      const indented = (text: string[]) => text.filter((line) => line.startsWith('  '));
      const linux = indented(usage({}, group, 'linux').split('\n'));
      const unquoted = indented(lines).map((line) =>
        line.replace('npm run cli "--"', 'npm run cli --').replace(/^ {56}/, ' '.repeat(54)),
      );
      expect(unquoted).toEqual(linux);
    }
  });

  it('points at the help in the quoted form after a mistake', () => {
    expect(helpPointer(['logs', '--nope'], 'win32')).toBe(
      'Run `npm run cli "--" logs --help` for its commands and options.',
    );
    expect(helpPointer(['nope'], 'win32')).toBe('Run `npm run cli "--" --help` for the commands.');
    expect(helpPointer(['logs', '--nope'], 'linux')).toBe(
      'Run `npm run cli -- logs --help` for its commands and options.',
    );
  });

  it('says nothing of PowerShell elsewhere', () => {
    for (const platform of ['linux', 'darwin'] as const) {
      expect(usage({}, undefined, platform)).not.toContain('PowerShell');
      expect(usage({}, 'logs', platform)).not.toContain('PowerShell');
    }
  });
});
