/**
 * `npm run demo`'s line naming its data folder (scripts/demo-words.mjs): the command it shows pastes into the
 * platform's default shell as the app's own printed commands do (cli-command.ts), a folder with a space or a quote
 * included (a Windows user name with a space puts one in the temp folder's path).
 */
import { describe, expect, it } from 'vitest';
import { cliCommand, printedCommand } from '../../main/core/util/cli-command';
import { demoFolderLine } from '../../scripts/demo-words.mjs';

const CONTROL = 'http://127.0.0.1:40001';

describe("npm run demo's data folder line", () => {
  it.each([
    { platform: 'linux', dataDir: '/tmp/orchids-tray-demo-a1B2c3' },
    { platform: 'linux', dataDir: "/tmp/Bob's demo folder/orchids-tray-demo-a1B2c3" },
    { platform: 'darwin', dataDir: '/var/folders/x y/T/orchids-tray-demo-a1B2c3' },
    { platform: 'win32', dataDir: 'C:\\Users\\Bob Smith\\AppData\\Local\\Temp\\orchids-tray-demo-a1B2c3' },
    { platform: 'win32', dataDir: "C:\\Users\\O'Neil\\AppData\\Local\\Temp\\orchids-tray-demo-a1B2c3" },
  ] as const)('quotes $dataDir as the app does on $platform', ({ platform, dataDir }) => {
    const line = demoFolderLine(CONTROL, dataDir, platform);
    // The command as the app writes it there too: `"--"` on Windows (contract/cli-command.ts).
    const command = cliCommand('accounts list', platform);
    const printed = printedCommand({ dataDir, env: {}, platform }, 'accounts list');
    expect(line).toBe(
      `Demo: the simulator's control API (test/sim/control.ts) is at ${CONTROL}; the CLI reaches this app as ` +
        `${printed} (its folder is removed when the demo stops).`,
    );
    expect(printed).not.toBe(command);
  });
});
