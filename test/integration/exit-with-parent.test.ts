/**
 * No process outlives the script that started it. `npm run demo` (scripts/demo.mjs) and `npm start`'s headless
 * fallback (scripts/start.mjs) run the app, and the demo the simulator, as children: killed with SIGKILL (an IDE's stop
 * button, `kill -9`, the OOM killer), the script cannot pass anything on, and its children must notice on their own
 * and stop the normal way. The app run directly, from a shell or a service manager, is not affected.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { alive, buildEntryPoints, freePort, listening, ROOT, startProcess, type Running } from '../helpers/processes';
import { tempDir } from '../helpers/temp-dir';

/** What the app prints when it stops because its parent is gone. */
const PARENT_GONE_LINE = /^The parent process is gone: finishing in-flight requests, then saving counts\.$/m;

/** Every pid a test started or learnt of, ended by pid after it (the children of a SIGKILLed script included). */
const pids = new Set<number>();
afterEach(() => {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  pids.clear();
});

/** Whether `pid` has exited within `ms` (polled: it is not our child, so there is no exit event to wait for). */
async function exitsWithin(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!alive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return !alive(pid);
}

/** The pids whose parent is `parent` (Linux's /proc), so the test can check and end them by pid. */
function childrenOf(parent: number): number[] {
  return fs
    .readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
        // pid (comm) state ppid …: comm may hold spaces and parentheses, so read after its last ')'.
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent;
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** A stand-in npm that does nothing: the scripts build through it, and buildEntryPoints built what they run. */
function noBuild(): string {
  const file = path.join(tempDir(), 'npm-cli.js');
  fs.writeFileSync(file, '');
  return file;
}

function track(running: Running): Running {
  if (running.child.pid !== undefined) pids.add(running.child.pid);
  return running;
}

describe.skipIf(process.platform !== 'linux')('the children of npm start and npm run demo end with them', () => {
  beforeAll(buildEntryPoints);

  it('npm run demo: the app stops gracefully and the simulator stops, their ports closed', async () => {
    const port = await freePort();
    const demo = track(
      startProcess('scripts/demo.mjs', { npm_execpath: noBuild(), XDG_RUNTIME_DIR: tempDir() }, [
        '--port',
        String(port),
      ]),
    );
    await demo.waitFor(/^Use it: /m, 30_000);
    const output = demo.output();
    const dataDir = /^Data: (.+)$/m.exec(output)![1]!;
    const controlPort = Number(new URL(/control API \S* is at (http:\/\/\S+?)[;.]? /.exec(output)![1]!).port);
    const children = childrenOf(demo.child.pid!);
    for (const pid of children) pids.add(pid);
    expect(children).toHaveLength(2);
    const runtimeFile = path.join(dataDir, 'runtime.json');
    expect(fs.existsSync(runtimeFile)).toBe(true);

    demo.child.kill('SIGKILL');
    const gone = await Promise.all(children.map((pid) => exitsWithin(pid, 5_000)));
    expect(gone).toEqual([true, true]);
    expect(await listening(port)).toBe(false);
    expect(await listening(controlPort)).toBe(false);
    // The app's own graceful stop, not a kill: it said so, and took back its runtime file (the CLI's way to it).
    // No one can press Ctrl+C for an app whose parent is gone: the line says why it stops instead of offering it.
    expect(demo.output()).toMatch(PARENT_GONE_LINE);
    expect(demo.output()).not.toContain('Ctrl+C again');
    expect(fs.existsSync(runtimeFile)).toBe(false);
    // The demo's folder is the killed demo's to remove; it never could.
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('npm run headless (scripts/start.mjs): the app stops gracefully, its port closed', async () => {
    const port = await freePort();
    const dataDir = tempDir();
    const start = track(
      startProcess(
        'scripts/start.mjs',
        {
          npm_execpath: noBuild(),
          XDG_RUNTIME_DIR: tempDir(),
          ORCHIDS_TRAY_DATA_DIR: dataDir,
          ORCHIDS_TRAY_PORT: String(port),
        },
        ['--headless'],
      ),
    );
    await start.waitFor(/^Use it: /m, 30_000);
    const [app] = childrenOf(start.child.pid!);
    pids.add(app!);

    start.child.kill('SIGKILL');
    expect(await exitsWithin(app!, 5_000)).toBe(true);
    expect(await listening(port)).toBe(false);
    expect(start.output()).toMatch(PARENT_GONE_LINE);
    expect(start.output()).not.toContain('Ctrl+C again');
    expect(fs.existsSync(path.join(dataDir, 'runtime.json'))).toBe(false);
  }, 60_000);

  it('npm run headless: Ctrl+C still stops the script and the app together, as before', async () => {
    const port = await freePort();
    const start = track(
      startProcess(
        'scripts/start.mjs',
        {
          npm_execpath: noBuild(),
          XDG_RUNTIME_DIR: tempDir(),
          ORCHIDS_TRAY_DATA_DIR: tempDir(),
          ORCHIDS_TRAY_PORT: String(port),
        },
        ['--headless'],
        { detached: true },
      ),
    );
    await start.waitFor(/^Use it: /m, 30_000);
    const [app] = childrenOf(start.child.pid!);
    pids.add(app!);
    process.kill(-start.child.pid!, 'SIGINT');
    expect(await start.exited).toBe(0);
    expect(start.output()).toMatch(/^SIGINT: finishing in-flight requests/m);
    expect(alive(app!)).toBe(false);
    expect(await listening(port)).toBe(false);
  }, 60_000);

  it('the app run directly, even with an IPC channel (a service manager, fork()), does not stop with it', async () => {
    const port = await freePort();
    const child: ChildProcess = spawn(process.execPath, ['dist/main/headless.js'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        XDG_RUNTIME_DIR: tempDir(),
        ORCHIDS_TRAY_DATA_DIR: tempDir(),
        ORCHIDS_TRAY_PORT: String(port),
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    pids.add(child.pid!);
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    while (!/^Use it: /m.test(output)) await new Promise((resolve) => setTimeout(resolve, 50));
    child.disconnect();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(child.exitCode).toBe(null);
    expect(await listening(port)).toBe(true);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 60_000);
});
