import type { AccountRecord } from '../../main/core/accounts/types';

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
    createdAt: 0,
    updatedAt: 0,
    ...overrides,
  };
}
