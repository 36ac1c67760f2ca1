import fs from 'node:fs';
import path from 'node:path';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { OrchidsCore } from '../../main/core/core';
import { createHandlers } from '../../main/core/control/control-service';
import { OrchidsSimulator } from '../sim/orchids-simulator';
import { tempDir } from '../helpers/temp-dir';
import { simConfig } from '../helpers/sim-env';

let sim: OrchidsSimulator | undefined;
const cores: OrchidsCore[] = [];
afterEach(async () => {
  for (const core of cores.splice(0)) await core.stop(0);
  await sim?.close();
});

function core(dataDir: string): OrchidsCore {
  const created = new OrchidsCore({ env: {}, config: { dataDir, ...simConfig(sim!) }, port: 0, log: () => {} });
  cores.push(created);
  return created;
}

describe('secrets at rest', () => {
  it('an API key that can no longer be unsealed locks everyone out instead of turning authentication off', async () => {
    sim = await OrchidsSimulator.start();
    const dataDir = tempDir();
    const first = core(dataDir);
    first.settings.set('apiKey', 'test-key-before-the-key-file-changed');
    await first.stop(0);
    fs.rmSync(path.join(dataDir, 'secret.key')); // e.g. restored from a backup of the database alone

    const second = core(dataDir);
    const url = await second.start();
    const attempt = async (headers: Record<string, string>) => {
      const response = await request(`${url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({
          model: 'claude-sonnet-4-6',
          max_tokens: 5,
          messages: [{ role: 'user', content: 'hi' }],
        }),
      });
      return {
        status: response.statusCode,
        body: (await response.body.json()) as { error: { type: string; message: string } },
      };
    };
    const attempts: Array<Record<string, string>> = [
      {},
      { 'x-api-key': 'test-key-before-the-key-file-changed' },
      { 'x-api-key': '' },
    ];
    for (const headers of attempts) {
      const { status, body } = await attempt(headers);
      expect(status).toBe(401);
      expect(body.error.message).toMatch(/stored API key cannot be read/);
      // On this app's own folder, not the default one, whose key would be set instead.
      expect(body.error.message).toContain(
        `or with: ORCHIDS_TRAY_DATA_DIR=${dataDir} npm run cli -- settings set apiKey <key>`,
      );
    }
    expect((await createHandlers(second)['proxy:status'](undefined)).apiKeySet).toBe(true);
    second.settings.set('apiKey', 'test-key-after');
    // Setting a new key is the cure: the request now gets past authentication (to "no accounts yet": this folder has
    // none).
    const after = await attempt({ 'x-api-key': 'test-key-after' });
    expect(after.status).toBe(424);
    expect(after.body.error.message).toMatch(/no accounts yet/);
  });

  it('cookies are stored sealed, and a database copied without its key file says so per account', async () => {
    sim = await OrchidsSimulator.start();
    const dataDir = tempDir();
    const user = sim.addUser();
    const first = core(dataDir);
    await first.accounts.add({ cookie: user.clientCookie, name: 'Sealed' });
    const raw = fs.readFileSync(path.join(dataDir, 'orchids-tray.db'));
    expect(raw.includes(sim.currentCookie(user.userId)!)).toBe(false);
    await first.stop(0);
    fs.rmSync(path.join(dataDir, 'secret.key'));

    const second = core(dataDir);
    await second.start(); // a running app settles what it cannot open; a CLI command would not write
    expect(second.accounts.list()[0]).toMatchObject({ name: 'Sealed', status: 'locked' });
    expect(second.accounts.list()[0]!.statusReason).toMatch(/different key file/);
    // Pasting the cookie again is the cure.
    await second.accounts.add({ cookie: sim.currentCookie(user.userId)! });
    expect(second.accounts.list()[0]).toMatchObject({ status: 'ready' });
  });
});
