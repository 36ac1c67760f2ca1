import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../main/core/db/database';
import { OrchidsCore } from '../../main/core/core';
import { OrchidsSimulator } from '../sim/orchids-simulator';
import { buildEntryPoints, freePort, runBuiltCli, startProcess, type Running } from '../helpers/processes';
import { tempDir } from '../helpers/temp-dir';
import { cliOk } from '../helpers/cli';
import { simEnv } from '../helpers/sim-env';
import { hiStatus } from '../helpers/messages';
import { readReadme, section } from '../helpers/readme';

let sim: OrchidsSimulator | undefined;
let running: Running | undefined;
beforeAll(buildEntryPoints);
/** A core on a free port that logs nothing, as the app would build it from `env` and the folder. */
const quietCore = (env: NodeJS.ProcessEnv, dataDir = tempDir()) =>
  new OrchidsCore({ env, config: { dataDir }, port: 0, log: () => {} });
afterEach(async () => {
  running?.child.kill('SIGKILL');
  await running?.exited; // before its data folder is removed
  await sim?.close();
  running = undefined;
  sim = undefined;
});

describe('headless mode as a process', () => {
  it('prints its address, serves, and on SIGTERM saves every request it counted', async () => {
    sim = await OrchidsSimulator.start();
    const dataDir = tempDir();
    const user = sim.addUser();
    const env = { ORCHIDS_TRAY_DATA_DIR: dataDir, ...simEnv(sim) };
    await runBuiltCli(['accounts', 'add', '--cookie', user.clientCookie], env);
    const port = await freePort();
    running = startProcess('dist/main/headless.js', { ...env, ORCHIDS_TRAY_PORT: String(port) });
    const [, url] = await running.waitFor(/Proxy: (http:\/\/127\.0\.0\.1:\d+)/);
    expect(url).toBe(`http://127.0.0.1:${port}`);
    const sends = Array.from({ length: 25 }, () => hiStatus(url!));
    expect(await Promise.all(sends)).toEqual(Array(25).fill(200));
    running.child.kill('SIGTERM'); // well inside the one-second flush interval: only the stop can have saved them
    expect(await running.exited).toBe(0);
    const db = openDatabase(path.join(dataDir, 'orchids-tray.db'));
    const row = db.prepare('SELECT request_count FROM account_usage').get() as { request_count: number };
    db.close();
    expect(row.request_count).toBe(25);
  });

  it('with no accounts, says how to add one from a file, and that command works as printed', async () => {
    sim = await OrchidsSimulator.start();
    const dataDir = tempDir();
    const env = { ORCHIDS_TRAY_DATA_DIR: dataDir, ...simEnv(sim) };
    running = startProcess('dist/main/headless.js', { ...env, ORCHIDS_TRAY_PORT: String(await freePort()) });
    const [, prefix, command = ''] = await running.waitFor(
      /^No accounts yet\. Add one with: (.*)npm run cli -- (.+)$/m,
    );
    // A folder of its own (not the default one) is named, since another terminal's CLI opens the default one.
    expect(prefix).toBe(`ORCHIDS_TRAY_DATA_DIR=${dataDir} `);
    // Not the cookie itself: typed as an argument it stays in shell history and shows in ps.
    expect(command).toMatch(/^accounts add --cookie-file <[^>]+>$/);
    const file = path.join(dataDir, 'cookie.txt');
    fs.writeFileSync(file, sim.addUser().clientCookie);
    const added = await runBuiltCli(command.replace(/<[^>]+>/, file).split(' '), env);
    expect(added.stdout).toMatch(/^Added account 1: /);
  });

  it('a clean start with no accounts prints the lines "Set up a fresh machine" shows, and nothing else', async () => {
    const block = /```\n(Running headless:[\s\S]*?)```/.exec(section(readReadme(), 'Set up a fresh machine'))?.[1];
    // The default data folder, as a newcomer's start has it (no ORCHIDS_TRAY_DATA_DIR), in a config folder of its
    // own.
    const configHome = tempDir();
    const dataDir = path.join(configHome, 'Orchids Tray');
    // After npm start's own first line (which app runs, and why), with no terminal: no "press Enter here".
    const expected = block!
      .split('\n')
      .slice(1, -1)
      .map((line) => line.replace('press Enter here, ', '').replace('/home/you/.config/Orchids Tray', dataDir));
    running = startProcess('dist/main/headless.js', { XDG_CONFIG_HOME: configHome, ORCHIDS_TRAY_PORT: '0' });
    const [, port] = await running.waitFor(/^Proxy: http:\/\/127\.0\.0\.1:(\d+)$/m);
    await running.waitFor(/^Use it: .*$/m);
    // Anything printed late (a warning from a timer) would be a line the README does not show.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const printed = running
      .output()
      .trimEnd()
      .split('\n')
      .map((line) =>
        line
          .replaceAll(`:${port}`, ':3002')
          .replace(/code=otc_[\w-]+$/, 'code=otc_…')
          // The pid the README shows stands for the app's own, the one its signal must reach.
          .replace(`kill -USR2 ${running!.child.pid} `, 'kill -USR2 12345 '),
      );
    expect(printed).toEqual(expected);
  });

  it('a busy port is a clear error naming the port, with exit code 1', async () => {
    const blocker = net.createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => blocker.once('listening', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      running = startProcess('dist/main/headless.js', {
        ORCHIDS_TRAY_DATA_DIR: tempDir(),
        ORCHIDS_TRAY_PORT: String(port),
      });
      expect(await running.exited).toBe(1);
      expect(running.output()).toContain(`Port ${port} on 127.0.0.1 is already in use`);
      expect(running.output()).toContain('ORCHIDS_TRAY_PORT');
    } finally {
      blocker.close();
    }
  });

  it('refuses to listen beyond loopback unless asked to explicitly', async () => {
    const core = quietCore({ ORCHIDS_TRAY_HOST: '0.0.0.0' });
    await expect(core.start()).rejects.toThrow(/Refusing to listen on 0\.0\.0\.0.*ORCHIDS_TRAY_ALLOW_REMOTE/);
    await core.stop(0);
  });

  it('says how to go back to loopback: unset the variable, or reset the saved host (then it starts)', async () => {
    const fromEnv = quietCore({ ORCHIDS_TRAY_HOST: '0.0.0.0' });
    await expect(fromEnv.start()).rejects.toThrow(/; to listen on this machine only, unset ORCHIDS_TRAY_HOST\.$/);
    await fromEnv.stop(0);

    const dataDir = tempDir();
    await cliOk({ ORCHIDS_TRAY_DATA_DIR: dataDir }, 'settings', 'set', 'host', '0.0.0.0');
    const saved = () => quietCore({}, dataDir);
    const refused = saved();
    // On this app's own folder, which a terminal without ORCHIDS_TRAY_DATA_DIR would miss (printedCommand).
    await expect(refused.start()).rejects.toThrow(
      `; to listen on this machine only, run: ORCHIDS_TRAY_DATA_DIR=${dataDir} npm run cli -- settings reset host.`,
    );
    await refused.stop(0);
    // The command it names is the way back.
    await cliOk({ ORCHIDS_TRAY_DATA_DIR: dataDir }, 'settings', 'reset', 'host');
    const back = saved();
    await back.start();
    await back.stop(0);
  });
});
