/**
 * The CLI and the app as the person runs them, as real processes: the CLI talks to a running app through its
 * control transport (found through runtime.json), says which data folder it used when a running app uses another,
 * and a second app on a held data folder refuses to start.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { registerInstance } from '../../main/core/control/instance-registry';
import { RUNTIME_FILE } from '../../main/core/control/runtime-file';
import { OrchidsSimulator } from '../sim/orchids-simulator';
import {
  buildEntryPoints,
  freePort,
  ROOT,
  runBuiltCli,
  runToExit,
  startProcess,
  type Running,
} from '../helpers/processes';
import { tempDir } from '../helpers/temp-dir';
import { simEnv } from '../helpers/sim-env';
import { hiStatus } from '../helpers/messages';

let sim: OrchidsSimulator | undefined;
const apps: Running[] = [];
beforeAll(buildEntryPoints);
afterEach(async () => {
  for (const app of apps.splice(0)) {
    app.child.kill('SIGTERM');
    await app.exited;
  }
  await sim?.close();
  sim = undefined;
});

/** Every process of one test shares a private registry of running apps, so other tests' apps stay out of it. */
function world(s: OrchidsSimulator): { runtimeDir: string; env: (dataDir: string) => NodeJS.ProcessEnv } {
  const runtimeDir = tempDir();
  return {
    runtimeDir,
    env: (dataDir) => ({ ORCHIDS_TRAY_DATA_DIR: dataDir, XDG_RUNTIME_DIR: runtimeDir, ...simEnv(s) }),
  };
}

async function startApp(env: NodeJS.ProcessEnv): Promise<{ app: Running; url: string }> {
  const app = startProcess('dist/main/headless.js', { ...env, ORCHIDS_TRAY_PORT: String(await freePort()) });
  apps.push(app);
  const [, url] = await app.waitFor(/^Proxy: (\S+)$/m);
  return { app, url: url! };
}

describe('the CLI while the app runs', () => {
  it('adds an account through the running app: a request right after the command is served by it', async () => {
    sim = await OrchidsSimulator.start();
    const { env } = world(sim);
    const dataDir = tempDir();
    const { url } = await startApp(env(dataDir));
    expect(await hiStatus(url)).toBe(424); // no accounts yet

    const user = sim.addUser();
    const added = await runBuiltCli(['accounts', 'add', '--cookie', user.clientCookie, '--name', 'Live'], env(dataDir));
    expect(added.stdout.trim()).toBe(`Added account 1: Live <${user.email}>`);
    // Only the advice on what to do next goes to stderr: no note about another data folder.
    expect(added.stderr.trim()).toBe('Test it with one short request: npm run cli -- accounts test 1');
    expect(await hiStatus(url)).toBe(200);
    expect(sim.requests.at(-1)!.userId).toBe(user.userId);

    // The same contract as the window: the API key reads the same masked way everywhere.
    await runBuiltCli(['settings', 'set', 'apiKey', 'test-cli-key-0123'], env(dataDir));
    expect(await hiStatus(url)).toBe(401);
    const settings = JSON.parse((await runBuiltCli(['settings', 'list', '--json'], env(dataDir))).stdout) as Array<{
      key: string;
      value: unknown;
    }>;
    expect(settings.find((s) => s.key === 'apiKey')!.value).toBe('••••••••');
  });

  it('finds the app through a runtime file only its user can read, with its pid, port and control token', async () => {
    sim = await OrchidsSimulator.start();
    const { env } = world(sim);
    const dataDir = tempDir();
    const { app, url } = await startApp(env(dataDir));
    const file = path.join(dataDir, RUNTIME_FILE);
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const token = fs.readFileSync(path.join(dataDir, 'control-token'), 'utf8').trim();
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toMatchObject({
      pid: app.child.pid,
      shell: 'headless',
      url,
      port: Number(new URL(url).port),
      token,
    });
    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
    expect(fs.existsSync(file)).toBe(false);
  });

  it('says which data folder it used when the running app uses another one', async () => {
    sim = await OrchidsSimulator.start();
    const { env } = world(sim);
    // Named as the desktop app's default folder is, with a space: the line to copy must quote it.
    const appDir = path.join(tempDir(), 'Orchids Tray');
    const { url } = await startApp(env(appDir));
    const elsewhere = path.join(tempDir(), 'not-created-yet');

    const listed = await runBuiltCli(['accounts', 'list', '--json'], env(elsewhere));
    expect(JSON.parse(listed.stdout)).toEqual([]); // stdout stays machine-readable
    expect(listed.stderr).toContain(`this command used the data folder ${elsewhere} (a new, empty folder)`);
    // Its own line, whatever other apps run on this machine (each gets one, not "that one" for the first found).
    expect(listed.stderr.split('\n')).toContain(
      `Orchids Tray (headless) is running at ${url} for ${appDir}: to manage it, first run: ` +
        `export ORCHIDS_TRAY_DATA_DIR='${appDir}'`,
    );

    // Pointed at the app's folder, the CLI goes to the app and has nothing to add.
    const same = await runBuiltCli(['accounts', 'list'], env(appDir));
    expect(same.stderr).toBe('');
  });

  // The note tells which folder a command used; a folder that could not be opened was used for nothing, so the
  // refusal stands alone, whichever way the path is not a folder.
  it.each([
    ['is a file', (file: string) => file],
    ['lies under a file', (file: string) => path.join(file, 'Orchids Tray')],
  ])('adds no note about another app when the data folder %s and cannot be opened', async (_, dataDirOf) => {
    const runtimeDir = tempDir();
    // An app on another folder, as the registry shows it: this test's own process stands in for it (alive, so kept).
    const appDir = path.join(tempDir(), 'Orchids Tray');
    registerInstance(
      { dataDir: appDir, pid: process.pid, url: 'http://127.0.0.1:1', shell: 'headless' },
      { XDG_RUNTIME_DIR: runtimeDir },
    );
    const file = path.join(tempDir(), 'cookie.txt');
    fs.writeFileSync(file, 'not a folder\n');
    const dataDir = dataDirOf(file);

    const run = await runToExit(process.execPath, ['dist/main/cli.js', 'accounts', 'list'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, ORCHIDS_TRAY_DATA_DIR: dataDir, XDG_RUNTIME_DIR: runtimeDir },
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`The data folder ${dataDir} is not a folder: ${file} is a file.`);
    expect(run.stderr).not.toContain('this command used the data folder');
    expect(run.stderr).not.toContain(`running at http://127.0.0.1:1 for ${appDir}`);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('the headless app’s dashboard link', () => {
  it('names only the ways to another link that work for this app, at start and on a used link’s page', async () => {
    sim = await OrchidsSimulator.start();
    const { env } = world(sim);
    const dataDir = tempDir();
    const { app } = await startApp(env(dataDir));
    const [, link] = await app.waitFor(/^Dashboard: (\S+)$/m);
    // Started by a test, as by a service or a pipe: no terminal, so no "press Enter" anywhere.
    const signal = `kill -USR2 ${app.child.pid}`;
    // On a folder of its own, not the default one: the CLI command names it, or another terminal misses this app.
    const cliCommand = `ORCHIDS_TRAY_DATA_DIR=${dataDir} npm run cli -- dashboard`;
    const [, said] = await app.waitFor(/for another: (.*)\)$/m);
    expect(said).toBe(`${process.platform === 'win32' ? '' : `${signal} or `}${cliCommand}`);
    expect((await fetch(link!, { redirect: 'manual' })).status).toBe(303);
    const used = await fetch(link!, { redirect: 'manual' });
    expect(used.status).toBe(401);
    const page = await used.text();
    expect(page).toContain(
      process.platform === 'win32'
        ? `Get a fresh link: run \`${cliCommand}\`.`
        : `Get a fresh link: run \`${signal}\` or run \`${cliCommand}\`.`,
    );
    expect(page).not.toContain('press Enter');
  });

  it.skipIf(process.platform === 'win32')(
    'the pid the start line names is the app’s, under npm start too, and answers SIGUSR2 with a fresh link',
    async () => {
      sim = await OrchidsSimulator.start();
      const { env } = world(sim);
      const { app } = await startApp(env(tempDir()));
      const [, pid] = await app.waitFor(/for another: kill -USR2 (\d+) or /m);
      expect(Number(pid)).toBe(app.child.pid);
      const [, first] = await app.waitFor(/^Dashboard: (\S+)$/m);
      process.kill(Number(pid), 'SIGUSR2');
      const [, , fresh] = await app.waitFor(/^Dashboard: (\S+)$[^]*^Dashboard: (\S+)$/m);
      expect(fresh).not.toBe(first);
      expect((await fetch(fresh!, { redirect: 'manual' })).status).toBe(303); // a link that signs a browser in
      expect(app.child.exitCode).toBe(null);
    },
  );

  it.skipIf(process.platform === 'win32')(
    'SIGUSR2 sent to npm start’s own process (scripts/start.mjs) prints a fresh link, and the app keeps running',
    async () => {
      sim = await OrchidsSimulator.start();
      const { env } = world(sim);
      // start.mjs builds first, through the npm that ran it: a stand-in npm that does nothing keeps this test from
      // rebuilding dist/ under the other test files (buildEntryPoints built what it runs).
      const noBuild = path.join(tempDir(), 'npm-cli.js');
      fs.writeFileSync(noBuild, '');
      const port = await freePort();
      const dataDir = tempDir();
      const start = startProcess(
        'scripts/start.mjs',
        { ...env(dataDir), ORCHIDS_TRAY_PORT: String(port), npm_execpath: noBuild },
        ['--headless'],
      );
      apps.push(start);
      await start.waitFor(/^Use it: /m);
      const app = JSON.parse(fs.readFileSync(path.join(dataDir, RUNTIME_FILE), 'utf8')) as { pid: number };
      // The line names the app (start.mjs's child), whose own pid answers as well as start.mjs's does.
      expect((await start.waitFor(/kill -USR2 (\d+)/))[1]).toBe(String(app.pid));
      expect(app.pid).not.toBe(start.child.pid);
      try {
        start.child.kill('SIGUSR2');
        await start.waitFor(/^Dashboard: [^]*^Dashboard: /m); // the start's link, then the fresh one
        expect(start.child.exitCode).toBe(null);
      } catch (error) {
        // Before the fix, start.mjs died of the signal and left the app running on its own: end it here.
        process.kill(app.pid, 'SIGKILL');
        throw error;
      }
      expect(await hiStatus(`http://127.0.0.1:${port}`)).toBe(424); // still serving (no accounts, but it answers)
      start.child.kill('SIGTERM');
      expect(await start.exited).toBe(0);
    },
    30_000,
  );
});

describe('one app per data folder', () => {
  it('a second app on a held folder refuses to start, naming the folder and the first app’s port', async () => {
    sim = await OrchidsSimulator.start();
    const { env } = world(sim);
    const dataDir = tempDir();
    const { url } = await startApp(env(dataDir));
    const second = startProcess('dist/main/headless.js', { ...env(dataDir), ORCHIDS_TRAY_PORT: '0' });
    apps.push(second);
    expect(await second.exited).toBe(1);
    expect(second.output()).toContain(`Orchids Tray is already running for the data folder ${dataDir}`);
    expect(second.output()).toContain(`port ${new URL(url).port}`);
    expect(await hiStatus(url)).toBe(424); // the first one still serves (no accounts, but it answers)
  });

  it('takes over a runtime file left by a process that died', async () => {
    sim = await OrchidsSimulator.start();
    const { env } = world(sim);
    const dataDir = tempDir();
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((resolve) => dead.once('exit', resolve));
    fs.writeFileSync(
      path.join(dataDir, RUNTIME_FILE),
      JSON.stringify({ pid: dead.pid, shell: 'headless', startedAt: 1, url: 'http://127.0.0.1:9', port: 9 }),
    );
    const { app, url } = await startApp(env(dataDir));
    expect(JSON.parse(fs.readFileSync(path.join(dataDir, RUNTIME_FILE), 'utf8'))).toMatchObject({
      pid: app.child.pid,
      url,
    });
  });
});
