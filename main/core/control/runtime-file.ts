import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * `<data dir>/runtime.json`: which process holds the data folder, and once it listens, where and with which
 * control token the CLI reaches it. Created atomically when an app starts (so a second app on the same folder
 * refuses to start), rewritten atomically when the server listens, removed on stop; readable by the user only.
 * A file left by a process that died is taken over.
 */
export const RUNTIME_FILE = 'runtime.json';

export interface RuntimeInfo {
  pid: number;
  shell: 'desktop' | 'headless';
  startedAt: number;
  /** Where the app serves; null while it is still starting. */
  url: string | null;
  port: number | null;
  /** The per-install control token (the control-token file's), so the CLI needs one file, not two. */
  token?: string;
}

export class DataFolderInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: RuntimeInfo,
  ) {
    const where = holder.port === null ? 'not listening yet' : `port ${holder.port}`;
    super(
      `Orchids Tray is already running for the data folder ${dataDir} ` +
        `(the ${holder.shell} app, process ${holder.pid}, ${where}). ` +
        'Use that one, quit it first, or set ORCHIDS_TRAY_DATA_DIR to another folder.',
    );
    this.name = 'DataFolderInUseError';
  }
}

/** The data folder, held by this process until `release()`. */
export interface DataFolderClaim {
  /** The server listens: tells the CLI where, and with which token. */
  announce(url: string, token: string): void;
  /** On stop: the folder is free, and the CLI must not find a stale address. */
  release(): void;
}

interface ClaimHooks {
  /** Called once the runtime file says where this app listens, and once it is gone (the instance registry). */
  onAnnounce?(info: RuntimeInfo): void;
  onRelease?(): void;
}

/** Claims the data folder for this process, or throws DataFolderInUseError naming the live holder. */
export function claimDataFolder(
  dataDir: string,
  shell: RuntimeInfo['shell'],
  hooks: ClaimHooks = {},
  pid: number = process.pid,
): DataFolderClaim {
  const file = path.join(dataDir, RUNTIME_FILE);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  let info: RuntimeInfo = { pid, shell, startedAt: Date.now(), url: null, port: null };
  // Two tries: the second follows the removal of a file whose process had died.
  for (let attempt = 0; ; attempt++) {
    if (createExclusive(file, info)) break;
    const holder = readRuntimeInfo(dataDir);
    if (holder && isAlive(holder.pid)) throw new DataFolderInUseError(dataDir, holder);
    if (attempt > 0) throw new Error(`Cannot claim ${file}: another process keeps recreating it.`);
    // Re-read just before removing: a process that took the file over meanwhile keeps it.
    const again = readRuntimeInfo(dataDir);
    if (again && isAlive(again.pid)) throw new DataFolderInUseError(dataDir, again);
    fs.rmSync(file, { force: true });
  }
  let released = false;
  return {
    announce(url, token) {
      if (released) return;
      const port = Number(new URL(url).port) || null;
      info = { ...info, url: addressForLocalClients(url), port, token };
      writeAtomically(file, info);
      hooks.onAnnounce?.(info);
    },
    release() {
      if (released) return;
      released = true;
      if (readRuntimeInfo(dataDir)?.pid === pid) fs.rmSync(file, { force: true });
      hooks.onRelease?.();
    },
  };
}

/**
 * A wildcard listen address (remote mode on 0.0.0.0 or ::) is where the server listens, not an address to dial:
 * the CLI on this machine reaches it through loopback, which the Host check always accepts.
 */
function addressForLocalClients(url: string): string {
  const parsed = new URL(url);
  if (parsed.hostname === '0.0.0.0') parsed.hostname = '127.0.0.1';
  else if (parsed.hostname === '[::]') parsed.hostname = '[::1]';
  return parsed.origin;
}

export function readRuntimeInfo(dataDir: string): RuntimeInfo | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(path.join(dataDir, RUNTIME_FILE), 'utf8')) as Partial<RuntimeInfo>;
    if (typeof parsed.pid !== 'number') return undefined;
    return {
      pid: parsed.pid,
      shell: parsed.shell === 'desktop' ? 'desktop' : 'headless',
      startedAt: Number(parsed.startedAt) || 0,
      url: typeof parsed.url === 'string' ? parsed.url : null,
      port: typeof parsed.port === 'number' ? parsed.port : null,
      ...(typeof parsed.token === 'string' ? { token: parsed.token } : {}),
    };
  } catch {
    return undefined;
  }
}

/** The app serving this data folder right now, if one is: alive, listening, and reachable with a token. */
export function runningApp(dataDir: string): (RuntimeInfo & { url: string; token: string }) | undefined {
  const info = readRuntimeInfo(dataDir);
  if (!info || !info.url || !info.token || !isAlive(info.pid)) return undefined;
  return { ...info, url: info.url, token: info.token };
}

/** Whether a process with this id exists (one of another user's counts: it is not ours to take over). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Creates `file` with this content only if it does not exist: a link cannot overwrite, so readers never see half. */
function createExclusive(file: string, info: RuntimeInfo): boolean {
  const temp = tempFile(file);
  fs.writeFileSync(temp, JSON.stringify(info), { mode: 0o600 });
  try {
    fs.linkSync(temp, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    // A file system without hard links (FAT, some network shares): an exclusive create still holds the folder.
    return createExclusiveWithoutLink(file, info);
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

function createExclusiveWithoutLink(file: string, info: RuntimeInfo): boolean {
  try {
    fs.writeFileSync(file, JSON.stringify(info), { mode: 0o600, flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

function writeAtomically(file: string, info: RuntimeInfo): void {
  const temp = tempFile(file);
  fs.writeFileSync(temp, JSON.stringify(info), { mode: 0o600 });
  fs.renameSync(temp, file);
}

const tempFile = (file: string): string => `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
