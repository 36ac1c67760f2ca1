import type { AccountPatch, AccountsRepo } from '../db/accounts-repo';
import type { ClerkClient } from '../clerk/clerk-client';
import type { ClerkCookies } from '../clerk/cookie-header';
import { jwtExpiryMs } from '../clerk/jwt';
import type { SecretBox } from '../secrets/secret-box';
import type { AccountCache } from './account-cache';
import { AccountClerk } from './account-clerk';
import { AccountCookies } from './account-cookies';
import { AccountError } from './account-error';
import { parseCookieInput } from './cookie-parser';
import { resolvePastedCookies } from './pasted-cookies';
import { summarize, type AccountRecord, type AccountSummary } from './types';

export { AccountError } from './account-error';

export interface AddAccountInput {
  cookie: string;
  name?: string;
  weight?: number;
}

export interface AccountUpdate {
  name?: string;
  weight?: number;
  enabled?: boolean;
}

export interface AccountServiceDeps {
  repo: AccountsRepo;
  cache: AccountCache;
  clerk: ClerkClient;
  secrets: SecretBox;
  now?: () => number;
  /** Tokens Clerk hands out with an account lookup; seeding them saves the first request a mint. */
  seedToken?: (accountId: number, jwt: string) => void;
  /** The account's usable session JWT, if any (the token cache's): it goes along as the `__session` cookie. */
  currentToken?: (accountId: number) => string | undefined;
  /** Called when an account leaves: its token and live state go with it. */
  onRemoved?: (accountId: number) => void;
}

export const MAX_WEIGHT = 100;

export interface AddAccountResult {
  account: AccountSummary;
  created: boolean;
  /** Something the person should know although it worked (a `__session` paste); shown as it is. */
  notice?: string;
}

/**
 * Every change to an account goes through here: the database first, then the cache, so the request path sees it
 * at once. Also the token cache's mint function: it opens the sealed cookie, asks Clerk, and keeps the cookie
 * Clerk rotates.
 */
export class AccountService {
  private readonly now: () => number;
  private readonly cookies: AccountCookies;
  private readonly clerk: AccountClerk;

  constructor(private readonly deps: AccountServiceDeps) {
    this.now = deps.now ?? Date.now;
    this.cookies = new AccountCookies({ secrets: deps.secrets, currentToken: deps.currentToken });
    this.clerk = new AccountClerk({
      clerk: deps.clerk,
      cookies: this.cookies,
      account: (id) => deps.cache.get(id),
      write: (id, patch) => this.write(id, patch),
      seedToken: deps.seedToken,
      now: this.now,
    });
  }

  list(): AccountSummary[] {
    return this.deps.cache.list().map(summarize);
  }

  get(id: number): AccountSummary {
    return summarize(this.require(id));
  }

  /** Adds an account from pasted cookies, or refreshes the stored one if Clerk says it is a user we already have. */
  async add(input: AddAccountInput): Promise<AddAccountResult> {
    const weight = input.weight ?? 1;
    checkWeight(weight);
    const name = input.name?.trim();
    if (name !== undefined) checkName(name);
    let cookies: ClerkCookies;
    try {
      cookies = parseCookieInput(input.cookie);
    } catch (error) {
      throw new AccountError('invalid_cookie', (error as Error).message);
    }
    const { identity, cookies: current, notice } = await resolvePastedCookies(this.deps.clerk, cookies);
    const now = this.now();
    const sealedCookie = this.deps.secrets.seal(current.client!);
    const existing = this.deps.repo.findByUserId(identity.userId);
    let record: AccountRecord;
    if (existing) {
      const patch: AccountPatch = {
        email: identity.email,
        sessionId: identity.sessionId,
        sealedCookie,
        clientUat: current.clientUat ?? existing.clientUat,
        // A fresh cookie is the cure for signed-out and locked accounts.
        status: 'ready',
        statusReason: '',
        statusUntil: null,
        failureStreak: 0,
      };
      if (name) patch.name = name;
      if (input.weight !== undefined) patch.weight = weight;
      record = this.deps.repo.update(existing.id, patch, now)!;
    } else {
      record = this.deps.repo.insert(
        {
          name: name || identity.email || identity.userId,
          email: identity.email,
          userId: identity.userId,
          sessionId: identity.sessionId,
          sealedCookie,
          clientUat: current.clientUat ?? String(Math.floor(now / 1000)),
          weight,
        },
        now,
      );
    }
    this.deps.cache.upsert(record);
    if (identity.lastActiveToken && (jwtExpiryMs(identity.lastActiveToken) ?? 0) > now) {
      this.deps.seedToken?.(record.id, identity.lastActiveToken);
    }
    return { account: summarize(record), created: !existing, ...(notice ? { notice } : {}) };
  }

  update(id: number, update: AccountUpdate): AccountSummary {
    this.require(id);
    const patch: AccountPatch = {};
    if (update.name !== undefined) {
      const name = update.name.trim();
      checkName(name);
      patch.name = name;
    }
    if (update.weight !== undefined) {
      checkWeight(update.weight);
      patch.weight = update.weight;
    }
    if (update.enabled !== undefined) patch.enabled = update.enabled;
    return summarize(this.write(id, patch));
  }

  remove(id: number): void {
    this.require(id);
    this.deps.repo.remove(id);
    this.deps.cache.remove(id);
    this.cookies.forget(id);
    this.deps.onRemoved?.(id);
  }

  /** Writes a patch (state changes included) through to the database and the cache. */
  write(id: number, patch: AccountPatch): AccountRecord {
    const record = this.deps.repo.update(id, patch, this.now());
    if (!record) throw new AccountError('not_found', `No account with id ${id}.`);
    // Counts live in memory ahead of the database; keep them when the row comes back.
    const cached = this.deps.cache.get(id);
    if (cached) {
      record.requestCount = Math.max(record.requestCount, cached.requestCount);
      record.lastUsedAt = Math.max(record.lastUsedAt ?? 0, cached.lastUsedAt ?? 0) || null;
    }
    this.deps.cache.upsert(record);
    return record;
  }

  /**
   * A session JWT for the account, from Clerk. The token cache's mint function, so it runs at most once at a time
   * per account; `minLifetimeMs` is how long a token Clerk already holds must still live to be used as it is.
   */
  readonly mintToken = (accountId: number, minLifetimeMs?: number): Promise<string> =>
    this.clerk.mintToken(accountId, minLifetimeMs);

  /** Asks Clerk whether the account is signed in (a heal probe), keeping the cookie Clerk rotates. */
  checkSignIn(accountId: number): Promise<AccountSummary> {
    return this.clerk.checkSignIn(accountId).then(summarize);
  }

  /**
   * Spec §2.2's cookie header for the account, for upstream requests and WebSocket upgrades. Cheap enough for the
   * request path: the sealed cookie is opened once per change and the header rebuilt only when a part of it moves.
   */
  cookieHeaderFor(accountId: number): string {
    return this.cookies.header(this.require(accountId));
  }

  /** The account's Clerk cookies in the clear (export, Clerk calls). Throws AccountError `locked` if unopenable. */
  openCookies(account: AccountRecord): ClerkCookies {
    return this.cookies.open(account);
  }

  /** Lets go of an account's opened cookie after another process removed the account. */
  forgetCookies(accountId: number): void {
    this.cookies.forget(accountId);
  }

  private require(id: number): AccountRecord {
    const account = this.deps.cache.get(id);
    if (!account) throw new AccountError('not_found', `No account with id ${id}.`);
    return account;
  }
}

function checkWeight(weight: number): void {
  if (!Number.isInteger(weight) || weight < 1 || weight > MAX_WEIGHT) {
    throw new AccountError('invalid_input', `Weight must be a whole number from 1 to ${MAX_WEIGHT}.`);
  }
}

function checkName(name: string): void {
  if (name.length === 0 || name.length > 100)
    throw new AccountError('invalid_input', 'Name must be 1 to 100 characters.');
}
