import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const CONTROL_TOKEN_FILE = 'control-token';

/**
 * The per-install secret that guards the control API (`logs --follow`, the CLI's calls to the running app) and
 * signs dashboard links. Readable only by this user; it never travels in a link (control/dashboard-access.ts).
 */
export function loadOrCreateControlToken(dataDir: string): string {
  const file = path.join(dataDir, CONTROL_TOKEN_FILE);
  try {
    const token = fs.readFileSync(file, 'utf8').trim();
    if (token.length >= 32) return token;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return rotateControlToken(dataDir);
}

/**
 * Replaces the install token on disk (written beside and renamed over, so a reader never sees half of it). The
 * `ott_` prefix lets the debug-log redactor recognise a token even in a process that does not hold it.
 */
export function rotateControlToken(dataDir: string): string {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const token = `ott_${randomBytes(32).toString('base64url')}`;
  const file = path.join(dataDir, CONTROL_TOKEN_FILE);
  const next = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(next, `${token}\n`, { mode: 0o600 });
  fs.renameSync(next, file);
  return token;
}
