/**
 * Credits as every client tells them, one rule each: what the enabled accounts have left between them (the Overview
 * and the tray count the same accounts) and what a credits check did (the window and the CLI say the same). Plain
 * data and pure functions, shared by the renderer and the shell.
 */
import type { AccountCredits, CreditsCheckResult } from './account-views';

export interface CreditsTotal {
  left: number;
  /** Enabled accounts with a figure. */
  accounts: number;
  /** When the stalest of those figures was read: a total is never fresher than its oldest part. */
  oldestCheckedAt: number;
}

/** Undefined before any enabled account has a figure. */
export function creditsTotal(
  accounts: ReadonlyArray<{ enabled: boolean; credits: Pick<AccountCredits, 'left' | 'checkedAt'> | null }>,
): CreditsTotal | undefined {
  const known = accounts.flatMap((a) => (a.enabled && a.credits ? [a.credits] : []));
  if (known.length === 0) return undefined;
  return {
    left: known.reduce((sum, c) => sum + c.left, 0),
    accounts: known.length,
    oldestCheckedAt: Math.min(...known.map((c) => c.checkedAt)),
  };
}

/** Orchids' own marketing site, under either of the names it answers to. */
const ORCHIDS_SITE_HOSTS: ReadonlySet<string> = new Set(['www.orchids.app', 'orchids.app']);

/**
 * The site credits are read from, as a person knows it: `orchids.app` for Orchids' own, else the configured URL's
 * host (a simulator, a mirror), so a sentence never credits orchids.app with another site's answer.
 */
export function creditsSiteName(siteUrl: string): string {
  // By pattern: the contract runs where neither Node's nor the DOM's URL is in its types.
  const host = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?([^/?#]+)/i.exec(siteUrl)?.[1]?.toLowerCase();
  if (!host) return siteUrl;
  return ORCHIDS_SITE_HOSTS.has(host) ? 'orchids.app' : host;
}

/**
 * What a credits check did, in a sentence for the window and the CLI: how many accounts the site answered for,
 * and by name (with why) those it did not. An account removed while it was read is left out.
 */
export function describeCreditsCheck(result: CreditsCheckResult): string {
  const names = new Map(result.accounts.map((a) => [a.id, a.name]));
  const outcomes = result.outcomes.filter((o) => names.has(o.id));
  const read = outcomes.filter((o) => o.outcome === 'read').length;
  const missed = outcomes.filter((o) => o.outcome !== 'read');
  if (outcomes.length === 0) return 'No enabled account to read credits for.';
  const accounts = (n: number): string => `${n} ${n === 1 ? 'account' : 'accounts'}`;
  if (missed.length === 0) return `Read the credits of ${accounts(read)} from ${result.site}.`;
  // A reason may be a whole sentence of its own (Clerk's are): inside the parentheses it loses its full stop.
  const why = (reason: string | undefined): string => (reason ? ` (${reason.replace(/\.$/, '')})` : '');
  const who = missed.map((o) => `${names.get(o.id)!}${why(o.reason)}`).join(', ');
  const kept = `${missed.length === 1 ? 'Its' : 'Their'} last figure stays.`;
  if (read === 0) return `Could not read the credits of ${who}. ${kept}`;
  return `Read the credits of ${read} of ${accounts(outcomes.length)}; not read: ${who}. ${kept}`;
}
