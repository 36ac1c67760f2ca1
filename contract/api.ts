/**
 * The contract's shape and its runtime half: what each channel returns, what each event carries, the envelope
 * both transports answer with, and the builder that turns any transport into the domain API (`window.orchids` in
 * the window, the CLI's client of the running app). Main implements `Handlers`: a missing one is a compile error.
 */
import { CHANNELS, CONNECTION_EVENT, EVENT_NAMES, type Channel, type EventName } from './channels';
import type { Input, ParsedInput } from './schemas';
import type {
  AccountProtocolChange,
  AccountStateChange,
  AccountTestResult,
  AccountView,
  AddAccountResult,
  CreditsCheckResult,
  ExportResult,
  ImportResult,
  SignInResult,
} from './account-views';
import type { AccountCount, DebugRecordResult, HistoryView, RequestView, StatsView } from './request-views';
import type { GeneratedApiKey, InstallTokenRotated, SettingView } from './settings-views';
import type { Health, ProxyStatus } from './status-views';
import type { ConnectionChange, LogLine } from './views';

/** The result of each channel. */
export interface Results {
  'accounts:list': AccountView[];
  'accounts:add': AddAccountResult;
  'accounts:update': AccountView;
  /** `name`: the account's name as it was, for the message. */
  'accounts:remove': { removed: number; name: string };
  'accounts:reset': AccountView;
  'accounts:import': ImportResult;
  'accounts:export': ExportResult;
  'accounts:signIn': SignInResult;
  'accounts:refreshSignIn': SignInResult;
  /** Plan and credits read again for every enabled account (or the one given): the list after, and each outcome. */
  'accounts:checkCredits': CreditsCheckResult;
  /** One short request through the real upstream path on the account, step by step; counted nowhere. */
  'accounts:test': AccountTestResult;
  'settings:get': SettingView[];
  'settings:set': SettingView[];
  'settings:reset': SettingView[];
  'settings:generateApiKey': GeneratedApiKey;
  'settings:rotateInstallToken': InstallTokenRotated;
  'stats:get': StatsView;
  'history:query': HistoryView[];
  'history:record': DebugRecordResult;
  'proxy:status': ProxyStatus;
  /** What `GET /health` answers, for the window's Diagnostics (read while it is open; never pushed). */
  'proxy:health': Health;
  'proxy:pause': ProxyStatus;
  'proxy:resume': ProxyStatus;
  /** The notice of a database set aside is read: it goes for good (deleted from the database). */
  'proxy:dismissDamagedDatabase': ProxyStatus;
}

/** What each pushed event carries. */
export interface Events {
  counts: AccountCount[];
  accountStates: AccountStateChange[];
  accountProtocols: AccountProtocolChange[];
  /**
   * An account was added, edited, removed or reset (here, in another window or with the CLI), or another process
   * changed the stored accounts: read the list again. States, protocols and counts have their own events.
   */
  accountsChanged: { at: number };
  /** A setting changed (here, in another window, with the CLI or by another process): read the settings again. */
  settingsChanged: { at: number };
  requestsFinished: RequestView[];
  logLines: LogLine[];
  proxyStatus: ProxyStatus;
}

/** Pushed events plus the transport's own `connection` news: everything `on()` accepts. */
export type Subscribable = Events & { [CONNECTION_EVENT]: ConnectionChange };
export type SubscribableName = keyof Subscribable;

type SameKeys<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Fails to compile when `Events` and the runtime EVENT_NAMES list disagree. */
const everyEventListed: SameKeys<keyof Events, EventName> = true;
void everyEventListed;

/** What main must implement: one handler per channel, or it does not compile. */
export type Handlers = { [C in Channel]: (input: ParsedInput<C>) => Promise<Results[C]> | Results[C] };

/** Both transports answer with this envelope, so an error arrives as a clean message and code, never a stack. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

type Split<C> = C extends `${infer G}:${infer M}` ? [G, M] : never;
type Group = Split<Channel>[0];
type MethodsOf<G extends Group> = Split<Extract<Channel, `${G}:${string}`>>[1];
type Call<C extends Channel> =
  Input<C> extends undefined ? () => Promise<Results[C]> : (input: Input<C>) => Promise<Results[C]>;

/** The domain API: `window.orchids` in the window, whichever transport carries it, and the CLI's client. */
export type OrchidsApi = {
  [G in Group]: { [M in MethodsOf<G>]: Call<Extract<`${G}:${M}`, Channel>> };
} & {
  /** Subscribes to a pushed event or to `connection`; returns this subscription's own unsubscribe. */
  on<E extends SubscribableName>(event: E, listener: (payload: Subscribable[E]) => void): () => void;
};

/** Raised by the domain API for an `ok: false` envelope. */
export class ContractError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ContractError';
  }
}

const SUBSCRIBABLE: readonly string[] = [...EVENT_NAMES, CONNECTION_EVENT];

/** Builds the domain API over any transport; the preload, the HTTP bridge and the CLI all use this. */
export function buildApi(
  invoke: (channel: Channel, input: unknown) => Promise<Envelope<unknown>>,
  on: (event: SubscribableName, listener: (payload: unknown) => void) => () => void,
): OrchidsApi {
  const api: Record<string, unknown> = {
    on: (event: SubscribableName, listener: (payload: unknown) => void) => {
      if (!SUBSCRIBABLE.includes(event)) throw new Error(`Unknown event ${String(event)}`);
      return on(event, listener);
    },
  };
  for (const channel of CHANNELS) {
    const [group, method] = channel.split(':') as [string, string];
    const target = (api[group] ??= {}) as Record<string, unknown>;
    target[method] = async (input?: unknown) => {
      const envelope = await invoke(channel, input);
      if (!envelope.ok) throw new ContractError(envelope.error.code, envelope.error.message);
      return envelope.value;
    };
  }
  return api as OrchidsApi;
}
