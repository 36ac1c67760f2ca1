import { clerkCookieHeader, type ClerkCookies } from '../clerk/cookie-header';
import { SecretUnavailableError, type SecretBox } from '../secrets/secret-box';
import { AccountError } from './account-error';
import type { AccountRecord } from './types';

export interface AccountCookiesDeps {
  secrets: SecretBox;
  /** The account's current session JWT (the token cache's), sent as `__session` when there is one. */
  currentToken?: (accountId: number) => string | undefined;
}

interface Memo {
  sealed: string;
  client: string;
  /** The header and the values it was built from; rebuilt when any of them moves. */
  header: string | undefined;
  clientUat: string;
  sessionId: string;
  session: string | undefined;
}

/**
 * Opens accounts' sealed `__client` cookies, once per sealed value rather than once per use: opening can mean a
 * keychain call, and the upstream transports need the cookie header on every request. The header itself is kept
 * too, so a request whose account and token are unchanged gets the same string back after a few comparisons.
 */
export class AccountCookies {
  private readonly memos = new Map<number, Memo>();

  constructor(private readonly deps: AccountCookiesDeps) {}

  /** The plain `__client` value; throws AccountError `locked` when this mode cannot open it. */
  client(account: AccountRecord): string {
    return this.memo(account).client;
  }

  /** Everything a Clerk call for this account sends. */
  open(account: AccountRecord): ClerkCookies {
    return {
      client: this.client(account),
      clientUat: account.clientUat || undefined,
      session: this.deps.currentToken?.(account.id),
      sessionId: account.sessionId || undefined,
    };
  }

  /** Spec §2.2's header for this account as it is now. */
  header(account: AccountRecord): string {
    const memo = this.memo(account);
    const session = this.deps.currentToken?.(account.id);
    if (
      memo.header === undefined ||
      memo.session !== session ||
      memo.clientUat !== account.clientUat ||
      memo.sessionId !== account.sessionId
    ) {
      memo.session = session;
      memo.clientUat = account.clientUat;
      memo.sessionId = account.sessionId;
      memo.header = clerkCookieHeader({
        client: memo.client,
        session,
        clientUat: account.clientUat || undefined,
        sessionId: account.sessionId || undefined,
      });
    }
    return memo.header;
  }

  /** Seals a new `__client` for the account and remembers it opened, so the next use needs no opening. */
  seal(accountId: number, client: string): string {
    const sealed = this.deps.secrets.seal(client);
    this.memos.set(accountId, { sealed, client, header: undefined, clientUat: '', sessionId: '', session: undefined });
    return sealed;
  }

  /** Drops an account's opened cookie (it left, or another process removed it). */
  forget(accountId: number): void {
    this.memos.delete(accountId);
  }

  private memo(account: AccountRecord): Memo {
    const known = this.memos.get(account.id);
    if (known && known.sealed === account.sealedCookie) return known;
    let client: string;
    try {
      client = this.deps.secrets.open(account.sealedCookie);
    } catch (error) {
      this.memos.delete(account.id);
      if (error instanceof SecretUnavailableError) throw new AccountError('locked', error.message);
      throw error;
    }
    const memo: Memo = {
      sealed: account.sealedCookie,
      client,
      header: undefined,
      clientUat: '',
      sessionId: '',
      session: undefined,
    };
    this.memos.set(account.id, memo);
    return memo;
  }
}
