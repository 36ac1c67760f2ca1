// `npm run demo`'s temporary data folders. A demo removes its own folder when it stops; killed with SIGKILL (an IDE's
// stop button, `kill -9`) it cannot, so each demo writes its pid into its folder and the next demo removes the
// folders whose demo is gone, and those older demos (which wrote no pid) left. test/unit/demo-folders.test.ts holds
// it to that on real folders.
import fs from 'node:fs';
import path from 'node:path';

export const DEMO_PREFIX = 'orchids-tray-demo-';
export const DEMO_PID_FILE = 'demo.pid';

// DECISION: a folder goes only when its demo's pid is not alive AND nothing in it has changed for five minutes. The
// pid alone could mislead where the temp folder is shared across pid namespaces (a container beside its host): there
// a running demo's pid may look dead, but a running demo's folder that young is one starting or in use, and left.
// Five minutes is far beyond a start (seconds); a killed demo's folder waits at most that long for the next demo.
export const STALE_AFTER_MS = 5 * 60_000;

// DECISION: a folder an older demo left has no pid file (demos wrote none before 2026-12-07), so nothing says whether
// its demo runs. It goes only when all of these hold: its name is exactly the prefix and the six letters or digits
// mkdtemp adds (what every demo's folder is called, and few other things are); this user owns it; it holds no
// `demo.pid` at all (one that holds garbage is not a demo's); nothing in it has changed for a day (a running app
// rewrites its database at every request, and a running demo is used, not left a day); and the runtime file in it,
// which an app writes on start and removes on stop, names no live process (such a demo's app had no parent watch and
// may outlive it, idle). A day rather than five minutes: without a pid the age is the main evidence.
const PIDLESS_STALE_AFTER_MS = 24 * 60 * 60_000;
const MKDTEMP_NAME = new RegExp(`^${DEMO_PREFIX}[A-Za-z0-9]{6}$`);
const RUNTIME_FILE = 'runtime.json'; // main/core/control/runtime-file.ts

/** A fresh folder for this demo under `tmp`, with the demo's pid written in it. */
export function makeDemoFolder(tmp, pid = process.pid) {
  const dir = fs.mkdtempSync(path.join(tmp, DEMO_PREFIX));
  fs.writeFileSync(path.join(dir, DEMO_PID_FILE), `${pid}\n`);
  return dir;
}

/**
 * Removes the folders earlier demos left under `tmp` (their names start with the prefix and they hold a pid file)
 * whose demo is no longer running and which are old enough, and those older demos left without a pid file (see
 * PIDLESS_STALE_AFTER_MS); anything else, symbolic links included, is not touched. Answers the folders it removed.
 * Never throws: a folder it cannot read or remove is left as it is.
 */
export function removeStaleDemoFolders(tmp, now = Date.now()) {
  let entries;
  try {
    entries = fs.readdirSync(tmp, { withFileTypes: true });
  } catch {
    return [];
  }
  const removed = [];
  for (const entry of entries) {
    // A link is not a directory here (readdir does not follow it): one named like ours is left alone.
    if (!entry.isDirectory() || !entry.name.startsWith(DEMO_PREFIX)) continue;
    const dir = path.join(tmp, entry.name);
    if (!(hasPidFile(dir) ? killedDemo(dir, now) : olderDemoLeft(dir, entry.name, now))) continue;
    try {
      fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 50 });
      removed.push(dir);
    } catch {
      // Another user's folder in a shared temp folder, or one in use on Windows: not ours to force.
    }
  }
  return removed;
}

/** A folder with a pid file: its demo is gone and nothing in it changed for five minutes. */
function killedDemo(dir, now) {
  const pid = demoPid(dir);
  return pid !== undefined && now - lastChange(dir) >= STALE_AFTER_MS && !alive(pid);
}

/** A folder with no pid file: an older demo's, by its name and owner, a day untouched, and no live app holding it. */
function olderDemoLeft(dir, name, now) {
  if (!MKDTEMP_NAME.test(name) || !ownedByMe(dir) || now - lastChange(dir) < PIDLESS_STALE_AFTER_MS) return false;
  const holder = runtimePid(dir);
  return holder === undefined || !alive(holder);
}

function hasPidFile(dir) {
  try {
    fs.lstatSync(path.join(dir, DEMO_PID_FILE));
    return true;
  } catch (error) {
    // Only a file that is surely not there makes the folder pidless; one that cannot be looked at is left alone.
    return error.code !== 'ENOENT';
  }
}

function ownedByMe(dir) {
  // Windows has no uids: its temp folder is the user's own.
  if (typeof process.getuid !== 'function') return true;
  try {
    return fs.lstatSync(dir).uid === process.getuid();
  } catch {
    return false;
  }
}

/** The pid in the folder's runtime file (an app holding it as its data folder), or undefined when there is none. */
function runtimePid(dir) {
  let text;
  try {
    text = fs.readFileSync(path.join(dir, RUNTIME_FILE), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const pid = JSON.parse(text).pid;
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    // Half written when its app was killed: no pid to ask about, and the day untouched says the rest.
    return undefined;
  }
}

/** The pid a demo wrote into `dir`, or undefined when there is no pid file of ours (or it holds no pid). */
function demoPid(dir) {
  try {
    const file = path.join(dir, DEMO_PID_FILE);
    if (!fs.lstatSync(file).isFile()) return undefined;
    const text = fs.readFileSync(file, 'utf8').trim();
    return /^[1-9]\d{0,9}$/.test(text) ? Number(text) : undefined;
  } catch {
    return undefined;
  }
}

/** When anything in `dir` last changed: the folder itself (a file made or removed) or a file in it (the database). */
function lastChange(dir) {
  try {
    let newest = fs.lstatSync(dir).mtimeMs;
    for (const name of fs.readdirSync(dir)) newest = Math.max(newest, fs.lstatSync(path.join(dir, name)).mtimeMs);
    return newest;
  } catch {
    // Something went between the listing and the look: it changed just now.
    return Date.now();
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, as another user's process.
    return error.code === 'EPERM';
  }
}
