import { describe, expect, it } from 'vitest';
import type { AccountView } from '../../contract/views';
import { creditsCheckOutcome } from '../../renderer/src/lib/credits-check';

function account(id: number, name: string, checkedAt: number | null, more: Partial<AccountView> = {}): AccountView {
  return {
    id,
    name,
    email: `user${id}@example.test`,
    enabled: true,
    weight: 1,
    requestCount: 0,
    lastUsedAt: null,
    status: 'ready',
    statusReason: '',
    statusUntil: null,
    protocol: '',
    credits: checkedAt === null ? null : { plan: 'FREE', left: 150_000, monthlyLimit: 150_000, checkedAt },
    createdAt: 0,
    updatedAt: 0,
    ...more,
  };
}

describe('creditsCheckOutcome', () => {
  it('counts an account as read when its figure was read again, changed or not', () => {
    const before = [account(1, 'Work', 1_000), account(2, 'Home', null)];
    const after = [account(1, 'Work', 2_000), account(2, 'Home', 2_000)];
    expect(creditsCheckOutcome(before, after)).toBe('Read the credits of 2 accounts from orchids.app.');
    expect(creditsCheckOutcome(before.slice(0, 1), after.slice(0, 1))).toBe(
      'Read the credits of 1 account from orchids.app.',
    );
  });

  it('names the enabled accounts it missed, and why when they are signed out; a disabled one is not missed', () => {
    const before = [account(1, 'Work', 1_000), account(2, 'Home', 1_000), account(3, 'Old', null)];
    const after = [
      account(1, 'Work', 2_000),
      account(2, 'Home', 1_000),
      account(3, 'Old', null, { status: 'signed_out' }),
      account(4, 'Off', null, { enabled: false }),
    ];
    expect(creditsCheckOutcome(before, after)).toBe(
      'Read the credits of 1 of 3 accounts; not read: Home, Old (signed out). Their last figure stays.',
    );
    expect(creditsCheckOutcome(before.slice(0, 2), after.slice(0, 2))).toBe(
      'Read the credits of 1 of 2 accounts; not read: Home. Its last figure stays.',
    );
  });

  it('says it could not read them when it read none', () => {
    const before = [account(1, 'Work', 1_000), account(2, 'Home', null)];
    const after = [account(1, 'Work', 1_000), account(2, 'Home', null, { status: 'signed_out' })];
    expect(creditsCheckOutcome(before, after)).toBe(
      'Could not read the credits of Work, Home (signed out). Their last figure stays.',
    );
  });

  it('says so when no account was there to read', () => {
    expect(creditsCheckOutcome([], [account(4, 'Off', null, { enabled: false })])).toBe(
      'No enabled account to read credits for.',
    );
  });
});
