/**
 * Secrets at rest in the desktop app. Account cookies and the API key are sealed with Electron's safeStorage (the
 * macOS Keychain, Windows DPAPI, the Secret Service or KWallet on Linux) through OsKeychainSecretBox, so the
 * database only ever holds ciphertext whose key the OS guards.
 *
 * Linux without a keyring daemon is the exception: safeStorage then reports the `basic_text` backend, which
 * "encrypts" with a password hard-coded in Chromium — obfuscation, not protection, and worse, it would look like
 * keychain protection. We refuse it (as Signal does) and fall back to headless mode's key-file box (AES-256-GCM,
 * key in `<data dir>/secret.key`, mode 0600), which is honest about what it protects, and say so in the log, in a
 * one-time notification and in the tray menu.
 */
import {
  KeyFileSecretBox,
  OsKeychainSecretBox,
  type SafeStorageLike,
  type SecretBox,
} from '../core/secrets/secret-box';

/** Electron's safeStorage as far as choosing goes; `getSelectedStorageBackend` exists on Linux only. */
export interface SafeStorageProbe extends SafeStorageLike {
  getSelectedStorageBackend?(): string;
}

export interface SecretChoice {
  box: SecretBox;
  /** The Linux backend safeStorage uses, when it told us. */
  backend?: string;
  /** Set when we fell back to the key file: one line for the log and the tray, in plain words. */
  note?: string;
}

/** Linux backends that are not a real keychain: `basic_text` is a fixed password; `unknown` means no answer. */
const REFUSED_BACKENDS: ReadonlySet<string> = new Set(['basic_text', 'unknown']);

/**
 * Call after `app.whenReady()`: before it, safeStorage on Linux has not picked a backend yet and reports `unknown`.
 * `keyFileBox` is injectable for tests.
 */
export function chooseSecretBox(options: {
  safeStorage: SafeStorageProbe;
  platform: NodeJS.Platform;
  dataDir: string;
  keyFileBox?: (dataDir: string) => SecretBox;
}): SecretChoice {
  const keyFile = (note: string, backend?: string): SecretChoice => ({
    box: (options.keyFileBox ?? ((dir) => new KeyFileSecretBox(dir)))(options.dataDir),
    backend,
    note,
  });
  let available: boolean;
  try {
    available = options.safeStorage.isEncryptionAvailable();
  } catch {
    available = false;
  }
  if (!available) {
    return keyFile(
      'No OS keychain is available, ' +
        'so account cookies are sealed with a key file in the data folder (as in headless mode).',
    );
  }
  if (options.platform === 'linux') {
    const backend = options.safeStorage.getSelectedStorageBackend?.() ?? 'unknown';
    if (REFUSED_BACKENDS.has(backend)) {
      return keyFile(
        'No desktop keyring (Secret Service or KWallet) answered; ' +
          `Electron's "${backend}" fallback is not encryption, so account cookies are sealed ` +
          'with a key file in the data folder instead (as in headless mode).',
        backend,
      );
    }
    return { box: new OsKeychainSecretBox(options.safeStorage), backend };
  }
  return { box: new OsKeychainSecretBox(options.safeStorage) };
}
