import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Seals secrets (account cookies, the API key) before they reach the database. Two implementations exist: the
 * desktop app's, backed by the OS keychain through Electron's safeStorage, and headless mode's, backed by a
 * per-install key file. Each sealed value names its sealer, so a mode that meets a value it cannot open says so.
 */
export interface SecretBox {
  readonly kind: SealKind;
  seal(plain: string): string;
  /** @throws SecretUnavailableError when this box cannot open the value */
  open(sealed: string): string;
}

export type SealKind = 'key-file' | 'os-keychain';

const PREFIX: Record<SealKind, string> = { 'key-file': 'otk1:', 'os-keychain': 'oskc1:' };
const DESCRIPTION: Record<SealKind, string> = {
  'key-file': "headless mode's key file",
  'os-keychain': "the desktop app's OS keychain",
};

export class SecretUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretUnavailableError';
  }
}

export function sealKindOf(sealed: string): SealKind | undefined {
  for (const kind of Object.keys(PREFIX) as SealKind[]) if (sealed.startsWith(PREFIX[kind])) return kind;
  return undefined;
}

export function cannotOpenMessage(sealed: string, box: SecretBox): string {
  const kind = sealKindOf(sealed);
  if (!kind) return 'this secret is in an unknown format; remove the account and add it again';
  return (
    `sealed by ${DESCRIPTION[kind]}, which ${DESCRIPTION[box.kind]} cannot open: ` +
    (kind === 'os-keychain'
      ? 'use it from the desktop app, or add the account again here'
      : 'add the account again here')
  );
}

/**
 * Headless protection: AES-256-GCM with a random key in `<data dir>/secret.key`, readable only by the user
 * (mode 0600). It keeps secrets out of a copied or synced database file and out of backups of the database alone;
 * it does not stop someone who can read the whole data folder as this user — no keychain-less scheme can.
 */
export class KeyFileSecretBox implements SecretBox {
  readonly kind = 'key-file' as const;
  private readonly key: Buffer;

  constructor(dataDir: string) {
    this.key = loadOrCreateKey(path.join(dataDir, 'secret.key'));
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    const parts = [iv, tag, body].map((part) => part.toString('base64url'));
    return PREFIX['key-file'] + parts.join('.');
  }

  open(sealed: string): string {
    if (!sealed.startsWith(PREFIX['key-file'])) throw new SecretUnavailableError(cannotOpenMessage(sealed, this));
    const [iv, tag, body] = sealed.slice(PREFIX['key-file'].length).split('.');
    if (!iv || !tag || body === undefined) throw new SecretUnavailableError('this secret is damaged; add it again');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretUnavailableError(
        'sealed with a different key file (secret.key was replaced or the database was copied from another machine); ' +
          'add it again',
      );
    }
  }
}

function loadOrCreateKey(file: string): Buffer {
  const existing = readKey(file);
  if (existing) return existing;
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  // Written whole under a name of this process's own, then linked into place: a link either makes the name, whole, or
  // fails because another process (the CLI beside the app) made it first. Creating the name itself and then writing
  // left an instant in which another process read an empty file and refused it as "not a 32-byte key".
  const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  fs.writeFileSync(draft, key, { mode: 0o600, flag: 'wx' });
  try {
    fs.linkSync(draft, file);
    return key;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return readKey(file) ?? notAKey(file);
    // A file system without hard links (FAT, exFAT): make the name and write it, as before, the instant left open.
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw error;
    fs.writeFileSync(file, key, { mode: 0o600, flag: 'wx' });
    return key;
  } finally {
    fs.rmSync(draft, { force: true });
  }
}

/** The key in `file`, or undefined when there is none yet. */
function readKey(file: string): Buffer | undefined {
  try {
    const existing = fs.readFileSync(file);
    return existing.length === 32 ? existing : notAKey(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function notAKey(file: string): never {
  throw new Error(`${file} is not a 32-byte key; move it aside to let Orchids Tray create a new one`);
}

/** Adapts an Electron-safeStorage-like object; kept here so the shell stays thin and this stays testable. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(cipher: Buffer): string;
}

export class OsKeychainSecretBox implements SecretBox {
  readonly kind = 'os-keychain' as const;
  constructor(private readonly safeStorage: SafeStorageLike) {}

  seal(plain: string): string {
    return PREFIX['os-keychain'] + this.safeStorage.encryptString(plain).toString('base64');
  }

  open(sealed: string): string {
    if (!sealed.startsWith(PREFIX['os-keychain'])) throw new SecretUnavailableError(cannotOpenMessage(sealed, this));
    try {
      return this.safeStorage.decryptString(Buffer.from(sealed.slice(PREFIX['os-keychain'].length), 'base64'));
    } catch {
      throw new SecretUnavailableError(
        'the OS keychain could not open this secret (another user or machine?); add it again',
      );
    }
  }
}

/**
 * The desktop app's box: seals with the OS keychain, and can still open what headless mode or the CLI sealed with
 * the key file (it has that file too), so accounts added from the command line work in the window. The core then
 * re-seals them with the keychain. The reverse is impossible: headless mode cannot open keychain-sealed values.
 */
export class LayeredSecretBox implements SecretBox {
  readonly kind: SealKind;

  constructor(
    private readonly primary: SecretBox,
    private readonly readers: readonly SecretBox[],
  ) {
    this.kind = primary.kind;
  }

  seal(plain: string): string {
    return this.primary.seal(plain);
  }

  open(sealed: string): string {
    const kind = sealKindOf(sealed);
    const box = [this.primary, ...this.readers].find((candidate) => candidate.kind === kind);
    if (!box) throw new SecretUnavailableError(cannotOpenMessage(sealed, this.primary));
    return box.open(sealed);
  }
}
