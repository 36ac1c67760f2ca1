import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const CONTROL_TOKEN_FILE = 'control-token';
export const RUNTIME_FILE = 'runtime.json';

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

export interface RuntimeInfo {
  url: string;
  pid: number;
  startedAt: number;
  shell: 'desktop' | 'headless';
}

/** Tells other processes (the CLI) where the running app listens. */
export function writeRuntimeInfo(dataDir: string, info: RuntimeInfo): void {
  fs.writeFileSync(path.join(dataDir, RUNTIME_FILE), JSON.stringify(info), { mode: 0o600 });
}

export function clearRuntimeInfo(dataDir: string, pid: number = process.pid): void {
  const info = readRuntimeInfo(dataDir);
  if (info?.pid === pid) fs.rmSync(path.join(dataDir, RUNTIME_FILE), { force: true });
}

export function readRuntimeInfo(dataDir: string): RuntimeInfo | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dataDir, RUNTIME_FILE), 'utf8')) as RuntimeInfo;
  } catch {
    return undefined;
  }
}
