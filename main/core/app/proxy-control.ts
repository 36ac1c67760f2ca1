import type { ServerResponse } from 'node:http';
import { servingOf, type Serving } from '../../../contract/serving';
import { damagedDatabaseLine, type DamagedDatabase } from '../../../contract/damaged-database';
import { pinnedMismatchWords, type PinnedMismatch } from '../../../contract/pinned-protocol';
import type { Health, ProxyStatus, UpstreamHealth } from '../../../contract/status-views';
import type { AccountCache } from '../accounts/account-cache';
import type { EventBus } from '../events/event-bus';
import type { QueueWriter } from '../writers/queue-writer';
import type { DamagedDatabaseNotice } from '../db/damaged';
import type { HistoryEntry } from '../history/history-repo';
import type { DebugLogWriter } from '../logs/debug-log-writer';
import type { ProxyServer } from '../server/http-server';
import type { ServerOptions } from '../server/server-options';
import type { PinnedMismatchWatch } from '../proxy/pinned-mismatch';
import type { SettingsService } from '../settings/settings-service';
import type { WsPoolStats } from '../upstream/ws/ws-pool';

export interface ProxyControlDeps {
  version: string;
  dataDir: string;
  /** ProxyStatus.cliInvocation: made once, as the data folder and the platform do not change while it runs. */
  cliInvocation: string;
  shell: 'desktop' | 'headless';
  /** The credits site by name, for the window's words about where figures come from. */
  creditsSite: string;
  running: () => boolean;
  cache: AccountCache;
  settings: SettingsService;
  server: ProxyServer;
  bus: EventBus;
  history: QueueWriter<HistoryEntry>;
  debugLogs: DebugLogWriter;
  pinned: PinnedMismatchWatch;
  damaged: DamagedDatabaseNotice;
  /** The WebSocket pool's live counters: read only when someone asks, never copied on the request path. */
  wsStats: () => Readonly<WsPoolStats>;
  /** Clerk's time minus this machine's, in ms (serverClockOffsetMs). */
  clockOffsetMs: () => number;
}

/**
 * The proxy as a whole: whether it serves, its status for the window and the tray, its health for monitors, and
 * pausing. A pause or resume is published as `proxy.changed`, which both transports turn into a status push.
 */
export class ProxyControl {
  private pausedNow = false;

  constructor(private readonly deps: ProxyControlDeps) {}

  get paused(): boolean {
    return this.pausedNow;
  }

  get url(): string {
    return this.deps.server.url;
  }

  pause(): ProxyStatus {
    this.setPaused(true);
    return this.status();
  }

  resume(): ProxyStatus {
    this.setPaused(false);
    return this.status();
  }

  dismissDamagedDatabase(): ProxyStatus {
    this.deps.damaged.dismiss();
    return this.status();
  }

  /** A copy of the notice of a database set aside (at this start or an earlier one), or null (none, or dismissed). */
  damagedDatabase(): DamagedDatabase | null {
    const note = this.deps.damaged.current;
    return note ? { ...note } : null;
  }

  /** What this process's own open set aside, if anything, dismissed or not. */
  damagedDatabaseSetAsideHere(): DamagedDatabase | null {
    const note = this.deps.damaged.setAsideHere;
    return note ? { ...note } : null;
  }

  status(): ProxyStatus {
    const { settings, debugLogs } = this.deps;
    return {
      running: this.deps.running(),
      paused: this.pausedNow,
      url: this.deps.server.url,
      version: this.deps.version,
      dataDir: this.deps.dataDir,
      platform: process.platform,
      cliInvocation: this.deps.cliInvocation,
      shell: this.deps.shell,
      creditsSite: this.deps.creditsSite,
      apiKeySet: Boolean(settings.get('apiKey')) || settings.isUnreadable('apiKey'),
      accounts: this.accountTotals(),
      serving: this.serving(),
      pinnedMismatch: this.pinnedMismatch(),
      damagedDatabase: this.damagedDatabase(),
      debugLogs: {
        enabled: settings.get('debugLogs'),
        written: debugLogs.written,
        dropped: debugLogs.dropped,
        pending: debugLogs.pending,
        dir: debugLogs.dir,
      },
    };
  }

  serving(): Serving {
    return servingOf(this.deps.cache.list(), this.deps.cache.usableCount, {
      running: this.deps.running(),
      paused: this.pausedNow,
    });
  }

  health(): Health {
    const { settings, debugLogs, history, bus } = this.deps;
    return {
      status: this.pausedNow ? 'paused' : 'ok',
      version: this.deps.version,
      accounts: this.accountTotals(),
      debugLogs: {
        enabled: settings.get('debugLogs'),
        written: debugLogs.written,
        dropped: debugLogs.dropped,
        pending: debugLogs.pending,
      },
      history: { dropped: history.dropped, pending: history.pending },
      events: { subscribers: bus.subscriberCount, dropped: bus.dropped },
      server: this.deps.server.stats(),
      upstream: this.upstream(),
      pinnedMismatch: this.pinnedMismatchWithWords(),
      damagedDatabase: this.damagedDatabaseWithWords(),
    };
  }

  /** A script has no window button to press: it is told the command line's way out. */
  private pinnedMismatchWithWords(): Health['pinnedMismatch'] {
    const pin = this.pinnedMismatch();
    if (!pin) return null;
    const words = pinnedMismatchWords(pin, 'cli', process.platform);
    return { ...pin, message: `${words.detail} ${words.way}` };
  }

  private damagedDatabaseWithWords(): Health['damagedDatabase'] {
    const note = this.damagedDatabase();
    return note ? { ...note, message: damagedDatabaseLine(note) } : null;
  }

  /** Copied out of the watch, with whether the environment holds the pin (then the setting cannot lift it). */
  pinnedMismatch(): PinnedMismatch | null {
    const note = this.deps.pinned.current;
    if (!note) return null;
    return { ...note, fromEnv: this.deps.settings.sourceOf('upstreamProtocol') === 'environment' };
  }

  /** Serves other paths on the proxy's own port: the control transport (dashboard, CLI, `logs --follow`). */
  mount(routes: NonNullable<ServerOptions['extraRoutes']>): void {
    this.deps.server.setExtraRoutes(routes);
  }

  /** An event stream: a graceful stop does not wait for it to finish. */
  markLongLived(res: ServerResponse): void {
    this.deps.server.markLongLived(res);
  }

  private setPaused(paused: boolean): void {
    if (this.pausedNow === paused) return;
    this.pausedNow = paused;
    this.deps.bus.publish({ type: 'proxy.changed' });
  }

  private upstream(): UpstreamHealth {
    // A copy: the pool keeps counting into its own object after this answer is made.
    const { dials, reuses, retries, strays, open, idle } = this.deps.wsStats();
    return {
      ws: { dials, reuses, retries, strays, open, idle },
      clerkClockOffsetSeconds: Math.round(this.deps.clockOffsetMs() / 1000),
    };
  }

  private accountTotals(): Health['accounts'] {
    const accounts = this.deps.cache.list();
    return {
      total: accounts.length,
      enabled: accounts.filter((a) => a.enabled).length,
      usable: this.deps.cache.usableCount,
    };
  }
}
