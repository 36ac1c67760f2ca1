/**
 * What constructing, opening and starting a core may do to the data folder: constructing reads only the
 * environment, opening reads (a CLI command on its own), and only starting an app settles sealed cookies.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cliOk } from '../helpers/cli';
import { OrchidsCore } from '../../main/core/core';
import { openDatabase } from '../../main/core/db/database';
import { OsKeychainSecretBox } from '../../main/core/secrets/secret-box';
import { tempDir } from '../helpers/temp-dir';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function dir(): string {
  const made = tempDir('orchids-tray-open-');
  dirs.push(made);
  return made;
}

/** A keychain only the desktop app has: headless mode and the CLI cannot open what it sealed. */
const keychain = new OsKeychainSecretBox({
  isEncryptionAvailable: () => true,
  encryptString: (plain) => Buffer.from(`kc:${plain}`),
  decryptString: (cipher) => cipher.toString().slice(3),
});

function accountRows(dataDir: string): unknown[] {
  const db = openDatabase(path.join(dataDir, 'orchids-tray.db'));
  try {
    return db.prepare('SELECT * FROM accounts ORDER BY id').all();
  } finally {
    db.close();
  }
}

describe('opening a core', () => {
  it('constructing touches nothing; the first use of the facade opens the folder', async () => {
    const dataDir = path.join(dir(), 'not-yet');
    const core = new OrchidsCore({ env: {}, config: { dataDir }, port: 0, log: () => {} });
    expect(fs.existsSync(dataDir)).toBe(false);
    expect(core.settings.list().find((s) => s.key === 'port')).toMatchObject({ value: 3002, source: 'default' });
    expect(fs.existsSync(path.join(dataDir, 'orchids-tray.db'))).toBe(true);
    await core.stop(0);
  });

  it('the CLI alone reads accounts it cannot open, neither locking nor re-sealing them; an app does', async () => {
    const dataDir = dir();
    const desktop = new OrchidsCore({ env: {}, config: { dataDir }, port: 0, secrets: keychain, log: () => {} });
    desktop.internals.repo.insert(
      {
        name: 'Desktop',
        email: 'desktop@example.test',
        userId: 'user_desktop',
        sessionId: 'sess_1',
        sealedCookie: keychain.seal('fake-client-cookie'),
        clientUat: '1',
        weight: 1,
      },
      Date.now(),
    );
    await desktop.stop(0);
    const before = accountRows(dataDir);

    const env = { ORCHIDS_TRAY_DATA_DIR: dataDir };
    await cliOk(env, 'settings', 'list');
    const listed = await cliOk(env, 'accounts', 'list', '--json');
    expect(accountRows(dataDir)).toEqual(before);
    expect(listed).toContain('"status": "ready"'); // as stored: this process decided nothing

    // A headless app is another matter: it takes the folder over, and says per account what it cannot open.
    const headless = new OrchidsCore({ env: {}, config: { dataDir }, port: 0, log: () => {} });
    await headless.start();
    expect(headless.accounts.list()[0]).toMatchObject({ status: 'locked' });
    await headless.stop(0);
    expect(accountRows(dataDir)).not.toEqual(before);
  });
});

describe('settings through the facade', () => {
  it('checks keys in one place, naming the known ones, and masks the API key for every client', async () => {
    const core = new OrchidsCore({ env: {}, config: { dataDir: dir() }, port: 0, log: () => {} });
    try {
      expect(() => core.settings.set('debugLog', true)).toThrow(/^debugLog: no such setting\. Known: host, port, /);
      expect(() => core.settings.reset('nope')).toThrow(/no such setting/);
      expect(core.settings.set('apiKey', 'test-key-0123456789')).toMatchObject({ key: 'apiKey', value: '••••••••' });
      expect(JSON.stringify(core.settings.list())).not.toContain('test-key-0123456789');
      expect(core.settings.get('apiKey')).toBe('test-key-0123456789'); // in full only where the tray copies it
      const generated = core.settings.generateApiKey();
      expect(generated.settings.find((s) => s.key === 'apiKey')!.value).toBe('••••••••');
      expect(core.settings.reset('apiKey')).toMatchObject({ value: '', source: 'default' });
    } finally {
      await core.stop(0);
    }
  });
});
