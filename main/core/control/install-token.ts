import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const CONTROL_TOKEN_FILE = 'control-token';

/**
 * The per-install secret that guards the headless dashboard and `logs --follow`. Readable only by this user; the
 * dashboard link carries it once, after which a SameSite=Strict cookie does.
 */
export function loadOrCreateControlToken(dataDir: string): string {
  const file = path.join(dataDir, CONTROL_TOKEN_FILE);
  try {
    const token = fs.readFileSync(file, 'utf8').trim();
    if (token.length >= 32) return token;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const token = randomBytes(32).toString('base64url');
  fs.writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return token;
}
