import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHandlers } from '../../main/core/control/control-service';
import { OrchidsCore } from '../../main/core/core';

/** The window words where credits come from with the status it is sent, so it must name the site configured. */
describe('the status names the credits site', () => {
  const cores: OrchidsCore[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const core of cores.splice(0)) await core.stop(0);
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function statusWith(env: Record<string, string>) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orchids-tray-site-'));
    dirs.push(dir);
    const core = new OrchidsCore({ env, config: { dataDir: dir }, port: 0, log: () => {} });
    cores.push(core);
    return createHandlers(core)['proxy:status'](undefined);
  }

  it('as orchids.app by default, and as the host ORCHIDS_SITE_URL names otherwise', async () => {
    expect((await statusWith({})).creditsSite).toBe('orchids.app');
    expect((await statusWith({ ORCHIDS_SITE_URL: 'https://orchids.app' })).creditsSite).toBe('orchids.app');
    expect((await statusWith({ ORCHIDS_SITE_URL: 'http://127.0.0.1:4100' })).creditsSite).toBe('127.0.0.1:4100');
    const mirror = await statusWith({ ORCHIDS_SITE_URL: 'https://credits.mirror.example.test/base' });
    expect(mirror.creditsSite).toBe('credits.mirror.example.test');
  });

  // The window writes its CLI commands for the app's machine with it (useCliCommand): `"--"` on Windows.
  it("and the platform the app runs on, Node's name for it", async () => {
    expect((await statusWith({})).platform).toBe(process.platform);
  });
});
