import type { CoreEvent } from './events/types';
import { reconcileSealedCookies, type SealReport } from './accounts/sealed-cookies';
import { AccountsApp } from './app/accounts-app';
import { HistoryApp } from './app/history-app';
import { ProxyControl } from './app/proxy-control';
import { SettingsApp } from './app/settings-app';
import { serverClockOffsetMs } from './clerk/server-clock';
import { composeCore } from './compose';
import type { CoreOptions, CoreParts } from './core-parts';
import { readEnvConfig, type EnvConfig } from './config';
import { DataVersionWatcher } from './db/data-version-watcher';
import { publishingLog } from './events/log-lines';
import { damagedDatabaseLine } from '../../contract/damaged-database';
import { SecretRedactor } from './logs/redact';
import { secureDataDir } from './util/paths';
import { withTimeout } from './util/timeout';
import { cliInvocation } from './util/cli-command';
import { version } from '../../package.json';

export type { CoreOptions } from './core-parts';
export const VERSION: string = version;

/** What tests and the benchmark may reach into; the app itself goes through the facade. */
export type CoreInternals = CoreParts & {
  /** What `start()` does to sealed cookies (lock, unlock, re-seal), on demand. */
  reconcileSealedCookies(): SealReport;
};

interface Composed {
  internals: CoreInternals;
  accounts: AccountsApp;
  settings: SettingsApp;
  history: HistoryApp;
  proxy: ProxyControl;
}

/**
 * The whole product minus its windows, for headless mode, the CLI, the desktop app, every integration test and
 * the benchmark. It imports nothing from Electron. Constructing it reads only the environment; `open()` (or the
 * first use of the facade) opens the database and loads accounts and settings without writing anything;
 * `start()` also takes ownership: it settles sealed cookies, starts the writers and the watchers, and listens.
 *
 * The facade (`accounts`, `settings`, `history`, `proxy`, `subscribe`) is what IPC, the HTTP control transport,
 * the CLI and the tray call, and it answers in the contract's wire types.
 */
export class OrchidsCore {
  readonly config: EnvConfig;
  private readonly log: (line: string) => void;
  /** Made before anything can log; the composed parts add the secrets they know (the API key, the install token). */
  private readonly redactor = new SecretRedactor();
  private composed: Composed | undefined;
  private watcher: DataVersionWatcher | undefined;
  private started = false;
  private stopping: Promise<void> | undefined;

  constructor(private readonly options: CoreOptions = {}) {
    this.config = { ...readEnvConfig(options.env ?? process.env), ...options.config };
    // Log lines quote exception and upstream text (a Clerk error, a socket error naming a URL): redacted before they
    // are printed or published to the live stream.
    const log = publishingLog(options.log ?? ((line) => console.log(line)), () => this.composed?.internals.bus);
    this.log = (line) => log(this.redactor.redact(line));
  }

  get accounts(): AccountsApp {
    return this.opened().accounts;
  }

  get settings(): SettingsApp {
    return this.opened().settings;
  }

  get history(): HistoryApp {
    return this.opened().history;
  }

  get proxy(): ProxyControl {
    return this.opened().proxy;
  }

  /** For tests and the benchmark: the parts behind the facade. */
  get internals(): CoreInternals {
    return this.opened().internals;
  }

  /** The live stream for windows and `logs --follow`; batched and bounded per subscriber. */
  subscribe(listener: (batch: CoreEvent[]) => void): () => void {
    return this.internals.bus.subscribe(listener);
  }

  /** Opens the database and loads accounts and settings. Writes nothing, so a CLI command can use it freely. */
  open(): this {
    this.opened();
    return this;
  }

  private opened(): Composed {
    this.composed ??= this.compose();
    return this.composed;
  }

  private compose(): Composed {
    if (this.stopping) throw new Error('This Orchids Tray core has stopped.');
    const parts = composeCore(this.config, this.options, {
      log: this.log,
      redactor: this.redactor,
      paused: () => this.proxy.paused,
      health: () => this.proxy.health(),
    });
    return {
      internals: { ...parts, reconcileSealedCookies: () => this.reconcileSealedCookies(parts) },
      accounts: new AccountsApp(parts),
      settings: new SettingsApp(parts.settings),
      history: new HistoryApp({
        repo: parts.historyRepo,
        writer: parts.history,
        debugLogs: parts.debugLogs,
        redactor: parts.redactor,
        stats: parts.stats,
        counts: () =>
          parts.cache.list().map((a) => ({ accountId: a.id, requestCount: a.requestCount, lastUsedAt: a.lastUsedAt })),
      }),
      proxy: new ProxyControl({
        ...parts,
        version: VERSION,
        dataDir: this.config.dataDir,
        // The same words the terminal's lines and the refusals print (headless.ts, unavailable.ts).
        cliInvocation: cliInvocation({ dataDir: this.config.dataDir, env: this.options.env }),
        shell: this.options.shell ?? 'headless',
        creditsSite: parts.credits.site,
        running: () => this.started && !this.stopping,
        wsStats: () => parts.ws.stats,
        clockOffsetMs: serverClockOffsetMs,
      }),
    };
  }

  async start(): Promise<string> {
    const parts = this.internals;
    if (this.started) return parts.server.url;
    const damaged = parts.damaged.current;
    if (damaged) this.log(`[data] ${damagedDatabaseLine(damaged)}`);
    const tightened = secureDataDir(this.config.dataDir);
    if (tightened > 0) {
      this.log(
        `[data] Made ${this.config.dataDir} private: ${tightened} ` +
          `${tightened === 1 ? 'file or folder was' : 'files and folders were'} open to other users ` +
          '(now 0700 folders, 0600 files).',
      );
    }
    const sealed = this.reconcileSealedCookies(parts);
    if (sealed.locked)
      this.log(`[secrets] ${sealed.locked} account(s) were sealed where this app cannot open them and are locked here`);
    if (sealed.resealed) {
      const box = parts.secrets.kind === 'os-keychain' ? 'the OS keychain' : 'the key file';
      this.log(`[secrets] ${sealed.resealed} account(s) re-sealed with ${box}`);
    }
    parts.stats.seed(parts.historyRepo);
    const url = await parts.server.start();
    this.started = true;
    parts.counts.start();
    parts.history.start();
    parts.debugLogs.start();
    parts.states.start();
    parts.credits.start();
    this.watcher = new DataVersionWatcher(
      parts.db,
      () => this.adoptExternalChanges(parts),
      this.options.dataVersionPollMs ?? 1000,
    );
    this.watcher.start();
    return url;
  }

  /**
   * The graceful stop: no new connections, in-flight requests get `graceMs` to finish, then every writer flushes
   * and the database closes. Each step is bounded, so a stuck step cannot keep the process from exiting.
   */
  stop(graceMs = 10_000): Promise<void> {
    this.stopping ??= this.composed ? this.shutDown(this.composed.internals, graceMs) : Promise.resolve();
    return this.stopping;
  }

  private async shutDown(parts: CoreParts, graceMs: number): Promise<void> {
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
    this.watcher?.stop();
    await step('server', () => parts.server.stop(graceMs), graceMs + 2000);
    parts.states.stop();
    parts.credits.stop();
    parts.tokens.stop();
    parts.heartbeat.stop();
    await step('request counts', () => parts.counts.stop(), 5000);
    await step('request history', () => parts.history.stop(), 5000);
    await step('debug logs', () => parts.debugLogs.stop(), 5000);
    parts.bus.stop();
    await step('upstream sockets', () => parts.ws.close(), 2000);
    await step('upstream pool', () => parts.pool.close(), 2000);
    parts.db.close();
  }

  /** Picks up what another process (the CLI) wrote: accounts, settings and the damaged-database notice. */
  private adoptExternalChanges(parts: CoreParts): void {
    parts.states.flushWrites();
    parts.accounts.reload((id) => parts.counts.pendingFor(id));
    parts.bus.publish({ type: 'accounts.changed', at: Date.now() });
    this.reconcileSealedCookies(parts);
    parts.settings.reload();
    parts.states.schedule();
    parts.damaged.reread();
  }

  private reconcileSealedCookies(parts: CoreParts): SealReport {
    return reconcileSealedCookies({
      accounts: () => parts.cache.list(),
      secrets: parts.secrets,
      lock: (id, reason) => parts.states.recordFailure(id, { kind: 'locked', message: reason }),
      unlock: (id) => parts.states.reset(id),
      write: (id, patch) => parts.accounts.write(id, patch),
    });
  }
}
