import type { AccountPatch, AccountsRepo } from '../db/accounts-repo';
import { ClerkError, type ClerkClient, type ClerkIdentity, type RotatedCookies } from '../clerk/clerk-client';
import { jwtExpiryMs } from '../clerk/jwt';
import { SecretUnavailableError, type SecretBox } from '../secrets/secret-box';
import type { AccountCache } from './account-cache';
import { parseCookieInput, type ClerkCookies } from './cookie-parser';
import { summarize, type AccountRecord, type AccountSummary } from './types';

export class AccountError extends Error {
  constructor(
    readonly code: 'not_found' | 'invalid_cookie' | 'rejected' | 'unavailable' | 'invalid_input' | 'locked',
    message: string,
  ) {
    super(message);
    this.name = 'AccountError';
  }
}

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
  /** Called when an account leaves: its token and live state go with it. */
  onRemoved?: (accountId: number) => void;
}

export const MAX_WEIGHT = 100;

/**
 * Every change to an account goes through here: the database first, then the cache, so the request path sees it
 * at once. Also the token cache's mint function: it opens the sealed cookie, asks Clerk, and keeps the cookie
 * Clerk rotates.
 */
export class AccountService {
  private readonly now: () => number;

  constructor(private readonly deps: AccountServiceDeps) {
    this.now = deps.now ?? Date.now;
  }

  list(): AccountSummary[] {
    return this.deps.cache.list().map(summarize);
  }

  get(id: number): AccountSummary {
    return summarize(this.require(id));
  }

  /** Adds an account from pasted cookies, or refreshes the stored one if Clerk says it is a user we already have. */
  async add(input: AddAccountInput): Promise<{ account: AccountSummary; created: boolean }> {
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
    const { identity, cookies: current } = await this.discover(cookies);
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
    return { account: summarize(record), created: !existing };
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

  /** Mints a bearer token for the account. Used by the token cache, so it runs at most once at a time per account. */
  readonly mintToken = async (accountId: number): Promise<string> => {
    const account = this.require(accountId);
    const cookies = this.openCookies(account);
    try {
      const { jwt, rotated } = await this.deps.clerk.mintToken(account.sessionId, cookies);
      this.keepRotated(account, rotated);
      return jwt;
    } catch (error) {
      if (!(error instanceof ClerkError) || error.kind !== 'rejected') throw error;
    }
    // The session may have ended while the client cookie lives on: ask Clerk for the current one and try again.
    const { identity, rotated } = await this.deps.clerk.lookup(cookies);
    const current = this.keepRotated(account, rotated, identity);
    if (identity.lastActiveToken && (jwtExpiryMs(identity.lastActiveToken) ?? 0) > this.now() + 35_000) {
      return identity.lastActiveToken;
    }
    const { jwt, rotated: again } = await this.deps.clerk.mintToken(identity.sessionId, this.openCookies(current));
    this.keepRotated(current, again);
    return jwt;
  };

  openCookies(account: AccountRecord): ClerkCookies {
    try {
      return { client: this.deps.secrets.open(account.sealedCookie), clientUat: account.clientUat || undefined };
    } catch (error) {
      if (error instanceof SecretUnavailableError) throw new AccountError('locked', error.message);
      throw error;
    }
  }

  /** Resolves pasted cookies to an identity and a usable `__client`, bootstrapping one from `__session` if needed. */
  private async discover(cookies: ClerkCookies): Promise<{ identity: ClerkIdentity; cookies: ClerkCookies }> {
    try {
      let current = cookies;
      const first = await this.deps.clerk.lookup(current);
      current = merge(current, first.rotated);
      if (!current.client) {
        throw new AccountError(
          'invalid_cookie',
          'Clerk did not hand out a __client cookie for that session token; paste the __client cookie instead.',
        );
      }
      return { identity: first.identity, cookies: current };
    } catch (error) {
      if (error instanceof ClerkError) {
        throw new AccountError(error.kind, error.message);
      }
      throw error;
    }
  }

  private keepRotated(account: AccountRecord, rotated: RotatedCookies, identity?: ClerkIdentity): AccountRecord {
    const patch: AccountPatch = {};
    if (rotated.client) patch.sealedCookie = this.deps.secrets.seal(rotated.client);
    if (rotated.clientUat) patch.clientUat = rotated.clientUat;
    if (identity) {
      if (identity.sessionId !== account.sessionId) patch.sessionId = identity.sessionId;
      if (identity.email && identity.email !== account.email) patch.email = identity.email;
    }
    if (Object.keys(patch).length === 0) return account;
    // The account may have been removed while Clerk answered; then there is nothing to keep.
    if (!this.deps.cache.get(account.id)) return account;
    return this.write(account.id, patch);
  }

  private require(id: number): AccountRecord {
    const account = this.deps.cache.get(id);
    if (!account) throw new AccountError('not_found', `No account with id ${id}.`);
    return account;
  }
}

function merge(cookies: ClerkCookies, rotated: RotatedCookies): ClerkCookies {
  return {
    ...cookies,
    ...(rotated.client ? { client: rotated.client } : {}),
    ...(rotated.clientUat ? { clientUat: rotated.clientUat } : {}),
  };
}

function checkWeight(weight: number): void {
  if (!Number.isInteger(weight) || weight < 1 || weight > MAX_WEIGHT) {
    throw new AccountError('invalid_input', `Weight must be a whole number from 1 to ${MAX_WEIGHT}.`);
  }
}

function checkName(name: string): void {
  if (name.length === 0 || name.length > 100) throw new AccountError('invalid_input', 'Name must be 1 to 100 characters.');
}
