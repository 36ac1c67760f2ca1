/**
 * `accounts add` with something that cannot be a `__client` cookie, run as the built CLI a person runs: it is refused
 * with what was expected and where to find it, exit 1, before any connection to Clerk. Offline, the reason is still
 * the paste, not "Clerk cannot be reached".
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OrchidsSimulator } from '../sim/orchids-simulator';
import { buildEntryPoints, freePort, runBuiltCli } from '../helpers/processes';
import { simEnv } from '../helpers/sim-env';
import { tempDir } from '../helpers/temp-dir';

let sim: OrchidsSimulator | undefined;
beforeAll(buildEntryPoints);
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

/** `accounts add --cookie-file` with `cookie` in the file: its exit code and what it printed on stderr. */
async function add(cookie: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stderr: string }> {
  const file = path.join(tempDir(), 'cookie.txt');
  fs.writeFileSync(file, cookie);
  return runBuiltCli(['accounts', 'add', '--cookie-file', file], env).then(
    ({ stderr }) => ({ code: 0, stderr }),
    (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
  );
}

const EXPECTED = 'the value expected is one long, random-looking token of letters and digits';
const WHERE = "in the browser's developer tools, Application → Cookies → clerk.orchids.app";

describe('npm run cli -- accounts add with a value that cannot be a __client cookie', () => {
  it.each([
    ['typed words', 'fake-not-a-cookie', `That is not a __client cookie: ${EXPECTED}`],
    ['typed words as __client=', '__client=fake-not-a-cookie', `The __client value there is not a __client cookie`],
    ['an empty file', ' \n', 'is empty: it needs the value of the __client cookie, in the browser'],
    ['a Cookie header without __client', 'Cookie: theme=dark; consent=yes', 'which never includes __client'],
    ['a value with a space', 'fake-client XXXX-0123456789abcdef', 'has a space or line break inside it'],
    ['a value with a line break', 'fake-client\nXXXX-0123456789abcdef', 'has a space or line break inside it'],
  ])('%s: exit 1 with the reason, and Clerk is never contacted', async (_name, cookie, reason) => {
    sim = await OrchidsSimulator.start();
    const dataDir = tempDir();
    const { code, stderr } = await add(cookie, { ORCHIDS_TRAY_DATA_DIR: dataDir, ...simEnv(sim) });
    expect(code).toBe(1);
    expect(stderr).toContain(reason);
    expect(sim.stats.clerkConnections).toBe(0);
    expect(sim.stats.clientLookups).toBe(0);
    const listed = await runBuiltCli(['accounts', 'list', '--json'], { ORCHIDS_TRAY_DATA_DIR: dataDir });
    expect(JSON.parse(listed.stdout)).toEqual([]);
  });

  it('offline, the paste is still what is named, with where the real cookie is', async () => {
    const nowhere = `http://127.0.0.1:${await freePort()}`;
    const { code, stderr } = await add('fake-not-a-cookie', {
      ORCHIDS_TRAY_DATA_DIR: tempDir(),
      ORCHIDS_CLERK_URL: nowhere,
    });
    expect(code).toBe(1);
    expect(stderr.trim()).toBe(
      `That is not a __client cookie: ${EXPECTED} (usually three parts joined by dots, starting eyJ). Copy it ` +
        `${WHERE}, or paste a whole Cookie header holding __client=….`,
    );
  });
});
