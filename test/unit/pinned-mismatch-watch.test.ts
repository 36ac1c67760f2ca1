import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../main/core/db/database';
import { PinnedMismatchWatch } from '../../main/core/proxy/pinned-mismatch';
import { tempDir } from '../helpers/temp-dir';

const open: Db[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

function database(): Db {
  const db = openDatabase(path.join(tempDir(), 'orchids-tray.db'));
  open.push(db);
  return db;
}

const kept = (db: Db): unknown => db.prepare('SELECT protocol, at FROM pinned_mismatch').all();

describe('PinnedMismatchWatch kept in SQLite', () => {
  it('writes the note when it appears or moves, its time at most once a minute, and deletes it when it goes', () => {
    const db = database();
    let pushes = 0;
    const watch = new PinnedMismatchWatch(() => (pushes += 1), db, 'ws');
    watch.missed('ws', 1_000);
    expect(kept(db)).toEqual([{ protocol: 'ws', at: 1_000 }]);
    // A pin failing request after request: memory has each time, the database one a minute.
    watch.missed('ws', 30_000);
    expect(watch.current).toEqual({ protocol: 'ws', at: 30_000 });
    expect(kept(db)).toEqual([{ protocol: 'ws', at: 1_000 }]);
    watch.missed('ws', 61_000);
    expect(kept(db)).toEqual([{ protocol: 'ws', at: 61_000 }]);
    watch.missed('sse-b', 62_000);
    expect(kept(db)).toEqual([{ protocol: 'sse-b', at: 62_000 }]);
    expect(pushes).toBe(2);
    watch.answered('sse-b');
    expect(kept(db)).toEqual([]);
    expect(pushes).toBe(3);
  });

  it('reads the note at the next start when the same pin holds, and drops it when the pin changed meanwhile', () => {
    const db = database();
    new PinnedMismatchWatch(() => {}, db, 'sse-a').missed('sse-a', 5_000);
    let pushes = 0;
    expect(new PinnedMismatchWatch(() => (pushes += 1), db, 'sse-a').current).toEqual({ protocol: 'sse-a', at: 5_000 });
    expect(new PinnedMismatchWatch(() => (pushes += 1), db, 'auto').current).toBeNull();
    expect(kept(db)).toEqual([]);
    expect(new PinnedMismatchWatch(() => (pushes += 1), db, 'sse-a').current).toBeNull();
    expect(pushes).toBe(0); // nothing to push while the core is being built
  });
});
