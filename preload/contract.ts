/**
 * The one contract between the window and the core: every request channel with its input schema and result
 * type, and every pushed event with its payload. Main registers a handler per channel (a missing one is a compile
 * error, see `Handlers`), the preload exposes exactly these channels, the headless HTTP transport serves exactly
 * these, and the renderer sees only the domain API derived from them. No Electron and no Node in here.
 */
import { z } from 'zod';
import { CHANNELS } from './api';
import type { AccountStatus, AccountSummary } from '../main/core/accounts/types';
import type { HistoryRow } from '../main/core/history/history-repo';
import type { StatsSnapshot } from '../main/core/history/live-stats';
import type { DebugRecord } from '../main/core/logs/debug-trace';
import type { RequestReport } from '../main/core/proxy/observer';
import type { SettingView } from '../main/core/settings/settings-service';
import type { AccountCount } from '../main/core/events/types';

export type {
  AccountStatus,
  AccountSummary,
  HistoryRow,
  StatsSnapshot,
  DebugRecord,
  RequestReport,
  SettingView,
  AccountCount,
};

const id = z.number().int().positive();

/** Input schemas, validated in main before any handler runs. */
export const INVOKE = {
  'accounts:list': z.undefined(),
  'accounts:add': z.object({
    cookie: z.string().min(1).max(200_000),
    name: z.string().trim().min(1).max(100).optional(),
    weight: z.number().int().min(1).max(100).optional(),
  }),
  'accounts:update': z.object({
    id,
    name: z.string().trim().min(1).max(100).optional(),
    weight: z.number().int().min(1).max(100).optional(),
    enabled: z.boolean().optional(),
  }),
  'accounts:remove': z.object({ id }),
  'accounts:reset': z.object({ id }),
  'accounts:import': z.object({ json: z.string().min(2).max(10_000_000) }),
  'accounts:export': z.undefined(),
  'settings:get': z.undefined(),
  'settings:set': z.object({ key: z.string().min(1).max(64), value: z.unknown() }),
  'settings:reset': z.object({ key: z.string().min(1).max(64) }),
  'settings:generateApiKey': z.undefined(),
  'settings:rotateInstallToken': z.undefined(),
  'stats:get': z.undefined(),
  'history:query': z.object({
    limit: z.number().int().min(1).max(1000).optional(),
    beforeId: z.number().int().positive().optional(),
    accountId: id.optional(),
    outcome: z.enum(['ok', 'error']).optional(),
    model: z.string().max(200).optional(),
  }),
  'history:record': z.object({ requestId: z.string().regex(/^req_[A-Za-z0-9]{1,64}$/) }),
  'proxy:status': z.undefined(),
  'proxy:pause': z.undefined(),
  'proxy:resume': z.undefined(),
} as const;

export type Channel = keyof typeof INVOKE;
/** Fails to compile when a channel has a schema but is missing from the runtime list the transports use. */
type Unlisted = Exclude<Channel, (typeof CHANNELS)[number]>;
const everyChannelListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyChannelListed;

export interface ProxyStatus {
  running: boolean;
  paused: boolean;
  url: string;
  version: string;
  dataDir: string;
  /** `desktop` in the Electron app; `headless` in a browser tab served by the headless app. */
  shell: 'desktop' | 'headless';
  apiKeySet: boolean;
  accounts: { total: number; enabled: number; usable: number };
  debugLogs: { enabled: boolean; written: number; dropped: number; pending: number; dir: string };
}

export interface ImportResult {
  added: number;
  updated: number;
  failed: Array<{ index: number; email?: string; error: string }>;
}

/** The result of each channel. */
export interface Results {
  'accounts:list': AccountSummary[];
  /** `notice`: something to tell the person although it worked (a pasted `__session`), shown as it is. */
  'accounts:add': { account: AccountSummary; created: boolean; notice?: string };
  'accounts:update': AccountSummary;
  'accounts:remove': { removed: number };
  'accounts:reset': AccountSummary;
  'accounts:import': ImportResult;
  /** The file holds every account's cookie in the clear: the UI says so before saving it. */
  'accounts:export': { json: string; count: number };
  'settings:get': SettingView[];
  'settings:set': SettingView[];
  'settings:reset': SettingView[];
  'settings:generateApiKey': { apiKey: string; settings: SettingView[] };
  /** Every dashboard browser and `logs --follow` must sign in again; the window that asked stays signed in. */
  'settings:rotateInstallToken': { rotatedAt: number };
  'stats:get': StatsSnapshot & { accounts: AccountCount[] };
  'history:query': HistoryRow[];
  'history:record': { row: HistoryRow | null; record: DebugRecord | null };
  'proxy:status': ProxyStatus;
  'proxy:pause': ProxyStatus;
  'proxy:resume': ProxyStatus;
}

/** Pushed from the core, batched (at most about ten deliveries a second). */
export interface Events {
  counts: AccountCount[];
  accountStates: Array<{
    accountId: number;
    previous: AccountStatus;
    status: AccountStatus;
    reason: string;
    until: number | null;
    at: number;
  }>;
  /** An account answered on another upstream protocol ('' when it was forgotten and will be probed again). */
  accountProtocols: Array<{ accountId: number; protocol: AccountSummary['protocol']; at: number }>;
  /** `debugLog` names the request's debug record when one was written. */
  requestsFinished: Array<RequestReport & { debugLog: string | null }>;
  logLines: Array<{ level: 'info' | 'warn' | 'error'; message: string; at: number }>;
  proxyStatus: ProxyStatus;
}

export type EventName = keyof Events;

export type Input<C extends Channel> = z.input<(typeof INVOKE)[C]>;
export type ParsedInput<C extends Channel> = z.output<(typeof INVOKE)[C]>;

/** What main must implement: one handler per channel, or it does not compile. */
export type Handlers = { [C in Channel]: (input: ParsedInput<C>) => Promise<Results[C]> | Results[C] };

/** Both transports answer with this envelope, so an error arrives as a clean message and code, never a stack. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

type Split<C> = C extends `${infer G}:${infer M}` ? [G, M] : never;
type Group = Split<Channel>[0];
type MethodsOf<G extends Group> = Split<Extract<Channel, `${G}:${string}`>>[1];
type Call<C extends Channel> =
  Input<C> extends undefined ? () => Promise<Results[C]> : (input: Input<C>) => Promise<Results[C]>;

/** The domain API the renderer gets as `window.orchids`, whichever transport carries it. */
export type OrchidsApi = {
  [G in Group]: { [M in MethodsOf<G>]: Call<Extract<`${G}:${M}`, Channel>> };
} & {
  /** Subscribes to a pushed event; returns this subscription's own unsubscribe. */
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
};

export { CHANNELS, EVENT_NAMES, ContractError, buildApi, IPC_EVENT_CHANNEL } from './api';
