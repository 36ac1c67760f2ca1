/**
 * What the command line says to a newcomer, and where it looks, when the commands are typed the way the README gives
 * them: `npm run …` in any folder. npm runs this package's scripts in the project's root and names the folder they
 * were typed in as INIT_CWD (the variables below are the ones npm sets), so a relative ORCHIDS_TRAY_DATA_DIR must be
 * read from that folder by the app and the CLI alike (scripts/typed-in.mjs), or the CLI misses the app.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli';
import { CLI_ADD_ACCOUNT } from '../../main/core/accounts/cookie-parser';
import { buildEntryPoints, ROOT, startProcess, type Running } from '../helpers/processes';
import { tempDir } from '../helpers/temp-dir';

let app: Running | undefined;
afterEach(async () => {
  if (app && app.child.exitCode === null && app.child.signalCode === null) {
    app.child.kill('SIGTERM');
    await app.exited;
  }
  app = undefined;
});

/** The variables npm sets for `npm run <script>` typed in `folder`. */
const npmRun = (script: string, folder: string): NodeJS.ProcessEnv => ({
  npm_lifecycle_event: script,
  npm_package_name: 'orchids-tray',
  INIT_CWD: folder,
});

describe('no accounts', () => {
  it('`accounts list` says how to add one in the words the app’s start line and the 424 answer use', async () => {
    const listed = await cli({ ORCHIDS_TRAY_DATA_DIR: tempDir() }, 'accounts', 'list');
    expect(listed.code).toBe(0);
    expect(listed.out).toBe(`No accounts yet. Add one with: ${CLI_ADD_ACCOUNT}`);
  });
});

describe('a relative ORCHIDS_TRAY_DATA_DIR under npm run', () => {
  beforeAll(buildEntryPoints);

  it('is read from the folder `npm run headless` was typed in; `npm run cli` typed there finds the app', async () => {
    const here = tempDir();
    // start.mjs builds first, through the npm that ran it: a stand-in npm that does nothing (as cli-app.test.ts).
    const noBuild = path.join(tempDir(), 'npm-cli.js');
    fs.writeFileSync(noBuild, '');
    const registry = { XDG_RUNTIME_DIR: tempDir() };
    app = startProcess(
      'scripts/start.mjs',
      {
        ...npmRun('headless', here),
        ...registry,
        npm_execpath: noBuild,
        ORCHIDS_TRAY_DATA_DIR: 'try-data',
        ORCHIDS_TRAY_PORT: '0',
      },
      ['--headless'],
    );
    const [, dataDir] = await app.waitFor(/^Data: (.+)$/m, 30_000);
    const [, url] = /^Proxy: (\S+)$/m.exec(app.output())!;
    expect(dataDir).toBe(path.join(here, 'try-data'));
    expect(fs.existsSync(path.join(ROOT, 'try-data'))).toBe(false);

    const status = await cli({ ...npmRun('cli', here), ...registry, ORCHIDS_TRAY_DATA_DIR: 'try-data' }, 'proxy');
    expect(status.notes).toEqual([]);
    expect(status.out).toContain(`Proxy: ${url}`);
    expect(status.code).toBe(0);
  }, 60_000);

  it('is left as given for another package’s script, whose INIT_CWD is no folder of this one', async () => {
    const here = tempDir();
    const listed = await cli(
      {
        ...npmRun('cli', here),
        npm_package_name: 'someone-else',
        ORCHIDS_TRAY_DATA_DIR: path.relative(ROOT, tempDir()),
      },
      'accounts',
      'list',
    );
    expect(listed.code).toBe(0);
    expect(fs.readdirSync(here)).toEqual([]);
  });
});
