import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHandlers } from '../../main/core/control/control-service';
import { OrchidsCore } from '../../main/core/core';
import { printedCommand } from '../../main/core/util/cli-command';
import { defaultDataDir } from '../../main/core/util/paths';

/**
 * The window writes its CLI commands from the status (useCliCommand: `<cliInvocation> dashboard`), so the status
 * carries the words the terminal's lines start with: the data folder named when it is not the default one.
 */
describe("the status's CLI invocation", () => {
  const cores: OrchidsCore[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const core of cores.splice(0)) await core.stop(0);
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function statusOn(dataDir: string, env: Record<string, string>) {
    const core = new OrchidsCore({ env, config: { dataDir }, port: 0, log: () => {} });
    cores.push(core);
    return createHandlers(core)['proxy:status'](undefined);
  }

  const tempDir = (): string => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orchids-tray-invocation-'));
    dirs.push(dir);
    return dir;
  };

  it('names a folder of its own, as the terminal prints it', async () => {
    const dataDir = tempDir();
    const status = await statusOn(dataDir, {});
    expect(`${status.cliInvocation} dashboard`).toBe(printedCommand({ dataDir, env: {} }, 'dashboard'));
    if (process.platform !== 'win32') {
      expect(status.cliInvocation).toBe(`ORCHIDS_TRAY_DATA_DIR=${dataDir} npm run cli --`);
    }
  });

  // On macOS the default folder is under the real home, which a test does not write to.
  it.skipIf(process.platform === 'darwin')(
    "is the bare command on the default folder (the app's environment)",
    async () => {
      const home = tempDir();
      // The default folder under this XDG_CONFIG_HOME / APPDATA: the app runs on it, so nothing needs naming.
      const env = { XDG_CONFIG_HOME: home, APPDATA: home };
      const dataDir = defaultDataDir(process.platform, env);
      const status = await statusOn(dataDir, env);
      expect(status.cliInvocation).toBe(process.platform === 'win32' ? 'npm run cli "--"' : 'npm run cli --');
    },
  );
});
