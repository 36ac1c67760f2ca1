import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  KeyFileSecretBox,
  OsKeychainSecretBox,
  SecretUnavailableError,
  cannotOpenMessage,
  sealKindOf,
  type SafeStorageLike,
} from '../../main/core/secrets/secret-box';

const PLAIN = 'fake-client-cookie-XXXX-é-🍵';

/** Stands in for Electron's safeStorage: a reversible transform tied to one "keychain" secret. */
function fakeSafeStorage(secret = 0x5a) {
  return {
    isEncryptionAvailable: () => true,
    encryptString: vi.fn((plain: string) => {
      const bytes = Buffer.from(`kc:${plain}`, 'utf8');
      return Buffer.from(bytes.map((b) => b ^ secret));
    }),
    decryptString: vi.fn((cipher: Buffer) => {
      const text = Buffer.from(cipher.map((b) => b ^ secret)).toString('utf8');
      if (!text.startsWith('kc:'))
        throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      return text.slice(3);
    }),
  } satisfies SafeStorageLike;
}

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orchids-secret-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function openError(fn: () => unknown): SecretUnavailableError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SecretUnavailableError);
    return error as SecretUnavailableError;
  }
  throw new Error('expected open() to fail');
}

describe('KeyFileSecretBox', () => {
  it('round-trips text, including non-ASCII and the empty string', () => {
    const box = new KeyFileSecretBox(dir);
    for (const plain of [PLAIN, '', 'x'.repeat(10_000)]) expect(box.open(box.seal(plain))).toBe(plain);
  });

  it('creates the key file with mode 0600 and reuses it across instances', () => {
    const data = path.join(dir, 'nested', 'data'); // the folder does not exist yet
    const first = new KeyFileSecretBox(data);
    const keyFile = path.join(data, 'secret.key');
    const stat = fs.statSync(keyFile);
    expect(stat.size).toBe(32);
    if (process.platform !== 'win32') expect(stat.mode & 0o777).toBe(0o600);
    const keyBefore = fs.readFileSync(keyFile);

    const sealed = first.seal(PLAIN);
    const second = new KeyFileSecretBox(data);
    expect(second.open(sealed)).toBe(PLAIN);
    expect(fs.readFileSync(keyFile).equals(keyBefore)).toBe(true);
  });

  it('a box with a different key file cannot open the value, and says why', () => {
    const sealed = new KeyFileSecretBox(path.join(dir, 'a')).seal(PLAIN);
    const other = new KeyFileSecretBox(path.join(dir, 'b'));
    const error = openError(() => other.open(sealed));
    expect(error.message).toMatch(/different key file/);
    expect(error.message).toMatch(/add it again/);
  });

  it('the ciphertext hides the plain text and differs on every seal', () => {
    const box = new KeyFileSecretBox(dir);
    const plain = 'fake-api-key-XXXX-0123456789';
    const a = box.seal(plain);
    const b = box.seal(plain);
    expect(a).not.toBe(b);
    for (const sealed of [a, b]) {
      expect(sealed.startsWith('otk1:')).toBe(true);
      expect(sealed).not.toContain(plain);
      expect(sealed).not.toContain(Buffer.from(plain).toString('base64url').slice(0, 12));
      expect(sealed).not.toContain(Buffer.from(plain).toString('base64').slice(0, 12));
    }
    expect(sealKindOf(a)).toBe('key-file');
  });

  it('a tampered or truncated value is refused, not returned garbled', () => {
    const box = new KeyFileSecretBox(dir);
    const sealed = box.seal(PLAIN);
    // Flip one bit of the ciphertext itself (not a base64 padding bit): GCM's tag must catch it.
    const [iv, tag, body] = sealed.slice('otk1:'.length).split('.') as [string, string, string];
    const bytes = Buffer.from(body, 'base64url');
    bytes[0] = bytes[0]! ^ 1;
    const tampered = `otk1:${iv}.${tag}.${bytes.toString('base64url')}`;
    expect(openError(() => box.open(tampered)).message).toMatch(/different key file/);
    expect(openError(() => box.open('otk1:onlyonepart')).message).toMatch(/damaged/);
  });

  it('uses the key another process made first, never a key file half written', () => {
    const keyFile = path.join(dir, 'secret.key');
    const theirs = Buffer.alloc(32, 7);
    const link = fs.linkSync.bind(fs);
    // The other process (the CLI beside the app) puts its whole key in place just before this one does.
    const spy = vi.spyOn(fs, 'linkSync').mockImplementation((from, to) => {
      fs.writeFileSync(keyFile, theirs, { mode: 0o600 });
      link(from, to);
    });
    try {
      const box = new KeyFileSecretBox(dir);
      expect(spy).toHaveBeenCalledOnce();
      expect(fs.readFileSync(keyFile).equals(theirs)).toBe(true);
      const ours = new KeyFileSecretBox(dir);
      expect(ours.open(box.seal(PLAIN))).toBe(PLAIN);
      // The draft this process wrote its key to first is gone.
      expect(fs.readdirSync(dir)).toEqual(['secret.key']);
    } finally {
      spy.mockRestore();
    }
  });

  it('refuses a key file of the wrong size instead of using it', () => {
    fs.writeFileSync(path.join(dir, 'secret.key'), Buffer.alloc(16));
    expect(() => new KeyFileSecretBox(dir)).toThrow(/not a 32-byte key/);
  });
});

describe('OsKeychainSecretBox', () => {
  it('round-trips through safeStorage and never stores the plain text', () => {
    const storage = fakeSafeStorage();
    const box = new OsKeychainSecretBox(storage);
    const sealed = box.seal(PLAIN);
    expect(sealed.startsWith('oskc1:')).toBe(true);
    expect(sealed).not.toContain('fake-client-cookie');
    expect(box.open(sealed)).toBe(PLAIN);
    expect(storage.encryptString).toHaveBeenCalledWith(PLAIN);
    expect(sealKindOf(sealed)).toBe('os-keychain');
  });

  it("another keychain that cannot decrypt gives SecretUnavailableError, not safeStorage's raw error", () => {
    const sealed = new OsKeychainSecretBox(fakeSafeStorage(0x5a)).seal(PLAIN);
    const error = openError(() => new OsKeychainSecretBox(fakeSafeStorage(0x33)).open(sealed));
    expect(error.message).toMatch(/OS keychain could not open this secret/);
  });
});

describe('each box refuses the other one’s values, naming the sealer', () => {
  it('the key-file box meets a keychain value', () => {
    const sealed = new OsKeychainSecretBox(fakeSafeStorage()).seal(PLAIN);
    const keyFile = new KeyFileSecretBox(dir);
    const error = openError(() => keyFile.open(sealed));
    expect(error.message).toBe(
      "sealed by the desktop app's OS keychain, which headless mode's key file cannot open: " +
        'use it from the desktop app, or add the account again here',
    );
  });

  it('the keychain box meets a key-file value', () => {
    const storage = fakeSafeStorage();
    const sealed = new KeyFileSecretBox(dir).seal(PLAIN);
    const error = openError(() => new OsKeychainSecretBox(storage).open(sealed));
    expect(error.message).toBe(
      "sealed by headless mode's key file, which the desktop app's OS keychain cannot open: add the account again here",
    );
    expect(storage.decryptString).not.toHaveBeenCalled();
  });

  it('a value in no known format is called unknown by both', () => {
    const keyFile = new KeyFileSecretBox(dir);
    const keychain = new OsKeychainSecretBox(fakeSafeStorage());
    expect(sealKindOf('plain-cookie-XXXX')).toBeUndefined();
    expect(openError(() => keyFile.open('plain-cookie-XXXX')).message).toMatch(/unknown format/);
    expect(openError(() => keychain.open('plain-cookie-XXXX')).message).toMatch(/unknown format/);
    expect(cannotOpenMessage('plain-cookie-XXXX', keyFile)).toMatch(/remove the account and add it again/);
  });
});
