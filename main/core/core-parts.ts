/**
 * The shape of a composed core, apart from its wiring (compose.ts): what composing takes from the caller
 * (CoreOptions, which `OrchidsCore` is opened with) and from the core that owns it (CoreHooks), and every part it
 * gives back (CoreParts, which the core's facade and tests' `internals` reach).
 */
import type { Health } from '../../contract/status-views';
import type { AccountCache } from './accounts/account-cache';
import type { AccountService } from './accounts/account-service';
import type { AccountStates, StatePolicy } from './accounts/account-states';
import type { TokenCache } from './clerk/token-cache';
import type { EnvConfig } from './config';
import type { CreditsSync } from './credits';
import type { AccountsRepo } from './db/accounts-repo';
import type { DamagedDatabaseNotice } from './db/damaged';
import type { Db } from './db/database';
import type { EventBus } from './events/event-bus';
import type { HistoryRepo, HistoryEntry } from './history/history-repo';
import type { LiveStats } from './history/live-stats';
import type { DebugLogWriter } from './logs/debug-log-writer';
import type { SecretRedactor } from './logs/redact';
import type { AccountTester } from './proxy/account-test';
import type { Heartbeat } from './proxy/heartbeat';
import type { MessagesProxy } from './proxy/messages-proxy';
import type { ProxyObserver } from './proxy/observer';
import type { PinnedMismatchWatch } from './proxy/pinned-mismatch';
import type { KeyFileSecretBox, SecretBox } from './secrets/secret-box';
import type { ProxyServer } from './server/http-server';
import type { ServerOptions } from './server/server-options';
import type { SettingsService } from './settings/settings-service';
import type { UpstreamPool } from './upstream/dispatcher';
import type { WsTransport } from './upstream/ws/ws-transport';
import type { CountWriter } from './writers/count-writer';
import type { QueueWriter } from './writers/queue-writer';

export interface CoreOptions {
  env?: NodeJS.ProcessEnv;
  /** Overrides for what the environment would say (tests pass a temp dir, port 0 and simulator URLs). */
  config?: Partial<EnvConfig>;
  /** Listen on this port instead of the setting (0 = any free port). */
  port?: number;
  /** Which app runs this core; the window reads it from the proxy status. */
  shell?: 'desktop' | 'headless';
  secrets?: SecretBox;
  nativeBinding?: string;
  log?: (line: string) => void;
  countFlushMs?: number;
  dataVersionPollMs?: number;
  pingIntervalMs?: number;
  statePolicy?: Partial<StatePolicy>;
  tokenRefreshLeadMs?: number;
  observer?: ProxyObserver;
  /** Connection cap and timeouts of the HTTP server (tests shrink them). */
  serverLimits?: ServerOptions['limits'];
  maxTransientRetries?: number;
  sameAccountBackoffMs?: (retry: number) => number;
  /** How long a remembered fallback protocol is trusted before the preferred ones are tried again. */
  protocolReprobeMs?: number;
  /** How long `accounts:test` waits for one protocol's whole answer (tests shorten it). */
  accountTestStepLimitMs?: number;
  /**
   * When the credits sync's first pass runs after start, how often after that, how long a newly added account waits
   * for its first read, and how long its reads leave a throttled Clerk alone (tests shorten them).
   */
  creditsTiming?: { firstSyncMs?: number; intervalMs?: number; addedReadMs?: number; clerkQuietMs?: number };
}

/** What the graph needs from the core that owns it. */
export interface CoreHooks {
  log: (line: string) => void;
  /** The literal secrets the app holds and their redaction; composing adds the API key to it. */
  redactor: SecretRedactor;
  paused: () => boolean;
  health: () => Health;
}

/** Every part of a composed core. The app reaches them through the core's facade; tests through `internals`. */
export interface CoreParts {
  db: Db;
  /** Seals account cookies: the OS keychain in the desktop app (the key file as a reader), the key file elsewhere. */
  secrets: SecretBox;
  /** The per-install key file, readable in every mode: it seals settings, so the API key works in all of them. */
  keyFile: KeyFileSecretBox;
  settings: SettingsService;
  repo: AccountsRepo;
  cache: AccountCache;
  accounts: AccountService;
  tokens: TokenCache;
  states: AccountStates;
  /** Each account's plan and credits, read in the background from the credits site (orchids.app unless
   * ORCHIDS_SITE_URL names another). */
  credits: CreditsSync;
  /** One short request through the real upstream path on an account, step by step (`accounts:test`). */
  tester: AccountTester;
  counts: CountWriter;
  bus: EventBus;
  historyRepo: HistoryRepo;
  history: QueueWriter<HistoryEntry>;
  debugLogs: DebugLogWriter;
  /** Every sink of exception or upstream text redacts with it: history, account reasons, logs, account tests. */
  redactor: SecretRedactor;
  stats: LiveStats;
  pool: UpstreamPool;
  ws: WsTransport;
  heartbeat: Heartbeat;
  /** A pinned upstream protocol the service does not speak, as requests last met it (the window and tray show it). */
  pinned: PinnedMismatchWatch;
  proxy: MessagesProxy;
  server: ProxyServer;
  /** A database file this start found unreadable and set aside, until dismissed (the start line, window, /health). */
  damaged: DamagedDatabaseNotice;
}
