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
import { silentObserver, type ProxyObserver } from './proxy/observer';
import { KeyFileSecretBox, type SecretBox } from './secrets/secret-box';
import { ProxyServer, type ServerOptions } from './server/http-server';
import { SettingsService } from './settings/settings-service';
import { createUpstreamDispatcher } from './upstream/dispatcher';
import { OrchidsClient } from './upstream/orchids-client';
import { CountWriter } from './writers/count-writer';
import { withTimeout } from './util/timeout';
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
  maxTransientRetries?: number;
}

/**
 * The whole product minus its windows: SQLite, caches, writers, the upstream pool and the HTTP server, wired
 * together. Headless mode, the CLI's live checks, the desktop app, every integration test and the benchmark
 * construct this same object. It imports nothing from Electron.
 */
export class OrchidsCore {
  readonly config: EnvConfig;
  readonly db: Db;
  readonly secrets: SecretBox;
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
  private dispatcher: Dispatcher;
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
    this.log = options.log ?? ((line) => console.log(line));
    this.db = openDatabase(path.join(this.config.dataDir, DATABASE_FILE), { nativeBinding: options.nativeBinding });
    this.secrets = options.secrets ?? new KeyFileSecretBox(this.config.dataDir);
    this.settings = new SettingsService(this.db, this.secrets, env);
    this.repo = new AccountsRepo(this.db);
    this.dispatcher = createUpstreamDispatcher(this.timeouts());
    this.clerk = new ClerkClient({ baseUrl: this.config.clerkUrl, dispatcher: () => this.dispatcher });
    this.counts = new CountWriter(this.repo.addCounts, options.countFlushMs ?? 1000, (error) =>
      this.log(`[counts] flush failed, will retry: ${(error as Error).message}`),
    );
    let accounts: AccountService | undefined;
    this.tokens = new TokenCache({
      mint: (id) => accounts!.mintToken(id),
      refreshLeadMs: options.tokenRefreshLeadMs,
      onBackgroundError: (id, error) => this.log(`[tokens] background refresh for account ${id} failed: ${(error as Error).message}`),
    });
    accounts = new AccountService({
      repo: this.repo,
      cache: this.cache,
      clerk: this.clerk,
      secrets: this.secrets,
      seedToken: (id, jwt) => this.tokens.store(id, jwt),
      onRemoved: (id) => this.tokens.forget(id),
    });
    this.accounts = accounts;
    this.states = new AccountStates({
      cache: this.cache,
      persist: (id, patch) => this.repo.update(id, patch, Date.now()),
      probe: (account) => this.probe(account),
      policy: options.statePolicy,
      forgetToken: (id) => this.tokens.invalidate(id),
      onChange: (change) => {
        for (const listener of this.stateListeners) listener(change);
      },
    });
    this.reloadAccounts();
    this.heartbeat = new Heartbeat(() => options.pingIntervalMs ?? 10_000);
    const client = new OrchidsClient({
      agentUrl: () => this.config.agentUrl,
      dispatcher: () => this.dispatcher,
      firstByteTimeoutMs: () => this.settings.get('firstByteTimeoutMs'),
      idleTimeoutMs: () => this.settings.get('idleTimeoutMs'),
    });
    const now = Date.now;
    this.proxy = new MessagesProxy({
      accounts: this.cache,
      tokens: this.tokens,
      client,
      agentUrl: () => this.config.agentUrl,
      countRequest: (id) => {
        const at = now();
        this.cache.noteRequest(id, at);
        this.counts.increment(id, at);
      },
      health: this.states,
      observer: options.observer ?? silentObserver,
      heartbeat: this.heartbeat,
      modelMap: () => this.settings.get('modelMap'),
      maxTransientRetries: options.maxTransientRetries ?? 2,
    });
    this.server = new ProxyServer({
      host: this.settings.get('host'),
      port: options.port ?? this.settings.get('port'),
      allowNonLoopback: this.config.allowNonLoopback,
      maxBodyBytes: this.config.maxBodyBytes,
      apiKey: () => this.settings.get('apiKey'),
      allowedOrigins: () => this.settings.get('allowedOrigins'),
      modelMap: () => this.settings.get('modelMap'),
      health: () => this.health(),
      proxy: this.proxy,
      extraRoutes: options.extraRoutes,
      log: this.log,
      paused: () => this.paused,
    });
    this.settings.onChange((key) => {
      if (key === 'allowedOrigins') this.server.refreshGuard();
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
    this.paused = paused;
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
          Promise.resolve().then(work).then(() => true),
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
      await step('request counts', () => this.counts.stop(), 5000);
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
    };
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
    for (const previous of this.cache.list()) if (!known.has(previous.id)) this.tokens.forget(previous.id);
    for (const record of records) {
      record.requestCount += this.counts.pendingFor(record.id);
      const previous = this.cache.get(record.id);
      if (previous && previous.sealedCookie !== record.sealedCookie) this.tokens.invalidate(record.id);
      if (!record.enabled) this.tokens.forget(record.id);
    }
    this.cache.replaceAll(records);
  }

  private async probe(account: AccountRecord): Promise<boolean> {
    if (account.status === 'signed_out') {
      await this.clerk.lookup(this.accounts.openCookies(account));
      return true;
    }
    await this.tokens.renew(account.id);
    if (account.status !== 'failing') return true;
    // The path to Orchids is back if it answers at all; a GET costs no credits.
    const response = await request(this.config.agentUrl, { method: 'GET', dispatcher: this.dispatcher });
    await response.body.dump();
    return response.statusCode < 500;
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
