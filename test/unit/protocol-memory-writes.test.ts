import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AccountCache } from '../../main/core/accounts/account-cache';
import { AccountStates } from '../../main/core/accounts/account-states';
import { AccountsRepo, type AccountPatch } from '../../main/core/db/accounts-repo';
import { openDatabase, type Db } from '../../main/core/db/database';
import { DEFAULT_REPROBE_MS, ProtocolChoice } from '../../main/core/upstream/protocol-choice';
import type { ProtocolSetting, UpstreamProtocol } from '../../main/core/upstream/protocol';
import { insertFakeAccounts } from '../helpers/accounts';
import { tempDir } from '../helpers/temp-dir';

const MINUTE = 60_000;

/**
 * What each account's remembered protocol costs in SQLite over time: the choice, the state machine and the repo as
 * the core wires them (core/compose.ts), on a real database file, with one clock for all three.
 */
describe('remembered upstream protocol, written to a real SQLite file', () => {
  let db: Db;
  let repo: AccountsRepo;
  let cache: AccountCache;
  let states: AccountStates;
  let ids: number[];
  let now: number;
  let setting: ProtocolSetting;
  let patches: Array<[number, AccountPatch]>;
  let choice: ProtocolChoice;

  beforeEach(() => {
    db = openDatabase(path.join(tempDir('orchids-protocol-writes-'), 'tray.db'));
    repo = new AccountsRepo(db);
    ids = insertFakeAccounts(repo, 3);
    cache = new AccountCache();
    cache.replaceAll(repo.list());
    now = 1_000_000_000;
    setting = 'auto';
    patches = [];
    states = new AccountStates({
      cache,
      persist: (writes) => {
        patches.push(...writes.map(([id, patch]): [number, AccountPatch] => [id, patch]));
        repo.updateMany(writes, now);
      },
      probe: async () => true,
      now: () => now,
    });
    choice = new ProtocolChoice({
      setting: () => setting,
      remember: (accountId, protocol, at) => states.noteProtocol(accountId, protocol, at),
      now: () => now,
    });
  });
  afterEach(() => {
    states.stop();
    db.close();
  });

  /** One request on each account, as proxy/upstream-attempt.ts walks the plan, against an upstream serving `serves`. */
  function useEach(serves: readonly UpstreamProtocol[]): void {
    for (const id of ids) {
      const account = cache.get(id)!;
      for (const step of choice.plan(account)) {
        if (serves.includes(step.protocol)) {
          choice.answered(account, step.protocol);
          break;
        }
        if (step.confirmed) choice.refused(account, step.protocol);
      }
    }
    states.flushWrites();
  }

  /** Uses every account once a minute for `minutes` minutes. */
  function useEveryMinute(minutes: number, serves: readonly UpstreamProtocol[]): void {
    for (let i = 0; i < minutes; i++) {
      now += MINUTE;
      useEach(serves);
    }
  }

  const rows = () =>
    db.prepare('SELECT protocol, protocol_checked_at AS checkedAt FROM accounts ORDER BY id').all() as Array<{
      protocol: string;
      checkedAt: number | null;
    }>;

  const minutesPastReprobes = 4 * (DEFAULT_REPROBE_MS / MINUTE) + 1;

  it.each(['ws', 'sse-b', 'sse-a'] as const)(
    'pinned to %s: written once when first used, then never again however many re-probe intervals pass',
    (pinned) => {
      setting = pinned;
      useEach([pinned]);
      const firstUse = now;
      expect(patches).toHaveLength(ids.length);
      expect(rows()).toEqual(ids.map(() => ({ protocol: pinned, checkedAt: firstUse })));

      useEveryMinute(minutesPastReprobes, ['ws', 'sse-b', 'sse-a']);
      expect(patches).toHaveLength(ids.length);
      expect(rows()).toEqual(ids.map(() => ({ protocol: pinned, checkedAt: firstUse })));
    },
  );

  it('pinned to a protocol other than the one remembered: one write to record the change, then none', () => {
    useEach(['ws']);
    setting = 'sse-a';
    now += MINUTE;
    useEach(['sse-a']);
    const pinnedAt = now;
    expect(patches).toHaveLength(2 * ids.length);
    useEveryMinute(minutesPastReprobes, ['sse-a']);
    expect(patches).toHaveLength(2 * ids.length);
    expect(rows()).toEqual(ids.map(() => ({ protocol: 'sse-a', checkedAt: pinnedAt })));
  });

  it('auto on a fallback: each re-probe that ends on it is written, and nothing between re-probes', () => {
    useEach(['sse-b']);
    expect(patches).toHaveLength(ids.length);
    useEveryMinute(minutesPastReprobes, ['sse-b']);
    // A re-probe every DEFAULT_REPROBE_MS (4 of them in this span), each one write per account.
    expect(patches).toHaveLength(5 * ids.length);
    const lastReprobe = rows()[0]!.checkedAt!;
    expect(now - lastReprobe).toBeLessThan(DEFAULT_REPROBE_MS);
    expect(rows()).toEqual(ids.map(() => ({ protocol: 'sse-b', checkedAt: lastReprobe })));
  });

  it('auto on a fallback: a re-probe that finds ws back is written, and ws is never restamped after', () => {
    useEach(['sse-a']);
    useEveryMinute(DEFAULT_REPROBE_MS / MINUTE, ['ws', 'sse-a']);
    const movedAt = now;
    expect(patches).toHaveLength(2 * ids.length);
    expect(rows()).toEqual(ids.map(() => ({ protocol: 'ws', checkedAt: movedAt })));

    useEveryMinute(minutesPastReprobes, ['ws', 'sse-a']);
    expect(patches).toHaveLength(2 * ids.length);
  });
});
