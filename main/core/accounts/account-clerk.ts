import type { AccountPatch } from '../db/accounts-repo';
import type { ClerkClient, ClerkIdentity } from '../clerk/clerk-client';
import { withRotated, type ClerkCookies, type RotatedCookies } from '../clerk/cookie-header';
import { jwtExpiryMs } from '../clerk/jwt';
import type { AccountCookies } from './account-cookies';
import { AccountError } from './account-error';
import type { AccountRecord } from './types';

/** The token cache's own need when nothing says otherwise: its 30 s safety margin plus its 10 s refresh lead. */
export const DEFAULT_MIN_TOKEN_LIFETIME_MS = 40_000;

export interface AccountClerkDeps {
  clerk: ClerkClient;
  cookies: AccountCookies;
  account: (accountId: number) => AccountRecord | undefined;
  write: (accountId: number, patch: AccountPatch) => AccountRecord;
  seedToken?: (accountId: number, jwt: string) => void;
  now: () => number;
}

/**
 * Every Clerk call made for a stored account, so that none can drop what Clerk rotates: with rotation on, the
 * `__client` a call was made with stops working the moment Clerk answers, and a rotated value not kept signs the
 * account out on its next call. Calls for one account run one at a time for the same reason: two calls sent with
 * one cookie would race, and the loser would be refused.
 */
export class AccountClerk {
  private readonly turns = new Map<number, Promise<void>>();

  constructor(private readonly deps: AccountClerkDeps) {}

  /**
   * A session JWT (spec §2.6 steps 5–6): `GET /v1/client` first, whose `last_active_token` is taken when it lives
   * longer than `minLifetimeMs`; otherwise `POST …/tokens`. Clerk errors pass through as they are, so a 429 ends
   * the attempt without a second call.
   */
  mintToken(accountId: number, minLifetimeMs = DEFAULT_MIN_TOKEN_LIFETIME_MS): Promise<string> {
    return this.inTurn(accountId, async () => {
      const { identity, cookies } = await this.lookup(accountId);
      const offered = identity.lastActiveToken;
      if (offered && (jwtExpiryMs(offered) ?? 0) > this.deps.now() + minLifetimeMs) return offered;
      const { jwt, rotated } = await this.deps.clerk.mintToken(identity.sessionId, cookies);
      this.keep(accountId, cookies.client!, rotated);
      return jwt;
    });
  }

  /** Asks Clerk whether the account is still signed in, keeping what it rotates and seeding the token it offers. */
  checkSignIn(accountId: number): Promise<AccountRecord> {
    return this.inTurn(accountId, async () => {
      const { identity } = await this.lookup(accountId);
      const offered = identity.lastActiveToken;
      if (offered && (jwtExpiryMs(offered) ?? 0) > this.deps.now()) this.deps.seedToken?.(accountId, offered);
      return this.require(accountId);
    });
  }

  /** `GET /v1/client` with the stored cookies; resolves with the cookies to use next (rotated, current session). */
  private async lookup(accountId: number): Promise<{ identity: ClerkIdentity; cookies: ClerkCookies }> {
    const sent = this.deps.cookies.open(this.require(accountId));
    const { identity, rotated } = await this.deps.clerk.lookup(sent);
    this.keep(accountId, sent.client!, rotated, identity);
    return { identity, cookies: { ...withRotated(sent, rotated), sessionId: identity.sessionId } };
  }

  /**
   * Persists what Clerk rotated, unless the account's cookie changed while Clerk answered (a fresh paste, another
   * process): that newer cookie wins, and this answer belongs to a cookie no longer stored.
   */
  private keep(accountId: number, sentClient: string, rotated: RotatedCookies, identity?: ClerkIdentity): void {
    const account = this.deps.account(accountId);
    if (!account) return;
    try {
      if (this.deps.cookies.client(account) !== sentClient) return;
    } catch {
      return;
    }
    const patch: AccountPatch = {};
    if (rotated.client && rotated.client !== sentClient)
      patch.sealedCookie = this.deps.cookies.seal(accountId, rotated.client);
    if (rotated.clientUat && rotated.clientUat !== account.clientUat) patch.clientUat = rotated.clientUat;
    if (identity) {
      if (identity.sessionId !== account.sessionId) patch.sessionId = identity.sessionId;
      if (identity.email && identity.email !== account.email) patch.email = identity.email;
    }
    if (Object.keys(patch).length > 0) this.deps.write(accountId, patch);
  }

  private inTurn<T>(accountId: number, work: () => Promise<T>): Promise<T> {
    const previous = this.turns.get(accountId) ?? Promise.resolve();
    const result = previous.then(work);
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    this.turns.set(accountId, settled);
    void settled.then(() => {
      if (this.turns.get(accountId) === settled) this.turns.delete(accountId);
    });
    return result;
  }

  private require(accountId: number): AccountRecord {
    const account = this.deps.account(accountId);
    if (!account) throw new AccountError('not_found', `No account with id ${accountId}.`);
    return account;
  }
}
