import path from 'node:path';
import { request, type Dispatcher } from 'undici';
import { AccountCache } from './accounts/account-cache';
import { AccountService } from './accounts/account-service';
import { AccountStates, type StateChange, type StatePolicy } from './accounts/account-states';
import type { AccountRecord } from './accounts/types';
import { ClerkClient } from './clerk/clerk-client';
import { TokenCache } from './clerk/token-cache';
import { readEnvConfig, type EnvConfig } from './config';
import { AccountsRepo } from './db/accounts-repo';
import { dataVersion, openDatabase, type Db } from './db/database';
import { Heartbeat } from './proxy/heartbeat';
import { MessagesProxy } from './proxy/messages-proxy';
import type { ProxyObserver } from './proxy/observer';
import {
  KeyFileSecretBox,
  LayeredSecretBox,
  SecretUnavailableError,
  sealKindOf,
  type SecretBox,
} from './secrets/secret-box';
import { ProxyServer, type ServerOptions } from './server/http-server';
import { SettingsService } from './settings/settings-service';
import { createUpstreamDispatcher } from './upstream/dispatcher';
import { SseTransport } from './upstream/sse-transport';
import { WsTransport } from './upstream/ws/ws-transport';
import { ProtocolChoice } from './upstream/protocol-choice';
import type { UpstreamProtocol } from './upstream/protocol';
import { CountWriter } from './writers/count-writer';
import { withTimeout } from './util/timeout';
import { secureDataDir } from './util/paths';
import { EventBus } from './events/event-bus';
import type { CoreEvent } from './events/types';
import { HistoryRepo, type HistoryEntry } from './history/history-repo';
import { LiveStats } from './history/live-stats';
import { DebugLogWriter } from './logs/debug-log-writer';
import { CoreObserver } from './proxy/core-observer';
import { PreparedToolsCache } from './orchids/prepared-tools';
import { estimateInputTokens } from './anthropic/token-estimate';
import { QueueWriter } from './writers/queue-writer';
import { version } from '../../package.json';

export const DATABASE_FILE = 'orchids-tray.db';
export const VERSION: string = version;

export interface CoreOptions {
  env?: NodeJS.ProcessEnv;
  /** Overrides for what the environment would say (tests pass a temp dir, port 0 and simulator URLs). */
  config?: Partial<EnvConfig>;
  /** Listen on this port instead of the setting (0 = any free port). */
  port?: number;
  secrets?: SecretBox;
  nativeBinding?: string;
  log?: (line: string) => void;
  countFlushMs?: number;
  dataVersionPollMs?: number;
  pingIntervalMs?: number;
  statePolicy?: Partial<StatePolicy>;
  tokenRefreshLeadMs?: number;
  observer?: ProxyObserver;
  extraRoutes?: ServerOptions['extraRoutes'];
  /** Connection cap and timeouts of the HTTP server (tests shrink them). */
  serverLimits?: ServerOptions['limits'];
  maxTransientRetries?: number;
  sameAccountBackoffMs?: (retry: number) => number;
  /** How long a remembered fallback protocol is trusted before the preferred ones are tried again. */
  protocolReprobeMs?: number;
}

/**
 * The whole product minus its windows: SQLite, caches, writers, the upstream pool and the HTTP server, wired
 * together. Headless mode, the CLI's live checks, the desktop app, every integration test and the benchmark
 * construct this same object. It imports nothing from Electron.
 */
export class OrchidsCore {
  readonly config: EnvConfig;
  readonly db: Db;
  /** Seals account cookies: the OS keychain in the desktop app, the key file elsewhere. */
  readonly secrets: SecretBox;
  /** The per-install key file, readable in every mode: it seals settings, so the API key works in all of them. */
  readonly keyFile: KeyFileSecretBox;
  readonly settings: SettingsService;
  readonly repo: AccountsRepo;
  readonly cache = new AccountCache();
  readonly clerk: ClerkClient;
  readonly tokens: TokenCache;
  readonly accounts: AccountService;
  readonly states: AccountStates;
  readonly counts: CountWriter;
  readonly heartbeat: Heartbeat;
  readonly server: ProxyServer;
  readonly proxy: MessagesProxy;
  readonly bus: EventBus;
  readonly historyRepo: HistoryRepo;
  readonly history: QueueWriter<HistoryEntry>;
  readonly debugLogs: DebugLogWriter;
  readonly stats = new LiveStats();
  readonly toolsCache = new PreparedToolsCache();
  private dispatcher: Dispatcher;
  private readonly ws: WsTransport;
  private lastHistoryPrune = 0;
  private readonly log: (line: string) => void;
  private watcher: NodeJS.Timeout | undefined;
  private lastDataVersion = 0;
  private readonly stateListeners = new Set<(change: StateChange) => void>();
  private paused = false;
  private started = false;
  private stopping: Promise<void> | undefined;

  constructor(private readonly options: CoreOptions = {}) {
    const env = options.env ?? process.env;
    this.config = { ...readEnvConfig(env), ...options.config };
    const print = options.log ?? ((line: string) => console.log(line));
    this.log = (line) => {
      print(line);
      this.bus?.publish({
        type: 'log.line',
        level: /fail|error|cannot/i.test(line) ? 'warn' : 'info',
        message: line,
        at: Date.now(),
      });
    };
    const tightened = secureDataDir(this.config.dataDir, { privateFiles: [DATABASE_FILE] });
    if (tightened > 0) {
      this.log(
        `[data] Made ${this.config.dataDir} private: ${tightened} files and folders were open to other users (now 0700 folders, 0600 files).`,
      );
    }
    this.db = openDatabase(path.join(this.config.dataDir, DATABASE_FILE), { nativeBinding: options.nativeBinding });
    this.keyFile = new KeyFileSecretBox(this.config.dataDir);
    this.secrets =
      options.secrets && options.secrets.kind !== this.keyFile.kind
        ? new LayeredSecretBox(options.secrets, [this.keyFile])
        : this.keyFile;
    this.settings = new SettingsService(this.db, this.keyFile, env);
    this.repo = new AccountsRepo(this.db);
    this.historyRepo = new HistoryRepo(this.db);
    this.bus = new EventBus(() =>
      this.cache.list().map((a) => ({ accountId: a.id, requestCount: a.requestCount, lastUsedAt: a.lastUsedAt })),
    );
    this.history = new QueueWriter<HistoryEntry>({
      write: (batch) => this.writeHistory(batch),
      intervalMs: options.countFlushMs ?? 1000,
      capacity: 20_000,
      onError: (error) => this.log(`[history] write failed: ${(error as Error).message}`),
    });
    this.debugLogs = new DebugLogWriter({
      dir: path.join(this.config.dataDir, 'debug-logs'),
      retention: () => ({
        maxCount: this.settings.get('logRetentionCount'),
        maxBytes: this.settings.get('logRetentionMb') * 1024 * 1024,
        maxAgeMs: this.settings.get('logRetentionDays') * 86_400_000,
      }),
      secrets: () => [this.settings.get('apiKey')].filter(Boolean),
      onError: (error) => this.log(`[debug-logs] write failed: ${(error as Error).message}`),
    });
    this.stats.seed(this.historyRepo);
    this.dispatcher = createUpstreamDispatcher(this.timeouts());
    this.clerk = new ClerkClient({ baseUrl: this.config.clerkUrl, dispatcher: () => this.dispatcher });
    this.counts = new CountWriter(this.repo.addCounts, options.countFlushMs ?? 1000, (error) =>
      this.log(`[counts] flush failed, will retry: ${(error as Error).message}`),
    );
    let accounts: AccountService | undefined;
    this.tokens = new TokenCache({
      mint: (id, minLifetimeMs) => accounts!.mintToken(id, minLifetimeMs),
      refreshLeadMs: options.tokenRefreshLeadMs,
      onBackgroundError: (id, error) =>
        this.log(`[tokens] background refresh for account ${id} failed: ${(error as Error).message}`),
    });
    accounts = new AccountService({
      repo: this.repo,
      cache: this.cache,
      clerk: this.clerk,
      secrets: this.secrets,
      seedToken: (id, jwt) => this.tokens.store(id, jwt),
      currentToken: (id) => this.tokens.current(id),
      onRemoved: (id) => {
        this.tokens.forget(id);
        this.ws.forgetAccount(id);
      },
    });
    this.accounts = accounts;
    this.states = new AccountStates({
      cache: this.cache,
      persist: (id, patch) => this.repo.update(id, patch, Date.now()),
      probe: (account) => this.probe(account),
      policy: options.statePolicy,
      forgetToken: (id) => this.tokens.invalidate(id),
      onChange: (change) => {
        this.bus.publish({ type: 'account.state', ...change, at: Date.now() });
        for (const listener of this.stateListeners) listener(change);
      },
      onProtocolChange: (accountId, protocol) =>
        this.bus.publish({ type: 'account.protocol', accountId, protocol, at: Date.now() }),
    });
    this.reloadAccounts();
    this.heartbeat = new Heartbeat(() => options.pingIntervalMs ?? 10_000);
    const timeouts = {
      dispatcher: () => this.dispatcher,
      firstByteTimeoutMs: () => this.settings.get('firstByteTimeoutMs'),
      idleTimeoutMs: () => this.settings.get('idleTimeoutMs'),
    };
    this.ws = new WsTransport({
      ...timeouts,
      url: () => this.config.agentWsUrl,
      connectTimeoutMs: () => this.settings.get('connectTimeoutMs'),
      poolSize: () => this.settings.get('wsPoolSize'),
    });
    const transports = {
      ws: this.ws,
      'sse-b': new SseTransport({ ...timeouts, protocol: 'sse-b', url: () => this.config.agentBUrl }),
      'sse-a': new SseTransport({ ...timeouts, protocol: 'sse-a', url: () => this.config.agentUrl }),
    };
    const protocols = new ProtocolChoice({
      setting: () => this.settings.get('upstreamProtocol'),
      remember: (accountId, protocol, at) => this.states.noteProtocol(accountId, protocol, at),
      reprobeMs: options.protocolReprobeMs,
    });
    const now = Date.now;
    this.proxy = new MessagesProxy({
      accounts: this.cache,
      tokens: this.tokens,
      transports,
      protocols,
      cookieHeader: (account) => this.accounts.cookieHeaderFor(account.id),
      countRequest: (id) => {
        const at = now();
        this.cache.noteRequest(id, at);
        this.counts.increment(id, at);
        this.bus.countsChanged();
      },
      health: this.states,
      observer:
        options.observer ??
        new CoreObserver({
          bus: this.bus,
          history: this.history,
          logs: this.debugLogs,
          stats: this.stats,
          debugLogs: () => this.settings.get('debugLogs'),
        }),
      heartbeat: this.heartbeat,
      modelMap: () => this.settings.get('modelMap'),
      maxTransientRetries: options.maxTransientRetries ?? 2,
      tools: this.toolsCache,
      thinkingMode: () => this.settings.get('thinkingMode'),
      retryBudgetMs: () => this.settings.get('firstByteTimeoutMs'),
      sameAccountBackoffMs: options.sameAccountBackoffMs,
    });
    this.server = new ProxyServer({
      host: this.settings.get('host'),
      port: options.port ?? this.settings.get('port'),
      allowNonLoopback: this.config.allowNonLoopback,
      maxBodyBytes: this.config.maxBodyBytes,
      bodyBudgetBytes: () => this.settings.get('requestBodyBudgetMb') * 1024 * 1024,
      allowedHosts: () => this.settings.get('allowedHosts'),
      // null when a key is stored but cannot be read: the server then refuses every call instead of opening up.
      apiKey: () => (this.settings.isUnreadable('apiKey') ? null : this.settings.get('apiKey')),
      allowedOrigins: () => this.settings.get('allowedOrigins'),
      modelMap: () => this.settings.get('modelMap'),
      estimateInput: (request) => estimateInputTokens(request, this.toolsCache.prepare(request.tools).tokens),
      health: () => this.health(),
      proxy: this.proxy,
      extraRoutes: options.extraRoutes,
      limits: options.serverLimits,
      log: this.log,
      paused: () => this.paused,
    });
    this.settings.onChange((key) => {
      this.bus.publish({ type: 'proxy.changed' });
      if (key === 'allowedOrigins' || key === 'allowedHosts') this.server.refreshGuard();
      if (key === 'connectTimeoutMs') this.replaceDispatcher();
    });
  }

  get isRunning(): boolean {
    return this.started && !this.stopping;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  setPaused(paused: boolean): void {
    if (this.paused === paused) return;
    this.paused = paused;
    this.bus.publish({ type: 'proxy.changed' });
  }

  onStateChange(listener: (change: StateChange) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  async start(): Promise<string> {
    if (this.started) return this.server.url;
    const url = await this.server.start();
    this.started = true;
    this.counts.start();
    this.history.start();
    this.debugLogs.start();
    this.states.start();
    this.lastDataVersion = dataVersion(this.db);
    this.watcher = setInterval(() => this.checkForExternalChanges(), this.options.dataVersionPollMs ?? 1000);
    this.watcher.unref();
    return url;
  }

  /**
   * The graceful stop: no new connections, in-flight requests get `graceMs` to finish, then every writer flushes
   * and the database closes. Each step is bounded, so a stuck step cannot keep the process from exiting.
   */
  stop(graceMs = 10_000): Promise<void> {
    this.stopping ??= (async () => {
      const step = async (name: string, work: () => Promise<void> | void, ms: number): Promise<void> => {
        const ok = await withTimeout(
          Promise.resolve()
            .then(work)
            .then(() => true),
          ms,
          () => false,
        ).catch((error: unknown) => {
          this.log(`[stop] ${name} failed: ${(error as Error).message}`);
          return true;
        });
        if (!ok) this.log(`[stop] ${name} did not finish within ${ms} ms; moving on`);
      };
      clearInterval(this.watcher);
      await step('server', () => this.server.stop(graceMs), graceMs + 2000);
      this.states.stop();
      this.tokens.stop();
      this.heartbeat.stop();
      await step('request counts', () => this.counts.stop(), 5000);
      await step('request history', () => this.history.stop(), 5000);
      await step('debug logs', () => this.debugLogs.stop(), 5000);
      this.bus.stop();
      await step('upstream sockets', () => this.ws.close(), 2000);
      await step('upstream pool', () => this.dispatcher.close(), 2000);
      this.db.close();
    })();
    return this.stopping;
  }

  health(): Record<string, unknown> {
    const accounts = this.cache.list();
    return {
      status: this.paused ? 'paused' : 'ok',
      version: VERSION,
      accounts: {
        total: accounts.length,
        enabled: accounts.filter((a) => a.enabled).length,
        usable: this.cache.usableCount,
      },
      debugLogs: {
        enabled: this.settings.get('debugLogs'),
        written: this.debugLogs.written,
        dropped: this.debugLogs.dropped,
        pending: this.debugLogs.pending,
      },
      history: { dropped: this.history.dropped, pending: this.history.pending },
      server: this.server.stats(),
      events: { subscribers: this.bus.subscriberCount, dropped: this.bus.dropped },
    };
  }

  /** The live stream for windows and `logs --follow`; batched and bounded per subscriber. */
  subscribe(listener: (batch: CoreEvent[]) => void): () => void {
    return this.bus.subscribe(listener);
  }

  private writeHistory(batch: HistoryEntry[]): void {
    this.historyRepo.insertMany(batch);
    const now = Date.now();
    // Retention runs in the writer, at most once a minute, never on the request path.
    if (now - this.lastHistoryPrune > 60_000) {
      this.lastHistoryPrune = now;
      this.historyRepo.prune(now - this.settings.get('historyRetentionDays') * 86_400_000, 200_000);
    }
  }

  /** Picks up what another process (the CLI) wrote: accounts and settings, without a restart. */
  checkForExternalChanges(): boolean {
    const current = dataVersion(this.db);
    if (current === this.lastDataVersion) return false;
    this.lastDataVersion = current;
    this.states.flushWrites();
    this.reloadAccounts();
    this.settings.reload();
    this.states.schedule();
    return true;
  }

  private reloadAccounts(): void {
    const records = this.repo.list();
    const known = new Set(records.map((r) => r.id));
    for (const previous of this.cache.list()) {
      if (known.has(previous.id)) continue;
      this.tokens.forget(previous.id);
      this.accounts.forgetCookies(previous.id);
    }
    for (const record of records) {
      record.requestCount += this.counts.pendingFor(record.id);
      const previous = this.cache.get(record.id);
      if (previous && previous.sealedCookie !== record.sealedCookie) this.tokens.invalidate(record.id);
      if (!record.enabled) this.tokens.forget(record.id);
    }
    this.cache.replaceAll(records);
    this.reconcileSealedSecrets();
  }

  /**
   * Makes each account's `locked` state match what this mode can open, now rather than on the first request that
   * picks it: a cookie this mode cannot open is locked with the reason; one locked by another mode that opens here
   * is ready again; and one opened through a fallback (the key file, in the desktop app) is re-sealed with this
   * mode's own box, so cookies end up under the keychain wherever one exists.
   */
  reconcileSealedSecrets(): { locked: number; unlocked: number; resealed: number } {
    const result = { locked: 0, unlocked: 0, resealed: 0 };
    for (const account of this.cache.list()) {
      let plain: string;
      try {
        plain = this.secrets.open(account.sealedCookie);
      } catch (error) {
        if (!(error instanceof SecretUnavailableError)) throw error;
        if (account.status !== 'locked') {
          this.states.recordFailure(account.id, { kind: 'locked', message: error.message });
          result.locked += 1;
        }
        continue;
      }
      if (sealKindOf(account.sealedCookie) !== this.secrets.kind) {
        this.accounts.write(account.id, { sealedCookie: this.secrets.seal(plain) });
        result.resealed += 1;
      }
      if (account.status === 'locked') {
        this.states.reset(account.id);
        result.unlocked += 1;
      }
    }
    return result;
  }

  private async probe(account: AccountRecord): Promise<boolean> {
    if (account.status === 'signed_out') {
      // Through the account service, which keeps the __client Clerk rotates; dropping it would sign the account
      // out again on its first request.
      await this.accounts.checkSignIn(account.id);
      return true;
    }
    await this.tokens.renew(account.id);
    if (account.status !== 'failing') return true;
    // The path to Orchids is back if it answers at all; a GET costs no credits.
    const response = await request(this.probeUrl(account.protocol), { method: 'GET', dispatcher: this.dispatcher });
    await response.body.dump();
    return response.statusCode < 500;
  }

  /** An address on the host that serves the account's protocol, as http(s): a WebSocket host answers GETs too. */
  private probeUrl(protocol: UpstreamProtocol | ''): string {
    if (protocol === 'ws') return this.config.agentWsUrl.replace(/^ws/, 'http');
    return protocol === 'sse-b' ? this.config.agentBUrl : this.config.agentUrl;
  }

  private timeouts() {
    return {
      connectTimeoutMs: this.settings.get('connectTimeoutMs'),
      firstByteTimeoutMs: this.settings.get('firstByteTimeoutMs'),
      idleTimeoutMs: this.settings.get('idleTimeoutMs'),
    };
  }

  private replaceDispatcher(): void {
    const old = this.dispatcher;
    this.dispatcher = createUpstreamDispatcher(this.timeouts());
    void old.close().catch(() => undefined);
  }
}
