/**
 * Accounts as they cross the contract (the rules for every wire type are in views.ts): an account as people see it,
 * its credits, what a test or a credits check of it found, what adding, importing and exporting return, and the
 * changes the live stream reports.
 */
import type { AccountStatus, UpstreamProtocolName } from './views';

/** An account as people see it: never its cookie or session. */
export interface AccountView {
  id: number;
  name: string;
  email: string;
  enabled: boolean;
  weight: number;
  requestCount: number;
  lastUsedAt: number | null;
  status: AccountStatus;
  statusReason: string;
  statusUntil: number | null;
  protocol: UpstreamProtocolName | '';
  /** The account's Orchids plan and credits as last read from the credits site; null until the first read. */
  credits: AccountCredits | null;
  /**
   * Present while the account was just added and its first credits read is due or under way (a second or two):
   * the window says "Reading…" rather than a dash that reads as broken. Gone once the read is done, whatever it came
   * to; never present with the credits switch off.
   */
  creditsReading?: true;
  createdAt: number;
  updatedAt: number;
}

export interface AccountCredits {
  /** Upper case, as Orchids names it ('FREE', 'PRO', …). */
  plan: string;
  /** Credits left this month. */
  left: number;
  /** The plan's monthly credits. */
  monthlyLimit: number;
  /** When the figure was read (ms since epoch); a failed read leaves it and the figure as they were. */
  checkedAt: number;
}

/** What a credits check came to for one account. */
export interface CreditsCheckOutcome {
  id: number;
  /** `skipped`: nothing was asked of the site (signed out, locked, no session at hand, the app stopping). */
  outcome: 'read' | 'failed' | 'skipped';
  /** Why it failed or was skipped, in words for a person; never a token, cookie or reply body. */
  reason?: string;
}

/**
 * A credits check's answer: the accounts as they then stand, and one outcome for each account the check was for
 * (every enabled account, or the one asked for). A failed or skipped account keeps its last figure.
 */
export interface CreditsCheckResult {
  /** The site asked, by name: `orchids.app` for Orchids' own, else the host ORCHIDS_SITE_URL names. */
  site: string;
  accounts: AccountView[];
  outcomes: CreditsCheckOutcome[];
}

/**
 * One step of an account test: getting a session token from Clerk, then one short request on one upstream protocol.
 * `answered`: the Orchids agent replied. `not-here`: that address does not speak this protocol (a 404 or 405, a
 * refused upgrade, a 400 to the body's shape, a host that refuses connections or does not resolve). `refused`: the
 * service turned this account away (signed out, blocked, out of credits, rate-limited). `failed`: anything else (a
 * 5xx, a timeout, a broken answer). `skipped`: not tried, and `detail` says why.
 */
export interface AccountTestStep {
  step: 'sign-in' | UpstreamProtocolName;
  outcome: 'ok' | 'answered' | 'not-here' | 'refused' | 'failed' | 'skipped';
  /** What happened, for a person: a status and the service's own words where it gave some; never a token or cookie. */
  detail: string;
  /** The upstream's HTTP status, where one was answered (a refused WebSocket upgrade's included). */
  status?: number;
  /** From the start of this step to its end, and to the agent's first event. */
  ms?: number;
  firstEventMs?: number;
  /** The upstream events seen, by type, in order of first appearance, with how many of each. */
  events?: Array<{ type: string; count: number }>;
  /** The start of the agent's reply text (at most 200 characters). */
  reply?: string;
}

/** What `accounts:test` found: one short request through the real upstream path, without counting it anywhere. */
export interface AccountTestResult {
  id: number;
  name: string;
  /** `auto`, or the protocol the upstreamProtocol setting pins: what decided the order of the steps. */
  setting: 'auto' | UpstreamProtocolName;
  /** The upstream model the test asked for (after the model map). */
  model: string;
  steps: AccountTestStep[];
  /** The first protocol that answered; null when none did. */
  works: UpstreamProtocolName | null;
  /** One sentence: what works, or what to look at. */
  verdict: string;
}

export interface AddAccountResult {
  account: AccountView;
  created: boolean;
  /** Something to tell the person although it worked (a pasted `__session`), shown as it is. */
  notice?: string;
}

/**
 * How a sign-in window ended (desktop app): the account it added or refreshed, or closed before that happened.
 * `reason` says what Clerk last answered when the window closed after a sign-in it could not confirm.
 */
export type SignInResult = ({ outcome: 'signedIn' } & AddAccountResult) | { outcome: 'cancelled'; reason?: string };

export interface ImportResult {
  added: number;
  updated: number;
  failed: Array<{ index: number; email?: string; error: string }>;
}

/** The file holds every account's cookie in the clear: the UI says so before saving it. */
export interface ExportResult {
  json: string;
  count: number;
}

export interface AccountStateChange {
  accountId: number;
  previous: AccountStatus;
  status: AccountStatus;
  reason: string;
  until: number | null;
  at: number;
}

/** An account answered on another upstream protocol ('' when it was forgotten and will be probed again). */
export interface AccountProtocolChange {
  accountId: number;
  protocol: UpstreamProtocolName | '';
  at: number;
}
