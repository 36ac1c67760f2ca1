import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AccountsRepo } from '../../main/core/db/accounts-repo';
import { openDatabase, type Db } from '../../main/core/db/database';
import { insertFakeAccounts } from '../helpers/accounts';

describe('AccountsRepo.updateMany (the state machine’s batched writes), real SQLite', () => {
  let dir: string;
  let db: Db;
  let repo: AccountsRepo;
  let ids: number[];

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orchids-update-many-'));
    db = openDatabase(path.join(dir, 'tray.db'));
    repo = new AccountsRepo(db);
    ids = insertFakeAccounts(repo, 3);
  });
  afterEach(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('applies each account’s own patch, whatever columns it names, and stamps updated_at', () => {
    const [a, b, c] = ids as [number, number, number];
    repo.updateMany(
      [
        [a, { protocol: 'sse-a', protocolCheckedAt: 5000 }],
        [b, { status: 'cooling_down', statusReason: '429', statusUntil: 9000, failureStreak: 2 }],
        [c, { enabled: false }],
      ],
      7000,
    );
    expect(repo.get(a)).toMatchObject({ protocol: 'sse-a', protocolCheckedAt: 5000, status: 'ready' });
    expect(repo.get(b)).toMatchObject({ status: 'cooling_down', statusReason: '429', statusUntil: 9000 });
    expect(repo.get(b)).toMatchObject({ failureStreak: 2, protocol: '' });
    expect(repo.get(c)).toMatchObject({ enabled: false, status: 'ready' });
    const stamps = db.prepare('SELECT id, updated_at AS at FROM accounts ORDER BY id').all() as Array<{ at: number }>;
    expect(stamps.map((row) => row.at)).toEqual([7000, 7000, 7000]);
  });

  it('an account removed meanwhile is skipped; an empty patch writes nothing', () => {
    const [a, b] = ids as [number, number];
    repo.remove(b);
    repo.updateMany(
      [
        [b, { status: 'failing' }],
        [a, {}],
      ],
      7000,
    );
    expect(repo.get(b)).toBeUndefined();
    const row = db.prepare('SELECT updated_at AS at FROM accounts WHERE id = ?').get(a) as { at: number };
    expect(row.at).toBe(0);
  });

  it('is one transaction: a patch SQLite refuses leaves every account of the batch as it was', () => {
    const [a, b] = ids as [number, number];
    expect(() =>
      repo.updateMany(
        [
          [a, { protocol: 'ws', protocolCheckedAt: 1 }],
          [b, { weight: -1 }], // the schema's CHECK (weight >= 0)
        ],
        7000,
      ),
    ).toThrow();
    expect(repo.get(a)).toMatchObject({ protocol: '', protocolCheckedAt: null });
    expect(repo.get(b)).toMatchObject({ weight: 1 });
  });
});
