/**
 * `npm run cli -- accounts add --cookie-file cookie.txt`, typed in a folder other than the project's root: npm runs
 * the script in the project's root, so a relative path must be read from the folder it was typed in (npm's INIT_CWD),
 * as any other command's would be. A file that is not there is named by the full path looked at.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OrchidsSimulator } from '../sim/orchids-simulator';
import { buildEntryPoints, ROOT, runBuiltCli } from '../helpers/processes';
import { simEnv } from '../helpers/sim-env';
import { tempDir } from '../helpers/temp-dir';

let sim: OrchidsSimulator | undefined;
beforeAll(buildEntryPoints);
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

/** `npm --prefix <root> run -s cli -- …` with `cwd` as the folder it is typed in: what a person's terminal runs. */
async function npmCli(cwd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string }> {
  return promisify(execFile)('npm', ['--prefix', ROOT, 'run', '-s', 'cli', '--', ...args], {
    cwd,
    env: { ...process.env, ...env },
  }).then(
    ({ stdout, stderr }) => ({ code: 0, out: stdout + stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({
      code: error.code,
      out: error.stdout + error.stderr,
    }),
  );
}

describe('npm run cli -- accounts add --cookie-file with a relative path', () => {
  it('reads the file from the folder the command was typed in, not the project root', async () => {
    sim = await OrchidsSimulator.start();
    const user = sim.addUser();
    const here = tempDir();
    fs.writeFileSync(path.join(here, 'cookie.txt'), user.clientCookie);
    const dataDir = tempDir();
    const { code, out } = await npmCli(here, ['accounts', 'add', '--cookie-file', 'cookie.txt'], {
      ORCHIDS_TRAY_DATA_DIR: dataDir,
      ...simEnv(sim),
    });
    expect(out).toContain(`Added account 1: ${user.email}`);
    expect(code).toBe(0);
    const listed = await runBuiltCli(['accounts', 'list', '--json'], { ORCHIDS_TRAY_DATA_DIR: dataDir });
    expect((JSON.parse(listed.stdout) as { email: string }[]).map((a) => a.email)).toEqual([user.email]);
  }, 60_000);

  it('a missing file is named by the full path that was looked at', async () => {
    const here = tempDir();
    const { code, out } = await npmCli(here, ['accounts', 'add', '--cookie-file', 'nope.txt'], {
      ORCHIDS_TRAY_DATA_DIR: tempDir(),
    });
    expect(out).toContain(
      `Cannot read the cookie file nope.txt (${path.join(here, 'nope.txt')}): there is no such file.`,
    );
    expect(code).toBe(1);
  }, 60_000);
});
