/**
 * The CLI's help on Windows says how to pass its flags from PowerShell, where the npm.ps1 shim of some npm versions
 * drops a bare `--` and npm then takes the flags after it (`--follow`, `--json`, `--cookie-file`) for its own: the
 * quoted form, which every shim and cmd.exe pass on. Elsewhere the help has no such line.
 */
import { describe, expect, it } from 'vitest';
import { usage } from '../../main/cli-help';

const WINDOWS_NOTE = /PowerShell[^]*npm run cli "--" logs --follow/;

describe('cli help on Windows', () => {
  it('gives the quoted "--" form, in the whole help and in each group\'s', () => {
    expect(usage({}, undefined, 'win32')).toMatch(WINDOWS_NOTE);
    expect(usage({}, 'logs', 'win32')).toMatch(WINDOWS_NOTE);
    expect(usage({}, 'accounts', 'win32')).toMatch(WINDOWS_NOTE);
  });

  it('says nothing of PowerShell elsewhere', () => {
    for (const platform of ['linux', 'darwin'] as const) {
      expect(usage({}, undefined, platform)).not.toContain('PowerShell');
      expect(usage({}, 'logs', platform)).not.toContain('PowerShell');
    }
  });
});
