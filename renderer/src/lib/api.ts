import type { OrchidsApi } from '../../../preload/contract';

export type {
  AccountStatus,
  AccountSummary,
  DebugRecord,
  HistoryRow,
  ImportResult,
  ProxyStatus,
  RequestReport,
  SettingView,
  StatsSnapshot,
} from '../../../preload/contract';

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
