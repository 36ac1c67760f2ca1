import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isAlive } from './runtime-file';

/**
 * A per-user list of the apps running now, one small file per data folder, so the CLI can tell a person that the
 * folder it used is not the one their running app uses (an `ORCHIDS_TRAY_DATA_DIR` set in one terminal and not
 * in another). It lives where per-user runtime state belongs: `$XDG_RUNTIME_DIR/orchids-tray`, else a private
 * folder in the temp directory. It only ever feeds a hint; nothing is sent anywhere on its word.
 */
export interface RunningInstance {
  dataDir: string;
  pid: number;
  url: string | null;
  shell: 'desktop' | 'headless';
}

export function registerInstance(instance: RunningInstance, env: NodeJS.ProcessEnv = process.env): void {
  const dir = registryDir(env);
  if (!dir) return;
  try {
    const file = entryFile(dir, instance.dataDir);
    const temp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temp, JSON.stringify(instance), { mode: 0o600 });
    fs.renameSync(temp, file);
  } catch {
    // A hint we cannot leave costs the CLI its hint, nothing more.
  }
}

export function unregisterInstance(dataDir: string, pid: number, env: NodeJS.ProcessEnv = process.env): void {
  const dir = registryDir(env);
  if (!dir) return;
  const file = entryFile(dir, dataDir);
  if (readEntry(file)?.pid === pid) fs.rmSync(file, { force: true });
}

/** The apps running now (their process is alive); entries of dead processes are removed. */
export function runningInstances(env: NodeJS.ProcessEnv = process.env): RunningInstance[] {
  const dir = registryDir(env);
  if (!dir) return [];
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((name) => name.endsWith('.json'));
  } catch {
    return [];
  }
  const found: RunningInstance[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    const entry = readEntry(file);
    if (entry && isAlive(entry.pid)) found.push(entry);
    else fs.rmSync(file, { force: true });
  }
  return found;
}

/** Undefined when no private per-user folder can be had (then there is simply no hint). */
function registryDir(env: NodeJS.ProcessEnv): string | undefined {
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  const dir = env.XDG_RUNTIME_DIR?.trim()
    ? path.join(env.XDG_RUNTIME_DIR.trim(), 'orchids-tray')
    : path.join(env.TMPDIR?.trim() || os.tmpdir(), uid === undefined ? 'orchids-tray' : `orchids-tray-${uid}`);
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stat = fs.lstatSync(dir);
    // In a shared temp folder, a folder another user made first must not be trusted.
    if (!stat.isDirectory()) return undefined;
    if (uid !== undefined && (stat.uid !== uid || (stat.mode & 0o077) !== 0)) return undefined;
    return dir;
  } catch {
    return undefined;
  }
}

const entryFile = (dir: string, dataDir: string): string =>
  path.join(dir, `${createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 16)}.json`);

function readEntry(file: string): RunningInstance | undefined {
  try {
    const entry = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<RunningInstance>;
    if (typeof entry.dataDir !== 'string' || typeof entry.pid !== 'number') return undefined;
    return {
      dataDir: entry.dataDir,
      pid: entry.pid,
      url: typeof entry.url === 'string' ? entry.url : null,
      shell: entry.shell === 'desktop' ? 'desktop' : 'headless',
    };
  } catch {
    return undefined;
  }
}
