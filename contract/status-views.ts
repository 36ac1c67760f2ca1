/**
 * The proxy's state as it crosses the contract (the rules for every wire type are in views.ts): the status the
 * window, tray and CLI show, and `GET /health` for a monitor.
 */
import type { DamagedDatabase } from './damaged-database';
import type { PinnedMismatch } from './pinned-protocol';
import type { Serving } from './serving';

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
  /** The operating system the app runs on (Node's `process.platform`: `win32`, `darwin`, `linux`…). */
  platform: string;
  /**
   * How a terminal on the app's machine runs the CLI against this app, its words to come: `npm run cli --` (`"--"`
   * on Windows), prefixed with the app's ORCHIDS_TRAY_DATA_DIR in that platform's shell when the app runs on another
   * folder than the default. The window shows `<this> dashboard` (useCliCommand): the main process's
   * cliInvocation decides it, so the window's commands are the ones the terminal prints.
   */
  cliInvocation: string;
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
   * A start (this one or an earlier one, of the app or the CLI) found the database unreadable, set it aside and began
   * with a fresh one (contract/damaged-database.ts words it). Kept in the fresh database until dismissed
   * (`proxy:dismissDamagedDatabase`, for good); null when there is none.
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
  /** ProxyStatus.damagedDatabase with its words: accounts and history started empty then. */
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
