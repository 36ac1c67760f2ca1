import type { OrchidsApi } from '../../../contract/api';

export type { Subscribable, SubscribableName } from '../../../contract/api';
export type { AccountView, ImportResult } from '../../../contract/account-views';
export type {
  DebugRecordView,
  FinishedRequest,
  HistoryView,
  RequestView,
  StatsView,
} from '../../../contract/request-views';
export type { SettingView } from '../../../contract/settings-views';
export type { ProxyStatus } from '../../../contract/status-views';
export type { AccountStatus } from '../../../contract/views';

/** The contract's domain API. Whichever shell defined it (Electron preload or headless bridge) is not our business. */
export function useApi(): OrchidsApi {
  return window.orchids;
}

/**
 * The sentence to show a person for a failed call. The contract rejects with a ContractError whose message is
 * already written for people; it is matched by shape, since the class lives in the preload's or bridge's bundle.
 */
export function errorMessage(error: unknown): string {
  if (error && typeof error === 'object' && 'message' in error && typeof error.message === 'string' && error.message) {
    return error.message;
  }
  return 'Something went wrong. Try again.';
}
