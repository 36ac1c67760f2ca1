import type { AccountRecord } from '../../main/core/accounts/types';
import type { AccountsRepo } from '../../main/core/db/accounts-repo';

/** A whole account as the cache holds it: ready, enabled, weight 1, obviously fake identity. */
export function fakeAccount(id: number, overrides: Partial<AccountRecord> = {}): AccountRecord {
  return {
    id,
    name: `account ${id}`,
    email: `user${id}@example.test`,
    userId: `user_fake${id}`,
    sessionId: `sess_fake${id}`,
    sealedCookie: 'otk1:fake',
    clientUat: '0',
    projectId: '',
    weight: 1,
    enabled: true,
    requestCount: 0,
    lastUsedAt: null,
    status: 'ready',
    statusReason: '',
    statusUntil: null,
    failureStreak: 0,
    protocol: '',
    protocolCheckedAt: null,
    creditsPlan: null,
    creditsLeft: null,
    creditsLimit: null,
    creditsCheckedAt: null,
    createdAt: 0,
    updatedAt: 0,
    ...overrides,
  };
}

/** Stores `count` obviously fake accounts (a1, a2, …) and returns their ids in order. */
export function insertFakeAccounts(repo: AccountsRepo, count: number): number[] {
  return Array.from(
    { length: count },
    (_, i) =>
      repo.insert(
        {
          name: `a${i + 1}`,
          email: `user${i + 1}@example.test`,
          userId: `user_fake${i + 1}`,
          sessionId: `sess_fake${i + 1}`,
          sealedCookie: 'otk1:fake',
          clientUat: '0',
          weight: 1,
        },
        0,
      ).id,
  );
}
