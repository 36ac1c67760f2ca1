import { afterEach, describe, expect, it } from 'vitest';
import { jwtExpiryMs } from '../../main/core/clerk/jwt';
import {
  describeServerClock,
  observeServerDate,
  serverClockOffsetMs,
  SKEW_IGNORED_MS,
} from '../../main/core/clerk/server-clock';
import { fakeJwt } from '../sim/fake-jwt';

const LOCAL = Date.UTC(2026, 11, 1, 12, 0, 0);
const header = (ms: number): string => new Date(ms).toUTCString();

afterEach(() => observeServerDate(header(LOCAL), LOCAL));

describe('the server clock offset', () => {
  it.each([
    ['ahead by two minutes', 120_000, 120_000],
    ['behind by two minutes', -120_000, -120_000],
    ['off by less than the ignored few seconds', SKEW_IGNORED_MS - 1000, 0],
    ['in step', 0, 0],
  ])('Clerk %s reads as %#', (_what, skew, expected) => {
    observeServerDate(header(LOCAL + skew), LOCAL);
    expect(serverClockOffsetMs()).toBe(expected);
  });

  it('judges a token’s exp on the issuer’s clock', () => {
    const token = fakeJwt({ exp: (LOCAL + 60_000) / 1000 });
    expect(jwtExpiryMs(token)).toBe(LOCAL + 60_000);
    observeServerDate(header(LOCAL - 120_000), LOCAL); // Clerk two minutes behind this machine
    expect(jwtExpiryMs(token)).toBe(LOCAL + 180_000);
  });

  it('says when the offset moved, and in words', () => {
    expect(observeServerDate(header(LOCAL + 45_000), LOCAL)).toBe(true);
    expect(describeServerClock('Clerk')).toBe(
      "this machine's clock runs 45 s behind Clerk's; token lifetimes are read on its clock",
    );
    expect(observeServerDate(header(LOCAL + 46_000), LOCAL)).toBe(false); // the header's rounding, not news
    expect(observeServerDate(header(LOCAL + 1_000), LOCAL)).toBe(true);
    expect(describeServerClock('Clerk')).toBe("this machine's clock agrees with Clerk's");
  });

  it('a missing or unreadable Date header changes nothing', () => {
    observeServerDate(header(LOCAL + 90_000), LOCAL);
    observeServerDate(undefined, LOCAL);
    observeServerDate('not a date', LOCAL);
    expect(serverClockOffsetMs()).toBe(90_000);
    observeServerDate([header(LOCAL)], LOCAL);
    expect(serverClockOffsetMs()).toBe(0);
  });
});
