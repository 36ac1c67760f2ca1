/**
 * Builds the credits sync from the core's parts: the site's action found and called through the shared upstream
 * pool, figures written through the account service (database, then cache), `accounts.changed` after any was read.
 */
import { creditsSiteName } from '../../../contract/credits';
import type { AccountService } from '../accounts/account-service';
import type { AccountRecord } from '../accounts/types';
import { ClerkError } from '../clerk/clerk-client';
import type { Dispatcher } from 'undici';
import { ActionDiscovery } from './action-discovery';
import { CreditsReader } from './credits-reader';
import type { CreditsFigure } from './credits-reply';
import { CreditsSkip, CreditsSync, type CreditsSyncDeps } from './credits-sync';
import { RouterStateSource } from './router-state';

export { CreditsSync } from './credits-sync';

/** Each site call (the page, a chunk, the action) gets this long in all. */
const SITE_TIMEOUT_MS = 15_000;

/**
 * After Clerk throttles or cannot be reached, the credits reads ask it nothing for this long ("try again in a
 * minute", its own advice): the rest of a pass would only meet the same answer, and a throttled Clerk counts every
 * call against this computer, whose requests need their tokens minted by the same Clerk.
 */
const CLERK_QUIET_MS = 60_000;

export interface CreditsWiring {
  siteUrl: string;
  dispatcher: () => Dispatcher;
  accounts: Pick<AccountService, 'list' | 'get' | 'write' | 'checkSignIn' | 'tokens'>;
  enabled: () => boolean;
  changed: () => void;
  /**
   * Clerk refused the account's cookie while its credits were read: it is signed out, as a request would find it.
   * `sentCookie` is the sealed cookie the read was made with (a cookie pasted meanwhile is not signed out).
   */
  signedOut: (accountId: number, sentCookie: string, reason: string) => void;
  log: (line: string) => void;
  timing?: Pick<CreditsSyncDeps, 'intervalMs' | 'firstSyncMs' | 'addedReadMs' | 'concurrency'> & {
    clerkQuietMs?: number;
  };
}

export function buildCreditsSync(wiring: CreditsWiring): CreditsSync {
  const clerk = new ClerkQuiet(wiring.timing?.clerkQuietMs ?? CLERK_QUIET_MS);
  const http = { dispatcher: wiring.dispatcher, timeoutMs: SITE_TIMEOUT_MS };
  const discovery = new ActionDiscovery({ siteUrl: wiring.siteUrl, http });
  const routerState = new RouterStateSource({ siteUrl: wiring.siteUrl, http });
  const reader = new CreditsReader({ siteUrl: wiring.siteUrl, http, discovery, routerState });
  const { accounts } = wiring;
  return new CreditsSync({
    ...wiring.timing,
    site: creditsSiteName(wiring.siteUrl),
    accounts: () => accounts.list(),
    token: (account) => sessionToken(wiring, clerk, account),
    read: (jwt, userId) => reader.read(jwt, userId),
    save: (id, figure, at) => save(accounts, id, figure, at),
    enabled: wiring.enabled,
    changed: wiring.changed,
    log: wiring.log,
  });
}

/**
 * The token the request path already holds; failing that, the one Clerk offers with the client (a read, which also
 * keeps what Clerk rotates). Never a mint: credits are not worth a token of their own, nor worth keeping one warm.
 * A cookie Clerk refuses signs the account out here too: left "ready", it would cost a refused Clerk read at every
 * pass, and the first request to pick it would meet the refusal; signed out, the passes skip it and the state's own
 * check (every 30 minutes) asks Clerk instead.
 */
async function sessionToken(
  wiring: CreditsWiring,
  clerk: ClerkQuiet,
  account: AccountRecord,
): Promise<string | undefined> {
  const { accounts } = wiring;
  const held = accounts.tokens.current(account.id);
  if (held) return held;
  clerk.check();
  // As stored now, not as the pass found it: a call made since may have kept a cookie Clerk rotated.
  const sent = accounts.get(account.id).sealedCookie;
  try {
    await accounts.checkSignIn(account.id);
  } catch (error) {
    if (error instanceof ClerkError && error.kind === 'rejected') wiring.signedOut(account.id, sent, error.message);
    else if (error instanceof ClerkError) clerk.noteUnavailable(error);
    throw error;
  }
  return accounts.tokens.current(account.id);
}

/** Whether the credits reads may ask Clerk now (see CLERK_QUIET_MS). */
class ClerkQuiet {
  private until = 0;

  constructor(private readonly quietMs: number) {}

  /** Throws the skip an account gets while Clerk is left alone. */
  check(): void {
    if (Date.now() < this.until)
      throw new CreditsSkip('Clerk was throttling or out of reach a moment ago, so it was not asked');
  }

  /** Throttled (429), failing (5xx) or out of reach (no status): the same for every account for a while. */
  noteUnavailable(error: ClerkError): void {
    if (error.status === undefined || error.status === 429 || error.status >= 500)
      this.until = Date.now() + this.quietMs;
  }
}

function save(accounts: CreditsWiring['accounts'], id: number, figure: CreditsFigure, at: number): boolean {
  let before: AccountRecord;
  try {
    before = accounts.get(id);
  } catch {
    return false; // removed while its credits were read
  }
  accounts.write(id, {
    creditsPlan: figure.plan,
    creditsLeft: figure.credits,
    creditsLimit: figure.monthlyLimit,
    creditsCheckedAt: at,
  });
  return (
    before.creditsPlan !== figure.plan ||
    before.creditsLeft !== figure.credits ||
    before.creditsLimit !== figure.monthlyLimit
  );
}
