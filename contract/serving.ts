/**
 * Whether the proxy can serve a request right now, and if not, why: one summary the core computes and every place
 * that shows it words the same way (the window's badge and Overview, the tray's icon and tooltip, and the error a
 * client gets). Plain data plus pure functions, so the renderer, the desktop shell and the core share it.
 */
import type { AccountStatus } from './views';

export type ServingState =
  /** Some account can take a request. */
  | 'serving'
  | 'paused'
  | 'stopped'
  | 'no_accounts'
  | 'all_disabled'
  /** Every enabled account is in the same state: */
  | 'signed_out'
  | 'out_of_credits'
  | 'blocked'
  | 'locked'
  | 'cooling_down'
  | 'failing'
  /** Enabled accounts are out for different reasons. */
  | 'unavailable';

export interface Serving {
  state: ServingState;
  /** Accounts that can take a request now, of those enabled, of all. */
  ready: number;
  enabled: number;
  total: number;
  /** When the first account that heals by itself is expected back (ms since the epoch), if any will. */
  until: number | null;
  /** Enabled accounts that are not ready, by state, for the details line. */
  out: Partial<Record<Exclude<AccountStatus, 'ready'>, number>>;
}

export interface ServingAccount {
  enabled: boolean;
  status: AccountStatus;
  statusUntil: number | null;
}

const SAME_STATE: Partial<Record<AccountStatus, ServingState>> = {
  signed_out: 'signed_out',
  quota_exhausted: 'out_of_credits',
  blocked: 'blocked',
  locked: 'locked',
  cooling_down: 'cooling_down',
  failing: 'failing',
};

/** States that pass by themselves (Orchids asked for a pause, or stopped answering for a while). */
const SELF_HEALING: ReadonlySet<AccountStatus> = new Set<AccountStatus>(['cooling_down', 'failing']);

/**
 * The summary from the accounts as the request path sees them. `usable` is the account cache's count of accounts a
 * request could be sent to (enabled, weighted, ready), so "serving" here means exactly what a request would find.
 */
export function servingOf(
  accounts: readonly ServingAccount[],
  usable: number,
  proxy: { running: boolean; paused: boolean },
): Serving {
  const enabled = accounts.filter((a) => a.enabled);
  const out: Serving['out'] = {};
  let until: number | null = null;
  for (const account of enabled) {
    if (account.status === 'ready') continue;
    out[account.status] = (out[account.status] ?? 0) + 1;
    if (SELF_HEALING.has(account.status) && account.statusUntil !== null) {
      until = until === null ? account.statusUntil : Math.min(until, account.statusUntil);
    }
  }
  const base = { ready: usable, enabled: enabled.length, total: accounts.length, until, out };
  if (!proxy.running) return { ...base, state: 'stopped' };
  if (proxy.paused) return { ...base, state: 'paused' };
  if (accounts.length === 0) return { ...base, state: 'no_accounts' };
  if (enabled.length === 0) return { ...base, state: 'all_disabled' };
  if (usable > 0) return { ...base, state: 'serving' };
  const states = Object.keys(out) as AccountStatus[];
  const same = states.length === 1 ? SAME_STATE[states[0]!] : undefined;
  return { ...base, state: same ?? 'unavailable' };
}

export type Tone = 'good' | 'warn' | 'bad';

export interface ServingWords {
  /** A few words: the badge, the tray's tooltip, the first line of an error. */
  headline: string;
  /** One sentence more: what is going on and what to do. */
  detail: string;
  tone: Tone;
}

/** An account state in a few words, as the tray, the errors and the CLI say it. */
export const OUT_WORDS: Record<Exclude<AccountStatus, 'ready'>, string> = {
  cooling_down: 'cooling down',
  quota_exhausted: 'out of credits',
  signed_out: 'signed out',
  blocked: 'blocked',
  failing: 'failing',
  locked: 'locked',
};

/** "1 signed out, 2 cooling down", in a fixed order so a list does not reshuffle between updates. */
export function describeOut(out: Serving['out']): string {
  return (Object.keys(OUT_WORDS) as Array<keyof typeof OUT_WORDS>)
    .filter((state) => out[state])
    .map((state) => `${out[state]} ${OUT_WORDS[state]}`)
    .join(', ');
}

/** For accounts out for different reasons: which of them return without the person, said only of those present. */
function whoComesBack(out: Serving['out']): string {
  const states = Object.keys(out) as Array<keyof Serving['out']>;
  const healing = states.some((state) => out[state] && SELF_HEALING.has(state));
  const others = states.some((state) => out[state] && !SELF_HEALING.has(state));
  if (healing && others) return 'Cooling-down and failing accounts come back by themselves; the others need you.';
  return healing ? 'They come back by themselves.' : 'Each of them needs you.';
}

const clock = (ms: number): string => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/** The words for a summary. `time` formats a moment as a person reads it (the caller's locale by default). */
export function servingWords(serving: Serving, time: (ms: number) => string = clock): ServingWords {
  const at = serving.until === null ? '' : time(serving.until);
  const readyLine = (): string => {
    const noun = serving.enabled === 1 ? 'account' : 'accounts';
    const ready =
      serving.ready === serving.enabled
        ? `${serving.ready} ${noun} ready`
        : `${serving.ready} of ${serving.enabled} ${noun} ready`;
    const out = describeOut(serving.out);
    return out ? `${ready}; ${out}.` : `${ready}.`;
  };
  switch (serving.state) {
    case 'serving':
      return { headline: 'Running', detail: readyLine(), tone: 'good' };
    case 'paused':
      return { headline: 'Paused', detail: 'New requests are refused until you resume.', tone: 'warn' };
    case 'stopped':
      return { headline: 'Stopped', detail: 'The proxy is not listening.', tone: 'bad' };
    case 'no_accounts':
      return { headline: 'No accounts', detail: 'Add an Orchids account to start serving requests.', tone: 'warn' };
    case 'all_disabled':
      return { headline: 'All accounts disabled', detail: 'Enable an account to serve requests.', tone: 'warn' };
    case 'signed_out':
      return {
        headline: 'All accounts signed out',
        detail:
          'Sign each account in again: paste a fresh __client cookie into Accounts → Add account, ' +
          'or use Refresh sign-in in the desktop app.',
        tone: 'bad',
      };
    case 'out_of_credits':
      return {
        headline: 'Out of credits',
        detail: 'Every account is out of Orchids credits; each is checked again every hour.',
        tone: 'bad',
      };
    case 'blocked':
      return {
        headline: 'All accounts blocked',
        detail: 'Orchids refused every account (HTTP 403); each is checked again after a few hours.',
        tone: 'bad',
      };
    case 'locked':
      return {
        headline: 'All accounts locked',
        detail:
          'This mode cannot open the stored cookies: open Orchids Tray the way they were added, or add them again.',
        tone: 'bad',
      };
    case 'cooling_down':
      return {
        headline: at ? `All accounts cooling down until ${at}` : 'All accounts cooling down',
        detail: 'Orchids asked for a pause (rate limit); requests are served again by themselves.',
        tone: 'warn',
      };
    case 'failing':
      return {
        headline: at ? `Orchids is not answering; trying again at ${at}` : 'Orchids is not answering',
        detail: 'Requests to Orchids keep failing; each account is probed again by itself.',
        tone: 'bad',
      };
    case 'unavailable':
      return {
        headline: at ? `No account ready until ${at}` : 'No account ready',
        detail: `${readyLine()} ${whoComesBack(serving.out)}`,
        tone: 'bad',
      };
  }
}
