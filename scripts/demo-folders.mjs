// `npm run demo`'s temporary data folders. A demo removes its own folder when it stops; killed with SIGKILL (an IDE's
// stop button, `kill -9`) it cannot, so each demo writes its pid into its folder and the next demo removes the
// folders whose demo is gone. test/unit/demo-folders.test.ts holds it to that on real folders.
import fs from 'node:fs';
import path from 'node:path';

export const DEMO_PREFIX = 'orchids-tray-demo-';
export const DEMO_PID_FILE = 'demo.pid';

// DECISION: a folder goes only when its demo's pid is not alive AND nothing in it has changed for five minutes. The
// pid alone could mislead where the temp folder is shared across pid namespaces (a container beside its host): there
// a running demo's pid may look dead, but a running demo's folder that young is one starting or in use, and left.
// Five minutes is far beyond a start (seconds); a killed demo's folder waits at most that long for the next demo.
export const STALE_AFTER_MS = 5 * 60_000;

/** A fresh folder for this demo under `tmp`, with the demo's pid written in it. */
export function makeDemoFolder(tmp, pid = process.pid) {
  const dir = fs.mkdtempSync(path.join(tmp, DEMO_PREFIX));
  fs.writeFileSync(path.join(dir, DEMO_PID_FILE), `${pid}\n`);
  return dir;
}

/**
 * Removes the folders earlier demos left under `tmp` (their names start with the prefix and they hold a pid file)
 * whose demo is no longer running and which are old enough; anything else, symbolic links included, is not touched.
 * Answers the folders it removed. Never throws: a folder it cannot read or remove is left as it is.
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
    const pid = demoPid(dir);
    if (pid === undefined || now - lastChange(dir) < STALE_AFTER_MS || alive(pid)) continue;
    try {
      fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 50 });
      removed.push(dir);
    } catch {
      // Another user's folder in a shared temp folder, or one in use on Windows: not ours to force.
    }
  }
  return removed;
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
