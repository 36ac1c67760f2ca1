/**
 * The wire types: what crosses the contract, in the contract's own words. The core maps its storage rows and
 * in-memory records to these in one place (main/core/app/views.ts); the renderer and the CLI see nothing else.
 * Plain data only, the same over IPC and JSON: no classes, no functions, no `undefined` that JSON would drop
 * unless the field is optional.
 */
import type { Serving } from './serving';
import type { DamagedDatabase } from './damaged-database';
import type { PinnedMismatch } from './pinned-protocol';

/**
 * Why an account is or is not taking requests. `ready` serves; the others name the reason a person can act on.
 * `locked` means this mode cannot open the account's sealed cookie (the core's secrets/secret-box.ts).
 */
export type AccountStatus =
  'ready' | 'cooling_down' | 'quota_exhausted' | 'signed_out' | 'blocked' | 'failing' | 'locked';

/** An upstream protocol by name ('' = none yet): Generation B over a WebSocket or SSE, Generation A over SSE. */
export type UpstreamProtocolName = 'ws' | 'sse-b' | 'sse-a';

/** Which API a request came in on. */
export type ApiName = 'anthropic' | 'openai-chat' | 'openai-responses';

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

export interface AccountCount {
  accountId: number;
  requestCount: number;
  lastUsedAt: number | null;
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

/** Values settings take: text, numbers, switches, lists of origins, and the model map. */
export type SettingValue = string | number | boolean | string[] | Record<string, string>;

export interface SettingView {
  key: string;
  /** A secret (the API key) is never sent: it reads '••••••••' when set and '' when not. */
  value: SettingValue;
  source: 'environment' | 'database' | 'default';
  /** The environment variable that overrides it, if it has one. */
  env?: string;
  needsRestart: boolean;
}

/** Every other dashboard browser and `logs --follow` must sign in again; the window that asked stays signed in. */
export interface InstallTokenRotated {
  rotatedAt: number;
}

export interface GeneratedApiKey {
  /** The one time the key is shown in full: the window offers to copy it. */
  apiKey: string;
  settings: SettingView[];
}

/** One finished request: what history keeps of it and what the live stream reports alike. */
export interface FinishedRequest {
  requestId: string;
  startedAt: number;
  model: string;
  upstreamModel: string;
  stream: boolean;
  status: number;
  stopReason: string | null;
  inputTokens: number;
  outputTokens: number;
  /** Milliseconds from arrival to the first byte sent to the client; null when nothing was sent. */
  firstByteMs: number | null;
  durationMs: number;
  accountId: number | null;
  /** Every account tried, in order; the last served (or failed) the request. */
  accountsTried: number[];
  retries: number;
  /** The protocol of the last attempt (the one that served, or failed last); null when no upstream was reached. */
  protocol: UpstreamProtocolName | null;
  api: ApiName;
  /** The serving account's name and e-mail as they were then: readable after the account is removed. */
  accountName: string | null;
  accountEmail: string | null;
  errorType: string | null;
  errorMessage: string | null;
  /** The debug record's file name, when one was written. */
  debugLog: string | null;
}

/** One finished request, as history keeps it. */
export interface HistoryView extends FinishedRequest {
  id: number;
}

export interface HistoryQuery {
  limit?: number;
  /** Rows older than this row id: the next page. */
  beforeId?: number;
  accountId?: number;
  outcome?: 'ok' | 'error';
  model?: string;
}

/** One finished request as the live stream reports it, a moment before history has it. */
export interface RequestView extends FinishedRequest {
  finishedAt: number;
  /** Its number in the live totals' count: `StatsView.counted` at or above it means the totals include it. */
  statsSeq: number;
}

/** One attempt at the upstream, as a debug record keeps it. */
export interface UpstreamAttemptView {
  accountId: number;
  protocol: UpstreamProtocolName;
  url: string;
  headers: Record<string, unknown>;
  body: unknown;
  status?: number;
  responseHeaders?: Record<string, unknown>;
  /** Raw upstream payloads with milliseconds since the request arrived. */
  events: Array<{ t: number; data: string }>;
  failure?: { kind: string; message: string };
  /** The agent's tool calls the client had not declared: sent to it as text, kept here whole. */
  unmappedToolCalls?: Array<{ name: string; input: Record<string, unknown> }>;
}

/** One request's debug record, already redacted by the writer that stored it. */
export interface DebugRecordView {
  version: 1;
  requestId: string;
  file: string;
  summary: Omit<RequestView, 'debugLog' | 'statsSeq'>;
  incoming: {
    /**
     * The path the request came in on, with its query string (`/v1/messages?beta=true`): what a replay of it needs.
     * Records written before it was kept have none.
     */
    path?: string;
    headers: Record<string, unknown>;
    body: unknown;
  };
  upstream: UpstreamAttemptView[];
  /** What the client was sent, frame by frame, with milliseconds since the request arrived. */
  client: Array<{ t: number; frame: string }>;
}

export interface DebugRecordResult {
  row: HistoryView | null;
  record: DebugRecordView | null;
}

export interface DayTotals {
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
}

export interface StatsView {
  today: DayTotals;
  /** The last 60 minutes, oldest first, one entry per minute (zeros included). */
  perMinute: Array<{ minute: number; requests: number; errors: number }>;
  /** How many finished requests the figures include since the app started (see `RequestView.statsSeq`). */
  counted: number;
  accounts: AccountCount[];
}

export interface AccountTotals {
  total: number;
  enabled: number;
  usable: number;
}

export interface ProxyStatus {
  running: boolean;
  paused: boolean;
  url: string;
  version: string;
  dataDir: string;
  /** `desktop` when the Electron app runs this core; `headless` otherwise. */
  shell: 'desktop' | 'headless';
  /** The site credits are read from, by name (creditsSiteName): `orchids.app` unless ORCHIDS_SITE_URL names another. */
  creditsSite: string;
  apiKeySet: boolean;
  accounts: AccountTotals;
  /** Whether a request could be served now, and why not: the badge, the Overview and the tray word it alike. */
  serving: Serving;
  /**
   * The pinned `upstreamProtocol` met a wrong-protocol answer and has not answered since: every request fails while
   * the accounts look ready. Null when nothing is pinned, or the pin works (contract/pinned-protocol.ts words it).
   */
  pinnedMismatch: PinnedMismatch | null;
  /**
   * This start found the database unreadable, set it aside and began with a fresh one (contract/damaged-database.ts
   * words it). Null when the database opened, or once dismissed (`proxy:dismissDamagedDatabase`, for this run).
   */
  damagedDatabase: DamagedDatabase | null;
  debugLogs: { enabled: boolean; written: number; dropped: number; pending: number; dir: string };
}

/**
 * `GET /health`: what a monitor needs to see that the proxy is up and keeping up. A type alias, not an interface,
 * so it stays assignable to the plain JSON record the server serialises.
 */
export type Health = {
  status: 'ok' | 'paused';
  version: string;
  accounts: AccountTotals;
  debugLogs: { enabled: boolean; written: number; dropped: number; pending: number };
  history: { dropped: number; pending: number };
  events: { subscribers: number; dropped: number };
  server: ServerHealth;
  upstream: UpstreamHealth;
  /**
   * ProxyStatus.pinnedMismatch with its words (what is wrong, then the way out, as `proxy status` prints them):
   * `status` stays `ok` because the server is up and the accounts are ready, so a monitor reads this to learn that
   * every request fails. Null when nothing is pinned or the pin works.
   */
  pinnedMismatch: (PinnedMismatch & { message: string }) | null;
  /** ProxyStatus.damagedDatabase with its words: accounts and history started empty at this start. */
  damagedDatabase: (DamagedDatabase & { message: string }) | null;
};

/**
 * What the upstream side is doing, for a person asking why requests are slow or meet 401s: the Generation B
 * WebSocket pool's counters since start (one pool holds every account's sockets, so they are totals) and how far
 * Clerk's clock runs from this machine's.
 */
export type UpstreamHealth = {
  /** A `strays` count that climbs means sockets are closed instead of reused, so every request dials. */
  ws: { dials: number; reuses: number; retries: number; strays: number; open: number; idle: number };
  /** Clerk's clock minus this machine's, in whole seconds: negative when this machine runs ahead; 0 within 5 s. */
  clerkClockOffsetSeconds: number;
};

/** The HTTP server's bounds at work: connections (and what the cap turned away) and the request body budget. */
export type ServerHealth = {
  /** Listening beyond loopback: every route needs the API key. */
  remote: boolean;
  connections: { open: number; displaced: number; refused: number; apiRefused: number; abortedUploads: number };
  bodyBudget: { bytes: number; inUse: number; peak: number; refused: number };
};

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  at: number;
}

/** The transport's own news about its live stream (see CONNECTION_EVENT). */
export type ConnectionChange = { state: 'open'; resumed: boolean } | { state: 'lost' };
