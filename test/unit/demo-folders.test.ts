/**
 * `npm run demo`'s temporary folders (scripts/demo-folders.mjs): a demo killed with SIGKILL cannot remove its own, so
 * the next demo removes it, on real folders: only a folder of the demo's name with a demo's pid file in it, whose demo
 * is gone and which nothing has touched for a while, or one an older demo left (no pid file) that nothing has touched
 * for a day and no running app holds; never anything else in the temp folder.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEMO_PID_FILE,
  DEMO_PREFIX,
  makeDemoFolder,
  removeStaleDemoFolders,
  STALE_AFTER_MS,
} from '../../scripts/demo-folders.mjs';
import { RUNTIME_FILE } from '../../main/core/control/runtime-file';
import { tempDir } from '../helpers/temp-dir';

/** The pid of a process that has exited (a real one: its number was in use a moment ago). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

/** A folder under `tmp` as a demo leaves it, its pid file saying `pid`, everything in it last changed `ageMs` ago. */
function plant(tmp: string, name: string, pid: string | null, ageMs: number): string {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'orchids-tray.db'), '');
  if (pid !== null) fs.writeFileSync(path.join(dir, DEMO_PID_FILE), pid);
  age(dir, ageMs);
  return dir;
}

/** Sets the folder and everything in it to have last changed `ageMs` ago. */
function age(dir: string, ageMs: number): void {
  const then = new Date(Date.now() - ageMs);
  for (const entry of fs.readdirSync(dir)) fs.utimesSync(path.join(dir, entry), then, then);
  fs.utimesSync(dir, then, then);
}

const DAY = 86_400_000;

const OLD = STALE_AFTER_MS + 60_000;

describe("npm run demo's temporary folders", () => {
  it('writes the demo pid into a fresh folder of the demo prefix', () => {
    const tmp = tempDir();
    const dir = makeDemoFolder(tmp, 4242);
    expect(path.dirname(dir)).toBe(tmp);
    expect(path.basename(dir).startsWith(DEMO_PREFIX)).toBe(true);
    expect(fs.readFileSync(path.join(dir, DEMO_PID_FILE), 'utf8').trim()).toBe('4242');
  });

  it('removes an old folder whose demo is gone, and leaves everything else where it is', () => {
    const tmp = tempDir();
    const dead = String(deadPid());
    const stale = plant(tmp, `${DEMO_PREFIX}killed`, dead, OLD);
    const kept = [
      // Its demo runs (this process stands in for it).
      plant(tmp, `${DEMO_PREFIX}running`, String(process.pid), OLD),
      // Its demo is gone, but it was touched a moment ago: perhaps one starting now, in another process namespace.
      plant(tmp, `${DEMO_PREFIX}fresh`, dead, 1_000),
      // No pid file (an older demo's, which wrote none), touched within the day: perhaps one still running.
      plant(tmp, `${DEMO_PREFIX}nopid1`, null, OLD),
      // A pid file that holds no pid.
      plant(tmp, `${DEMO_PREFIX}garbage`, 'not a pid', OLD),
      // Another name, whatever it holds.
      plant(tmp, 'orchids-tray-test-killed', dead, OLD),
      plant(tmp, `x${DEMO_PREFIX}killed`, dead, OLD),
    ];
    const file = path.join(tmp, `${DEMO_PREFIX}file`);
    fs.writeFileSync(file, dead);
    const link = path.join(tmp, `${DEMO_PREFIX}link`);
    fs.symlinkSync(plant(tempDir(), `${DEMO_PREFIX}target`, dead, OLD), link);

    expect(removeStaleDemoFolders(tmp)).toEqual([stale]);
    expect(fs.existsSync(stale)).toBe(false);
    for (const dir of kept) expect(fs.readdirSync(dir).sort(), dir).toContain('orchids-tray.db');
    expect(fs.readFileSync(file, 'utf8')).toBe(dead);
    expect(fs.readdirSync(link)).toContain(DEMO_PID_FILE);
  });

  it("removes an older demo's folder, which has no pid file, once nothing in it has changed for a day", () => {
    const tmp = tempDir();
    const dead = deadPid();
    const runtime = (pid: number) => JSON.stringify({ pid, shell: 'headless', startedAt: 0, url: null, port: null });
    // As an older demo left it, killed: its data folder, perhaps with the runtime file of an app that has gone.
    const stale = [
      plant(tmp, `${DEMO_PREFIX}aB3xZ9`, null, DAY + 60_000),
      plant(tmp, `${DEMO_PREFIX}Qq0000`, null, DAY * 30),
    ];
    fs.writeFileSync(path.join(stale[1]!, RUNTIME_FILE), runtime(dead));
    age(stale[1]!, DAY * 30);
    const kept = [
      // Touched within the day: a demo of an older version may still be running on it.
      plant(tmp, `${DEMO_PREFIX}young1`, null, DAY - 60_000),
      // Not a name mkdtemp gives (the prefix and six letters or digits): not a folder a demo made.
      plant(tmp, `${DEMO_PREFIX}mine`, null, DAY * 30),
      plant(tmp, `${DEMO_PREFIX}abcdefg`, null, DAY * 30),
      plant(tmp, `${DEMO_PREFIX}ab-def`, null, DAY * 30),
      // Old, but the app it ran still holds it (an older demo's app outlived the demo: nothing stopped it).
      plant(tmp, `${DEMO_PREFIX}inUse0`, null, DAY * 30),
    ];
    fs.writeFileSync(path.join(kept.at(-1)!, RUNTIME_FILE), runtime(process.pid));
    age(kept.at(-1)!, DAY * 30);

    expect(removeStaleDemoFolders(tmp).sort()).toEqual(stale.sort());
    for (const dir of stale) expect(fs.existsSync(dir), dir).toBe(false);
    for (const dir of kept) expect(fs.readdirSync(dir), dir).toContain('orchids-tray.db');
  });

  it('does nothing where the temp folder cannot be read', () => {
    expect(removeStaleDemoFolders(path.join(tempDir(), 'missing'))).toEqual([]);
  });
});
