import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runningInstances, registerInstance, unregisterInstance } from '../../main/core/control/instance-registry';
import {
  claimDataFolder,
  DataFolderInUseError,
  readRuntimeInfo,
  runningApp,
  RUNTIME_FILE,
} from '../../main/core/control/runtime-file';
import { tempDir } from '../helpers/temp-dir';

let dir: string;
beforeEach(() => {
  dir = tempDir('orchids-tray-runtime-');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

const file = () => path.join(dir, RUNTIME_FILE);
const posix = process.platform !== 'win32';

describe('runtime.json: one app per data folder', () => {
  it('a claim holds the folder from the start, and says where the app listens once it does', () => {
    const claim = claimDataFolder(dir, 'headless');
    expect(readRuntimeInfo(dir)).toMatchObject({ pid: process.pid, shell: 'headless', url: null, port: null });
    expect(runningApp(dir)).toBeUndefined(); // not listening yet: the CLI opens the folder itself
    if (posix) expect(fs.statSync(file()).mode & 0o777).toBe(0o600);

    claim.announce('http://127.0.0.1:43210', 'fake-control-token-XXXX');
    expect(runningApp(dir)).toMatchObject({
      pid: process.pid,
      url: 'http://127.0.0.1:43210',
      port: 43210,
      token: 'fake-control-token-XXXX',
    });
    if (posix) expect(fs.statSync(file()).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(dir)).toEqual([RUNTIME_FILE]); // no temp files left behind

    claim.release();
    expect(fs.existsSync(file())).toBe(false);
  });

  it('a server on a wildcard address (remote mode) is announced at loopback, where the CLI can dial it', () => {
    const claim = claimDataFolder(dir, 'headless');
    claim.announce('http://0.0.0.0:43210', 'fake-control-token-XXXX');
    expect(runningApp(dir)).toMatchObject({ url: 'http://127.0.0.1:43210', port: 43210 });
    claim.announce('http://[::]:43211', 'fake-control-token-XXXX');
    expect(runningApp(dir)).toMatchObject({ url: 'http://[::1]:43211', port: 43211 });
    claim.announce('http://10.1.2.3:43212', 'fake-control-token-XXXX');
    expect(runningApp(dir)).toMatchObject({ url: 'http://10.1.2.3:43212', port: 43212 });
    claim.release();
  });

  it('a second claim while the holder lives fails, naming the folder, the holder and its port', () => {
    const first = claimDataFolder(dir, 'desktop');
    first.announce('http://127.0.0.1:3002', 'fake-control-token-XXXX');
    let error: unknown;
    try {
      claimDataFolder(dir, 'headless');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DataFolderInUseError);
    expect((error as Error).message).toBe(
      `Orchids Tray is already running for the data folder ${dir} ` +
        `(the desktop app, process ${process.pid}, port 3002). ` +
        'Use that one, quit it first, or set ORCHIDS_TRAY_DATA_DIR to another folder.',
    );
    expect(readRuntimeInfo(dir)).toMatchObject({ shell: 'desktop', port: 3002 }); // untouched
  });

  it('takes over a file whose process died, or that is not a runtime file at all', async () => {
    const pid = await deadPid();
    fs.writeFileSync(file(), JSON.stringify({ pid, shell: 'desktop', startedAt: 1, url: 'http://x:1', port: 1 }));
    expect(runningApp(dir)).toBeUndefined();
    claimDataFolder(dir, 'headless').release();

    fs.writeFileSync(file(), 'not json');
    const claim = claimDataFolder(dir, 'headless');
    expect(readRuntimeInfo(dir)?.pid).toBe(process.pid);
    claim.release();
  });

  it('release leaves a file another process wrote since', () => {
    const claim = claimDataFolder(dir, 'headless');
    fs.writeFileSync(file(), JSON.stringify({ pid: process.ppid, shell: 'headless', startedAt: 1 }));
    claim.release();
    expect(readRuntimeInfo(dir)?.pid).toBe(process.ppid);
  });
});

describe('the per-user list of running apps', () => {
  it('lists live apps, forgets dead ones, and each app removes only its own entry', async () => {
    const env = { XDG_RUNTIME_DIR: dir };
    registerInstance({ dataDir: '/data/one', pid: process.pid, url: 'http://127.0.0.1:1', shell: 'headless' }, env);
    registerInstance({ dataDir: '/data/gone', pid: await deadPid(), url: null, shell: 'desktop' }, env);
    expect(runningInstances(env)).toEqual([
      { dataDir: '/data/one', pid: process.pid, url: 'http://127.0.0.1:1', shell: 'headless' },
    ]);
    expect(fs.readdirSync(path.join(dir, 'orchids-tray'))).toHaveLength(1); // the dead one's entry is gone
    unregisterInstance('/data/one', process.ppid, env);
    expect(runningInstances(env)).toHaveLength(1);
    unregisterInstance('/data/one', process.pid, env);
    expect(runningInstances(env)).toEqual([]);
  });

  it.skipIf(!posix)('does not trust a folder others can write to', () => {
    const shared = path.join(dir, 'orchids-tray');
    fs.mkdirSync(shared, { mode: 0o777 });
    fs.chmodSync(shared, 0o777);
    const env = { XDG_RUNTIME_DIR: dir };
    registerInstance({ dataDir: '/data/one', pid: process.pid, url: null, shell: 'headless' }, env);
    expect(fs.readdirSync(shared)).toEqual([]);
    expect(runningInstances(env)).toEqual([]);
  });
});
