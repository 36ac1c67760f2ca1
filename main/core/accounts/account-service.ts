import type { AccountPatch, AccountsRepo } from '../db/accounts-repo';
import type { ClerkClient, ClerkIdentity } from '../clerk/clerk-client';
import type { ClerkCookies } from '../clerk/cookie-header';
import { jwtExpiryMs } from '../clerk/jwt';
import { TokenCache, type TokenCacheOptions } from '../clerk/token-cache';
import type { SecretBox } from '../secrets/secret-box';
import type { AccountCache } from './account-cache';
import { AccountClerk } from './account-clerk';
import { AccountCookies } from './account-cookies';
import { AccountError } from './account-error';
import { parseCookieInput } from './cookie-parser';
import { resolvePastedCookies } from './pasted-cookies';
import type { AccountRecord } from './types';

export { AccountError } from './account-error';

export interface AddAccountInput {
  cookie: string;
  name?: string;
  weight?: number;
  /** Refresh this account only: a cookie of any other Orchids user is refused and nothing is written. */
  forAccount?: number;
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
  /** How the accounts' session tokens are kept (the mint is this service's own). */
  tokens?: Omit<TokenCacheOptions, 'mint'>;
  /**
   * Called when an account leaves (removed here, or by another process and found gone by `reload`), after its token
   * and opened cookie went: other per-account state goes too. Its name as it was, for history rows of requests that
   * tried it and are not written yet.
   */
  onRemoved?: (accountId: number, name: string) => void;
}

export const MAX_WEIGHT = 100;

export interface AddAccountResult {
  account: AccountRecord;
  created: boolean;
  /** Something the person should know although it worked (a `__session` paste); shown as it is. */
  notice?: string;
}

/**
 * Every change to an account goes through here: the database first, then the cache, so the request path sees it
 * at once. It also owns the accounts' session tokens: minting one opens the sealed cookie, asks Clerk and keeps
 * the cookie Clerk rotates, and the cookie header sends the current token along. Owning the token cache (rather
 * than being handed one that mints through this service) is what keeps the two from needing each other.
 */
export class AccountService {
  /** Session JWTs per account, minted through this service; the request path reads them from here. */
  readonly tokens: TokenCache;
  private readonly now: () => number;
  private readonly cookies: AccountCookies;
  private readonly clerk: AccountClerk;

  constructor(private readonly deps: AccountServiceDeps) {
    this.now = deps.now ?? Date.now;
    this.tokens = new TokenCache({ ...deps.tokens, mint: (id, minLifetimeMs) => this.mintToken(id, minLifetimeMs) });
    this.cookies = new AccountCookies({ secrets: deps.secrets, currentToken: (id) => this.tokens.current(id) });
    this.clerk = new AccountClerk({
      clerk: deps.clerk,
      cookies: this.cookies,
      account: (id) => deps.cache.get(id),
      write: (id, patch) => this.write(id, patch),
      seedToken: (id, jwt) => this.tokens.store(id, jwt),
      now: this.now,
    });
  }

  list(): AccountRecord[] {
    return this.deps.cache.list();
  }

  get(id: number): AccountRecord {
    return this.require(id);
  }

  /**
   * Adopts the accounts as stored, after another process (the CLI) changed them: an account that left takes its
   * token and opened cookie along, a changed cookie needs a new token, a disabled account keeps none.
   * `pendingRequests` are counts this process has not written yet, so the reload does not lose them.
   */
  reload(pendingRequests: (accountId: number) => number = () => 0): void {
    const records = this.deps.repo.list();
    for (const record of records) {
      record.requestCount += pendingRequests(record.id);
      const previous = this.deps.cache.get(record.id);
      if (previous && previous.sealedCookie !== record.sealedCookie) this.tokens.invalidate(record.id);
      if (!record.enabled) this.tokens.forget(record.id);
    }
    // An account another process removed leaves as one removed here does: a request that tried it within the last
    // poll (its history row not written yet) is still written with its name.
    for (const gone of this.deps.cache.replaceAll(records)) this.forgetRemoved(gone.id, gone.name);
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
    const { identity, cookies: current, notice } = await resolvePastedCookies(this.deps.clerk, cookies, this.now);
    if (input.forAccount !== undefined) this.requireSameUser(input.forAccount, identity);
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
      this.tokens.store(record.id, identity.lastActiveToken);
    }
    return { account: record, created: !existing, ...(notice ? { notice } : {}) };
  }

  update(id: number, update: AccountUpdate): AccountRecord {
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
    return this.write(id, patch);
  }

  remove(id: number): void {
    const { name } = this.require(id);
    this.deps.repo.remove(id);
    this.deps.cache.remove(id);
    this.forgetRemoved(id, name);
  }

  private forgetRemoved(id: number, name: string): void {
    this.cookies.forget(id);
    this.tokens.forget(id);
    this.deps.onRemoved?.(id, name);
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
  checkSignIn(accountId: number): Promise<AccountRecord> {
    return this.clerk.checkSignIn(accountId);
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

  private requireSameUser(accountId: number, identity: ClerkIdentity): void {
    const target = this.require(accountId);
    if (target.userId === identity.userId) return;
    const wanted = target.email || target.name;
    throw new AccountError(
      'wrong_user',
      `That is ${identity.email || 'another Orchids user'}, not ${wanted}. ` +
        `Nothing was changed: sign in as ${wanted} to refresh this account.`,
    );
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
