import { afterEach, describe, expect, it } from 'vitest';
import { AccountError } from '../../main/core/accounts/account-service';
import { fakeJwt } from '../sim/orchids-simulator';
import { browserSessionToken } from '../helpers/browser-session';
import { startStack, type Stack } from '../helpers/stack';
import { hiStatus } from '../helpers/messages';

let stack: Stack;
afterEach(async () => stack?.stop());

const ask = (): Promise<number> => hiStatus(stack.url);

async function refusal(cookie: string): Promise<AccountError> {
  const error = await stack.core.accounts.add({ cookie }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AccountError);
  return error as AccountError;
}

describe('adding an account from a pasted __session cookie', () => {
  it.each([
    ['a bare session JWT', (jwt: string) => jwt],
    [
      'a document.cookie string with __session and no __client',
      (jwt: string) => `theme=dark; __client_uat=1800000000; __session=${jwt}`,
    ],
  ])(
    '%s: Clerk hands out a __client, the account works, and the result says to copy __client next time',
    async (_name, paste) => {
      stack = await startStack({ accounts: 0, sim: { rotateClientCookie: true } });
      const user = stack.sim.addUser();
      const session = await browserSessionToken(stack.sim, user);
      stack.sim.resetStats();

      const result = await stack.core.accounts.add({ cookie: paste(session) });
      expect(result).toMatchObject({ created: true, account: { email: user.email, status: 'ready' } });
      expect(result.notice).toMatch(/^You pasted the short-lived __session cookie\./);
      expect(result.notice).toContain('next time copy __client instead');
      expect(result.notice).toContain('Application → Cookies → clerk.orchids.app');
      // One call to bootstrap, one to learn whose it is; the account keeps the __client Clerk rotated on the second.
      expect(stack.sim.stats.clientLookups).toBe(2);
      const stored = stack.core.internals.accounts.openCookies(stack.core.internals.cache.get(result.account.id)!);
      expect(stored.client).toBe(stack.sim.currentCookie(user.userId));

      stack.core.internals.tokens.invalidate(result.account.id);
      expect(await ask()).toBe(200);
      expect(stack.sim.requests.at(-1)!.userId).toBe(user.userId);
    },
  );

  it('a __session Clerk will not trade is refused with what to paste instead, not Clerk’s raw answer', async () => {
    stack = await startStack({ accounts: 0, sim: { rotateClientCookie: true } });
    const user = stack.sim.addUser();
    const session = await browserSessionToken(stack.sim, user);
    stack.sim.revokeTokens(user.userId); // the page's session token is no longer good
    const notMinted = fakeJwt({ sid: user.sessionId, sub: user.userId, exp: 4_102_444_800 });
    stack.sim.resetStats();

    for (const paste of [session, `__session=${notMinted}`]) {
      const error = await refusal(paste);
      expect(error.code).toBe('rejected');
      expect(error.message).toMatch(
        /^That is the short-lived __session cookie, and Clerk would not trade it for the long-lived __client cookie/,
      );
      expect(error.message).toContain('Application → Cookies → clerk.orchids.app');
      expect(error.message).not.toMatch(/HTTP 401/);
    }
    expect(stack.sim.stats.clientLookups).toBe(2); // one bootstrap attempt each, nothing more
    expect(stack.core.accounts.list()).toEqual([]);
  });

  it('an expired __session is named as such before Clerk is asked, bare or in a cookie list', async () => {
    stack = await startStack({ accounts: 0, sim: { rotateClientCookie: true } });
    const user = stack.sim.addUser();
    const expired = fakeJwt({ sid: user.sessionId, sub: user.userId, exp: Math.floor(Date.now() / 1000) - 120 });
    stack.sim.resetStats();
    for (const paste of [
      expired,
      `__session=${expired}`,
      `theme=dark; __client_uat=1800000000; __session=${expired}`,
    ]) {
      const error = await refusal(paste);
      expect(error.code).toBe('invalid_cookie');
      expect(error.message).toMatch(/^That is the short-lived __session cookie, and it has already expired/);
      expect(error.message).toContain('Copy the __client cookie instead');
      expect(error.message).toContain('Application → Cookies → clerk.orchids.app');
    }
    expect(stack.sim.stats.clientLookups).toBe(0);
    expect(stack.core.accounts.list()).toEqual([]);
  });

  it('a cookie with __client is never bootstrapped, even with a __session beside it', async () => {
    stack = await startStack({ accounts: 0, sim: { rotateClientCookie: true } });
    const user = stack.sim.addUser();
    const session = await browserSessionToken(stack.sim, user);
    stack.sim.resetStats();
    const result = await stack.core.accounts.add({ cookie: `__client=${user.clientCookie}; __session=${session}` });
    expect(result.notice).toBeUndefined();
    expect(stack.sim.stats.clientLookups).toBe(1);
  });
});
