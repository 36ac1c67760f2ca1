/**
 * Builds the core's object graph: storage, accounts, recorders, the upstream pool and transports, the request path
 * and the HTTP server, wired together. Opening the database is the first thing it does, so only
 * `OrchidsCore.open()` calls it; the core's constructor stays free of I/O. What it takes and gives is declared in
 * core-parts.ts.
 */
import path from 'node:path';
import { AccountCache } from './accounts/account-cache';
import { AccountService } from './accounts/account-service';
import { AccountStates } from './accounts/account-states';
import { healProbe } from './accounts/heal-probe';
import { estimateInputTokens, estimateInputTokensYielding } from './anthropic/token-estimate';
import type { MessagesRequest } from './anthropic/types';
import { ClerkClient } from './clerk/clerk-client';
import type { EnvConfig } from './config';
import type { CoreHooks, CoreOptions, CoreParts } from './core-parts';
import { buildCreditsSync } from './credits';
import { AccountsRepo } from './db/accounts-repo';
import { DamagedDatabaseNotice } from './db/damaged';
import { openOrReplaceDatabase } from './db/database';
import type { DamagedDatabase } from '../../contract/damaged-database';
import { EventBus } from './events/event-bus';
import { HistoryRepo, type HistoryEntry } from './history/history-repo';
import { LiveStats } from './history/live-stats';
import { HistoryRetention } from './history/retention';
import { DebugLogWriter } from './logs/debug-log-writer';
import { PreparedToolsCache } from './orchids/prepared-tools';
import { AccountTester } from './proxy/account-test';
import { failureFromMint } from './proxy/upstream-attempt';
import { CoreObserver } from './proxy/core-observer';
import { Heartbeat } from './proxy/heartbeat';
import { openAIRoutes } from './openai/routes';
import { openAIModelsFormat, openAIUnserved } from './openai/unserved';
import { MessagesProxy } from './proxy/messages-proxy';
import { KeyFileSecretBox, LayeredSecretBox } from './secrets/secret-box';
import { ProxyServer } from './server/http-server';
import { isLargeBody } from './server/json-body';
import { SettingsService, type SettingSource } from './settings/settings-service';
import { UpstreamPool } from './upstream/dispatcher';
import { ProtocolChoice } from './upstream/protocol-choice';
import { PinnedMismatchWatch } from './proxy/pinned-mismatch';
import { unavailableCommands } from './proxy/unavailable';
import { upstreamAnswers } from './upstream/reachability';
import { SseTransport } from './upstream/sse-transport';
import { prepareDataDir } from './util/paths';
import { printedCommand, unsetStatement, type CommandPlace } from './util/cli-command';
import { WsTransport } from './upstream/ws/ws-transport';
import { CountWriter } from './writers/count-writer';
import { QueueWriter } from './writers/queue-writer';

const DATABASE_FILE = 'orchids-tray.db';

type Storage = Pick<CoreParts, 'db' | 'keyFile' | 'secrets' | 'settings' | 'repo' | 'historyRepo'>;
type Recorders = Pick<CoreParts, 'bus' | 'history' | 'debugLogs' | 'counts' | 'stats' | 'cache' | 'redactor'> & {
  /**
   * The names of accounts removed while the app runs (here, or by another process: found by the reload), by id: a
   * request that tried one and finished just before (its history row still queued) is written with the name.
   * DECISION: kept for the process's life, not pruned: removals are a person's few clicks, and an entry is an id and a
   * name.
   */
  removedNames: Map<number, string>;
};
type Upstream = Pick<CoreParts, 'pool' | 'ws'> & {
  transports: ConstructorParameters<typeof MessagesProxy>[0]['transports'];
};

export function composeCore(config: EnvConfig, options: CoreOptions, hooks: CoreHooks): CoreParts {
  const { setAside, ...storage } = openStorage(config, options);
  const recorders = buildRecorders(config, options, hooks, storage);
  // Read from the database (kept there by whoever set the old file aside); its going (Dismiss) is pushed as a status
  // change, as a pause is.
  const damaged = new DamagedDatabaseNotice(storage.db, setAside, () =>
    recorders.bus.publish({ type: 'proxy.changed' }),
  );
  const upstream = buildUpstream(config, storage.settings, hooks);
  const { accounts, states } = buildAccounts(config, options, hooks, storage, recorders, upstream);
  // Its appearing and going are pushed as a status change, as a pause is. Kept in the database across starts.
  const pinned = new PinnedMismatchWatch(
    () => recorders.bus.publish({ type: 'proxy.changed' }),
    storage.db,
    storage.settings.get('upstreamProtocol'),
  );
  const requestPath = buildRequestPath(config, options, hooks, storage.settings, recorders, upstream, {
    accounts,
    states,
    pinned,
  });
  const credits = buildCreditsSync({
    siteUrl: config.siteUrl,
    dispatcher: () => upstream.pool.dispatcher,
    accounts,
    enabled: () => storage.settings.get('creditsSync'),
    changed: () => recorders.bus.publish({ type: 'accounts.changed', at: Date.now() }),
    signedOut: (id, sentCookie, message) => {
      if (recorders.cache.get(id)?.sealedCookie === sentCookie)
        states.recordFailure(id, { kind: 'signed_out', message });
    },
    log: hooks.log,
    timing: options.creditsTiming,
  });
  storage.settings.onChange((key) => {
    recorders.bus.publish({ type: 'settings.changed', at: Date.now() });
    if (key === 'allowedOrigins' || key === 'allowedHosts') requestPath.server.refreshGuard();
    if (key === 'connectTimeoutMs' || key === 'upstreamHttp2') upstream.pool.replace();
    if (key === 'upstreamProtocol') requestPath.pinned.clear();
  });
  const tester = new AccountTester({
    tokens: accounts.tokens,
    transports: upstream.transports,
    cookieHeader: (account) => accounts.cookieHeaderFor(account.id),
    setting: () => storage.settings.get('upstreamProtocol'),
    modelMap: () => storage.settings.get('modelMap'),
    thinkingMode: () => storage.settings.get('thinkingMode'),
    redact: recorders.redactor.redact,
    stepLimitMs: options.accountTestStepLimitMs,
  });
  return {
    ...storage,
    ...recorders,
    ...upstream,
    ...requestPath,
    accounts,
    tokens: accounts.tokens,
    states,
    credits,
    tester,
    damaged,
  };
}

/** The request path (MessagesProxy) and the HTTP server in front of it. */
function buildRequestPath(
  config: EnvConfig,
  options: CoreOptions,
  hooks: CoreHooks,
  settings: SettingsService,
  recorders: Recorders,
  upstream: Upstream,
  { accounts, states, pinned }: Pick<CoreParts, 'accounts' | 'states' | 'pinned'>,
): Pick<CoreParts, 'heartbeat' | 'pinned' | 'proxy' | 'server'> {
  const toolsCache = new PreparedToolsCache();
  const heartbeat = new Heartbeat(() => options.pingIntervalMs ?? 10_000);
  // Where the commands it prints are typed: a terminal on this machine that must reach this app's data folder.
  const place: CommandPlace = { dataDir: config.dataDir, env: options.env ?? process.env };
  // The commands the 424s and the paused 529 name, made once.
  const cliCommands = unavailableCommands(place);
  const proxy = new MessagesProxy({
    accounts: recorders.cache,
    tokens: accounts.tokens,
    transports: upstream.transports,
    protocols: new ProtocolChoice({
      setting: () => settings.get('upstreamProtocol'),
      remember: (accountId, protocol, at) => states.noteProtocol(accountId, protocol, at),
      reprobeMs: options.protocolReprobeMs,
    }),
    cookieHeader: (account) => accounts.cookieHeaderFor(account.id),
    pinned,
    countRequest: (id) => {
      const at = Date.now();
      recorders.cache.noteRequest(id, at);
      recorders.counts.increment(id, at);
      recorders.bus.countsChanged();
    },
    health: states,
    redact: recorders.redactor.redact,
    observer:
      options.observer ??
      new CoreObserver({
        bus: recorders.bus,
        history: recorders.history,
        logs: recorders.debugLogs,
        stats: recorders.stats,
        debugLogs: () => settings.get('debugLogs'),
      }),
    heartbeat,
    modelMap: () => settings.get('modelMap'),
    maxTransientRetries: options.maxTransientRetries ?? 2,
    tools: toolsCache,
    thinkingMode: () => settings.get('thinkingMode'),
    retryBudgetMs: () => settings.get('firstByteTimeoutMs'),
    sameAccountBackoffMs: options.sameAccountBackoffMs,
    cliCommands,
  });
  // One estimate for count_tokens, Responses' input_tokens and message_start: a large body's worked out while yielding.
  const estimateInput = (request: MessagesRequest, bodyBytes: number): number | Promise<number> => {
    const toolsTokens = toolsCache.prepare(request.tools).tokens;
    return isLargeBody(bodyBytes)
      ? estimateInputTokensYielding(request, toolsTokens)
      : estimateInputTokens(request, toolsTokens);
  };
  const server = new ProxyServer({
    host: settings.get('host'),
    port: options.port ?? settings.get('port'),
    allowNonLoopback: config.allowNonLoopback,
    hostUndo: hostUndoHint(settings.sourceOf('host'), place),
    setApiKeyCommand: printedCommand(place, 'settings set apiKey <key>'),
    maxBodyBytes: config.maxBodyBytes,
    bodyBudgetBytes: () => settings.get('requestBodyBudgetMb') * 1024 * 1024,
    allowedHosts: () => settings.get('allowedHosts'),
    // null when a key is stored but cannot be read: the server then refuses every call instead of opening up.
    apiKey: () => (settings.isUnreadable('apiKey') ? null : settings.get('apiKey')),
    allowedOrigins: () => settings.get('allowedOrigins'),
    modelMap: () => settings.get('modelMap'),
    estimateInput,
    health: hooks.health,
    proxy,
    routes: openAIRoutes({ proxy, paused: hooks.paused, resumeCommand: cliCommands.resumeProxy, estimateInput }),
    unserved: openAIUnserved,
    sharedPathFormat: openAIModelsFormat,
    limits: options.serverLimits,
    log: hooks.log,
    paused: hooks.paused,
    resumeCommand: cliCommands.resumeProxy,
  });
  return { heartbeat, pinned, proxy, server };
}

/**
 * How a refused non-loopback host is undone, in the words after "to listen on this machine only, ", where the host
 * came from: the variable dropped in the platform's shell (unsetStatement: `unset` has no meaning in PowerShell), or
 * the saved setting reset with the CLI on this app's folder (printedCommand). Nothing for the default, which is
 * loopback.
 */
export function hostUndoHint(source: SettingSource, place: CommandPlace): string | undefined {
  if (source === 'environment') {
    const platform = place.platform ?? process.platform;
    const statement = unsetStatement('ORCHIDS_TRAY_HOST', platform);
    // "unset X" reads as the sentence's own verb; PowerShell's cmdlet needs a "run:", as the CLI's command has.
    return platform === 'win32' ? `run: ${statement}` : statement;
  }
  if (source === 'database') return `run: ${printedCommand(place, 'settings reset host')}`;
  return undefined;
}

function openStorage(config: EnvConfig, options: CoreOptions): Storage & { setAside: DamagedDatabase | null } {
  // Created private when new (the database 0600 before SQLite makes it, so its -wal and -shm follow); an older
  // install's looser modes are tightened at start (OrchidsCore.start).
  prepareDataDir(config.dataDir, [DATABASE_FILE]);
  const { db, setAside } = openOrReplaceDatabase(
    path.join(config.dataDir, DATABASE_FILE),
    { nativeBinding: options.nativeBinding },
    () => prepareDataDir(config.dataDir, [DATABASE_FILE]),
  );
  try {
    const keyFile = new KeyFileSecretBox(config.dataDir);
    const secrets =
      options.secrets && options.secrets.kind !== keyFile.kind
        ? new LayeredSecretBox(options.secrets, [keyFile])
        : keyFile;
    const settings = new SettingsService(db, keyFile, options.env ?? process.env);
    return {
      db,
      keyFile,
      secrets,
      settings,
      repo: new AccountsRepo(db),
      historyRepo: new HistoryRepo(db),
      setAside,
    };
  } catch (error) {
    // A bad setting in the environment or an unreadable key file: the caller reports it, the file must not stay open.
    db.close();
    throw error;
  }
}

function buildRecorders(config: EnvConfig, options: CoreOptions, hooks: CoreHooks, storage: Storage): Recorders {
  const { settings, historyRepo, repo } = storage;
  const { redactor } = hooks;
  redactor.addSource(() => [settings.get('apiKey')].filter(Boolean));
  const cache = new AccountCache();
  const removedNames = new Map<number, string>();
  const retention = new HistoryRetention(historyRepo, () => settings.get('historyRetentionDays'));
  return {
    cache,
    redactor,
    bus: new EventBus(() =>
      cache.list().map((a) => ({ accountId: a.id, requestCount: a.requestCount, lastUsedAt: a.lastUsedAt })),
    ),
    history: new QueueWriter<HistoryEntry>({
      write: (batch) => {
        historyRepo.insertMany(batch, (id) => cache.get(id)?.name ?? removedNames.get(id) ?? null);
        retention.afterWrite();
      },
      intervalMs: options.countFlushMs ?? 1000,
      capacity: 20_000,
      flushAt: 128,
      onError: (error) => hooks.log(`[history] write failed: ${(error as Error).message}`),
    }),
    debugLogs: new DebugLogWriter({
      dir: path.join(config.dataDir, 'debug-logs'),
      retention: () => ({
        maxCount: settings.get('logRetentionCount'),
        maxBytes: settings.get('logRetentionMb') * 1024 * 1024,
        maxAgeMs: settings.get('logRetentionDays') * 86_400_000,
      }),
      secrets: () => redactor.literals(),
      onError: (error) => hooks.log(`[debug-logs] write failed: ${(error as Error).message}`),
    }),
    counts: new CountWriter(repo.addCounts, options.countFlushMs ?? 1000, (error) =>
      hooks.log(`[counts] flush failed, will retry: ${(error as Error).message}`),
    ),
    stats: new LiveStats(),
    removedNames,
  };
}

function buildUpstream(config: EnvConfig, settings: SettingsService, hooks: CoreHooks): Upstream {
  const pool = new UpstreamPool(() => ({
    extraCa: config.extraCa,
    connectTimeoutMs: settings.get('connectTimeoutMs'),
    firstByteTimeoutMs: settings.get('firstByteTimeoutMs'),
    idleTimeoutMs: settings.get('idleTimeoutMs'),
    http2: settings.get('upstreamHttp2'),
  }));
  // Read at every request: a settings change applies to the next one, and tests may move the upstream's address.
  const timeouts = {
    dispatcher: () => pool.dispatcher,
    firstByteTimeoutMs: () => settings.get('firstByteTimeoutMs'),
    idleTimeoutMs: () => settings.get('idleTimeoutMs'),
  };
  const ws = new WsTransport({
    ...timeouts,
    url: () => config.agentWsUrl,
    connectTimeoutMs: () => settings.get('connectTimeoutMs'),
    poolSize: () => settings.get('wsPoolSize'),
    log: hooks.log,
  });
  return {
    pool,
    ws,
    transports: {
      ws,
      'sse-b': new SseTransport({ ...timeouts, protocol: 'sse-b', url: () => config.agentBUrl }),
      'sse-a': new SseTransport({ ...timeouts, protocol: 'sse-a', url: () => config.agentUrl }),
    },
  };
}

function buildAccounts(
  config: EnvConfig,
  options: CoreOptions,
  hooks: CoreHooks,
  storage: Storage,
  recorders: Recorders,
  upstream: Upstream,
): Pick<CoreParts, 'accounts' | 'states'> {
  const { repo } = storage;
  const { cache, bus } = recorders;
  const accounts = new AccountService({
    repo,
    cache,
    clerk: new ClerkClient({
      baseUrl: config.clerkUrl,
      dispatcher: () => upstream.pool.dispatcher,
      log: hooks.log,
    }),
    secrets: storage.secrets,
    tokens: {
      refreshLeadMs: options.tokenRefreshLeadMs,
      onBackgroundError: (id, error) => {
        hooks.log(`[tokens] background refresh for account ${id} failed: ${(error as Error).message}`);
        // DECISION: Clerk refusing the cookie (signed out elsewhere) or a cookie that no longer opens is the same
        // fact a request would meet, so the account is marked now and no request is sent to it to find out. Clerk
        // being down or slow is not the account's fault: the token is left to expire and a request decides.
        const failure = failureFromMint(error);
        // `states` is made below: a background refresh runs a second after a mint at the earliest, long after.
        if (failure.kind === 'signed_out' || failure.kind === 'locked') states.recordFailure(id, failure);
      },
    },
    onRemoved: (id, name) => {
      upstream.ws.forgetAccount(id);
      recorders.removedNames.set(id, name);
    },
  });
  const states = new AccountStates({
    cache,
    persist: (writes) => repo.updateMany(writes, Date.now()),
    probe: healProbe({
      checkSignIn: (id) => accounts.checkSignIn(id),
      renewToken: (id) => accounts.tokens.renew(id),
      upstreamAnswers: (protocol) => upstreamAnswers(config, protocol, upstream.pool.dispatcher),
    }),
    policy: options.statePolicy,
    forgetToken: (id) => accounts.tokens.invalidate(id),
    redact: recorders.redactor.redact,
    onChange: (change) => bus.publish({ type: 'account.state', ...change, at: Date.now() }),
    onProtocolChange: (accountId, protocol) =>
      bus.publish({ type: 'account.protocol', accountId, protocol, at: Date.now() }),
  });
  accounts.reload();
  return { accounts, states };
}
