import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHandlers } from '../../main/core/control/control-service';
import { OrchidsCore } from '../../main/core/core';
import { KeyFileSecretBox, type SecretBox } from '../../main/core/secrets/secret-box';
import { chooseSecretBox, type SafeStorageProbe } from '../../main/electron/secrets';

/** Electron's safeStorage, reversible with a per-"keychain" byte; `backend` is what Linux would report. */
function safeStorage(
  options: { available?: boolean | 'throws'; backend?: string; secret?: number } = {},
): SafeStorageProbe {
  const secret = options.secret ?? 0x5a;
  return {
    isEncryptionAvailable: () => {
      if (options.available === 'throws') throw new Error('not ready');
      return options.available ?? true;
    },
    getSelectedStorageBackend: () => options.backend ?? 'gnome_libsecret',
    encryptString: (plain) => Buffer.from(Buffer.from(`kc:${plain}`).map((b) => b ^ secret)),
    decryptString: (cipher) => {
      const text = Buffer.from(cipher.map((b) => b ^ secret)).toString('utf8');
      if (!text.startsWith('kc:'))
        throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      return text.slice(3);
    },
  };
}

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orchids-tray-secrets-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('choosing the secret box', () => {
  it('uses the OS keychain when safeStorage has one (macOS, Windows, Linux with a keyring)', () => {
    for (const platform of ['darwin', 'win32'] as const) {
      const choice = chooseSecretBox({ safeStorage: safeStorage(), platform, dataDir: dir });
      expect(choice.box.kind).toBe('os-keychain');
      expect(choice.note).toBeUndefined();
    }
    for (const backend of ['gnome_libsecret', 'kwallet5', 'kwallet6']) {
      const choice = chooseSecretBox({ safeStorage: safeStorage({ backend }), platform: 'linux', dataDir: dir });
      expect(choice.backend).toBe(backend);
      expect(choice.note).toBeUndefined();
      expect(choice.box.kind).toBe('os-keychain');
      expect(choice.box.open(choice.box.seal('cookie'))).toBe('cookie');
    }
    expect(fs.existsSync(path.join(dir, 'secret.key'))).toBe(false);
  });

  it('refuses Linux’s basic_text backend: falls back to the key file and says why', () => {
    const choice = chooseSecretBox({
      safeStorage: safeStorage({ backend: 'basic_text' }),
      platform: 'linux',
      dataDir: dir,
    });
    expect(choice.box.kind).toBe('key-file');
    expect(choice.backend).toBe('basic_text');
    expect(choice.note).toMatch(/"basic_text" fallback is not encryption/);
    expect(choice.note).toMatch(/key file/);
    expect(fs.statSync(path.join(dir, 'secret.key')).mode & 0o777).toBe(0o600);
    const sealed = choice.box.seal('cookie');
    expect(sealed.startsWith('otk1:')).toBe(true);
    expect(sealed).not.toContain('cookie');
  });

  it('falls back as well when the backend is unknown, encryption is unavailable, or asking throws', () => {
    const unknown = chooseSecretBox({
      safeStorage: safeStorage({ backend: 'unknown' }),
      platform: 'linux',
      dataDir: dir,
    });
    expect(unknown.box.kind).toBe('key-file');
    for (const available of [false, 'throws'] as const) {
      const keyFileBox = vi.fn((d: string): SecretBox => new KeyFileSecretBox(d));
      const choice = chooseSecretBox({
        safeStorage: safeStorage({ available }),
        platform: 'darwin',
        dataDir: dir,
        keyFileBox,
      });
      expect(choice.box.kind).toBe('key-file');
      expect(choice.note).toMatch(/No OS keychain is available/);
      expect(keyFileBox).toHaveBeenCalledWith(dir);
    }
  });
});

describe('accounts sealed by the other mode', () => {
  const cores: OrchidsCore[] = [];
  afterEach(async () => {
    for (const core of cores.splice(0)) await core.stop(0);
  });

  /** A running app on the folder: starting is what settles sealed cookies (lock, unlock, re-seal). */
  async function open(secrets: SecretBox): Promise<OrchidsCore> {
    const core = new OrchidsCore({ env: {}, config: { dataDir: dir }, port: 0, secrets, log: () => {} });
    cores.push(core);
    await core.start();
    return core;
  }

  async function close(core: OrchidsCore): Promise<void> {
    await core.stop(0);
    cores.splice(cores.indexOf(core), 1);
  }

  async function seedAccount(secrets: SecretBox, email: string): Promise<void> {
    const core = await open(secrets);
    core.internals.repo.insert(
      {
        name: email,
        email,
        userId: `user_${email}`,
        sessionId: 'sess_1',
        sealedCookie: secrets.seal('fake-client-cookie'),
        clientUat: '1',
        weight: 1,
      },
      Date.now(),
    );
    await close(core);
  }

  it('desktop opens what headless sealed, re-seals it with the keychain; headless then sees it locked', async () => {
    await seedAccount(new KeyFileSecretBox(dir), 'headless@example.test');
    const keychain = safeStorage();

    const desktop = await open(chooseSecretBox({ safeStorage: keychain, platform: 'darwin', dataDir: dir }).box);
    const list = await createHandlers(desktop)['accounts:list'](undefined);
    expect(list[0]).toMatchObject({ email: 'headless@example.test', status: 'ready' });
    expect(desktop.internals.repo.list()[0]!.sealedCookie.startsWith('oskc1:')).toBe(true); // moved under the keychain
    expect(desktop.internals.accounts.openCookies(desktop.internals.cache.list()[0]!).client).toBe(
      'fake-client-cookie',
    );
    expect(desktop.internals.reconcileSealedCookies()).toEqual({ locked: 0, unlocked: 0, resealed: 0 }); // idempotent
    await close(desktop);

    // Headless mode cannot open a keychain-sealed cookie: locked at once, with the reason, per account.
    const headless = await open(new KeyFileSecretBox(dir));
    expect(headless.accounts.list()[0]).toMatchObject({ status: 'locked' });
    expect(headless.accounts.list()[0]!.statusReason).toMatch(
      /sealed by the desktop app's OS keychain, which headless mode's key file cannot open/,
    );
    await close(headless);

    // Back in the desktop app it opens again: ready.
    const again = await open(chooseSecretBox({ safeStorage: keychain, platform: 'darwin', dataDir: dir }).box);
    expect(again.accounts.list()[0]).toMatchObject({ status: 'ready', statusReason: '' });
  });

  it('a cookie another keychain sealed (other user or machine) is locked too, with the keychain’s reason', async () => {
    await seedAccount(
      chooseSecretBox({ safeStorage: safeStorage({ secret: 0x11 }), platform: 'win32', dataDir: dir }).box,
      'other@example.test',
    );
    const desktop = await open(
      chooseSecretBox({ safeStorage: safeStorage({ secret: 0x22 }), platform: 'win32', dataDir: dir }).box,
    );
    expect(desktop.accounts.list()[0]).toMatchObject({
      status: 'locked',
      statusReason: expect.stringMatching(/OS keychain could not open/),
    });
  });
});
