import { describe, expect, it } from 'vitest';
import { creditsSiteName, describeCreditsCheck } from '../../contract/credits';
import type { AccountView, CreditsCheckOutcome } from '../../contract/account-views';

function account(id: number, name: string): AccountView {
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
    credits: null,
    createdAt: 0,
    updatedAt: 0,
  };
}

const WORK = account(1, 'Work');
const HOME = account(2, 'Home');
const OLD = account(3, 'Old');
const read = (id: number): CreditsCheckOutcome => ({ id, outcome: 'read' });

describe('describeCreditsCheck', () => {
  it('counts the accounts read, changed figure or not', () => {
    expect(describeCreditsCheck({ site: 'orchids.app', accounts: [WORK, HOME], outcomes: [read(1), read(2)] })).toBe(
      'Read the credits of 2 accounts from orchids.app.',
    );
    expect(describeCreditsCheck({ site: 'orchids.app', accounts: [WORK, HOME], outcomes: [read(1)] })).toBe(
      'Read the credits of 1 account from orchids.app.',
    );
  });

  it('names each account not read with why, a failed and a skipped one alike', () => {
    const outcomes: CreditsCheckOutcome[] = [
      read(1),
      { id: 2, outcome: 'failed', reason: 'the site answered HTTP 500' },
      { id: 3, outcome: 'skipped', reason: 'signed out' },
    ];
    expect(describeCreditsCheck({ site: 'orchids.app', accounts: [WORK, HOME, OLD], outcomes })).toBe(
      'Read the credits of 1 of 3 accounts; not read: Home (the site answered HTTP 500), Old (signed out). ' +
        'Their last figure stays.',
    );
    expect(describeCreditsCheck({ site: 'orchids.app', accounts: [WORK, HOME], outcomes: outcomes.slice(0, 2) })).toBe(
      'Read the credits of 1 of 2 accounts; not read: Home (the site answered HTTP 500). Its last figure stays.',
    );
  });

  it('says it could not read them when it read none; a reason that is a sentence loses its full stop', () => {
    const outcomes: CreditsCheckOutcome[] = [
      { id: 1, outcome: 'failed', reason: 'Clerk answered HTTP 503.' },
      { id: 2, outcome: 'failed' },
    ];
    expect(describeCreditsCheck({ site: 'orchids.app', accounts: [WORK, HOME], outcomes })).toBe(
      'Could not read the credits of Work (Clerk answered HTTP 503), Home. Their last figure stays.',
    );
    expect(describeCreditsCheck({ site: 'orchids.app', accounts: [WORK], outcomes: outcomes.slice(0, 1) })).toBe(
      'Could not read the credits of Work (Clerk answered HTTP 503). Its last figure stays.',
    );
  });

  it('leaves out an account removed while it was read, and says so when no account was there to read', () => {
    expect(
      describeCreditsCheck({
        site: 'orchids.app',
        accounts: [WORK],
        outcomes: [read(1), { id: 9, outcome: 'failed' }],
      }),
    ).toBe('Read the credits of 1 account from orchids.app.');
    expect(describeCreditsCheck({ site: 'orchids.app', accounts: [{ ...OLD, enabled: false }], outcomes: [] })).toBe(
      'No enabled account to read credits for.',
    );
  });

  it('names the site it read: orchids.app for Orchids’ own, else the host ORCHIDS_SITE_URL points at', () => {
    expect(describeCreditsCheck({ site: '127.0.0.1:4100', accounts: [WORK], outcomes: [read(1)] })).toBe(
      'Read the credits of 1 account from 127.0.0.1:4100.',
    );
  });
});

describe('creditsSiteName', () => {
  it('calls Orchids’ own site orchids.app under either name, and any other site by its host', () => {
    expect(creditsSiteName('https://www.orchids.app')).toBe('orchids.app');
    expect(creditsSiteName('https://orchids.app/')).toBe('orchids.app');
    expect(creditsSiteName('http://127.0.0.1:4100')).toBe('127.0.0.1:4100');
    expect(creditsSiteName('https://staging.orchids.app')).toBe('staging.orchids.app');
    expect(creditsSiteName('https://mirror.example.test/base')).toBe('mirror.example.test');
  });
});
