import { randomBytes } from 'node:crypto';
import { AccountError } from '../accounts/account-service';
import type { OrchidsCore } from '../core';
import { VERSION } from '../core';
import { SETTING_KEYS, type SettingKey } from '../settings/definitions';
import { SettingError, type SettingView } from '../settings/settings-service';
import type { Handlers, ImportResult, ProxyStatus } from '../../../preload/contract';

export interface ControlOptions {
  shell: 'desktop' | 'headless';
  /** Hook for the desktop shell: launch-at-login and the tray follow settings changes. */
  onSettingChanged?: (key: SettingKey) => void;
  /** Replaces the install token, ending every dashboard session (control/dashboard-access.ts). */
  rotateInstallToken?: () => void;
}

const EXPORT_VERSION = 1;

/**
 * The contract's channels implemented against the core. Both transports (Electron IPC, headless HTTP) call these
 * after validating input, so the window behaves the same in either shell.
 */
export function createHandlers(core: OrchidsCore, options: ControlOptions): Handlers {
  const status = (): ProxyStatus => proxyStatus(core, options.shell);
  const settingsView = (): SettingView[] =>
    core.settings.view().map((s) => (s.key === 'apiKey' ? { ...s, value: s.value ? '••••••••' : '' } : s));
  const settingKey = (key: string): SettingKey => {
    if (!SETTING_KEYS.includes(key as SettingKey)) throw new SettingError(key, 'no such setting');
    return key as SettingKey;
  };

  return {
    'accounts:list': () => core.accounts.list(),
    'accounts:add': (input) => core.accounts.add(input),
    'accounts:update': ({ id, ...update }) => core.accounts.update(id, update),
    'accounts:remove': ({ id }) => {
      core.accounts.remove(id);
      return { removed: id };
    },
    'accounts:reset': ({ id }) => {
      core.accounts.get(id);
      core.states.reset(id);
      return core.accounts.get(id);
    },
    'accounts:import': ({ json }) => importAccounts(core, json),
    'accounts:export': () => {
      const accounts = core.cache.list().map((account) => {
        let cookie: string | null = null;
        try {
          cookie = core.accounts.openCookies(account).client ?? null;
        } catch {
          cookie = null; // sealed by another mode: exported without it, and the file says so
        }
        return { name: account.name, email: account.email, weight: account.weight, enabled: account.enabled, cookie };
      });
      const json = JSON.stringify({ version: EXPORT_VERSION, exportedAt: new Date().toISOString(), accounts }, null, 2);
      return { json, count: accounts.length };
    },
    'settings:get': () => settingsView(),
    'settings:set': ({ key, value }) => {
      const name = settingKey(key);
      core.settings.set(name, value);
      options.onSettingChanged?.(name);
      return settingsView();
    },
    'settings:reset': ({ key }) => {
      const name = settingKey(key);
      core.settings.reset(name);
      options.onSettingChanged?.(name);
      return settingsView();
    },
    'settings:generateApiKey': () => {
      const apiKey = `ot-${randomBytes(24).toString('base64url')}`;
      core.settings.set('apiKey', apiKey);
      options.onSettingChanged?.('apiKey');
      // The one time the key is shown in full: the window offers to copy it.
      return { apiKey, settings: settingsView() };
    },
    'settings:rotateInstallToken': () => {
      if (!options.rotateInstallToken) throw new SettingError('installToken', 'this shell has no install token');
      options.rotateInstallToken();
      return { rotatedAt: Date.now() };
    },
    'stats:get': () => ({
      ...core.stats.snapshot(),
      accounts: core.cache
        .list()
        .map((a) => ({ accountId: a.id, requestCount: a.requestCount, lastUsedAt: a.lastUsedAt })),
    }),
    'history:query': (query) => core.historyRepo.query(query),
    'history:record': async ({ requestId }) => {
      // A request that finished a moment ago may still be in the writers' queues.
      if (!core.historyRepo.get(requestId)) await Promise.all([core.history.flushNow(), core.debugLogs.flushNow()]);
      const row = core.historyRepo.get(requestId) ?? null;
      if (row?.debugLog) await core.debugLogs.flushNow();
      const record = row?.debugLog ? ((await core.debugLogs.read(row.debugLog)) ?? null) : null;
      return { row, record };
    },
    'proxy:status': () => status(),
    'proxy:pause': () => {
      core.setPaused(true);
      return status();
    },
    'proxy:resume': () => {
      core.setPaused(false);
      return status();
    },
  };
}

export function proxyStatus(core: OrchidsCore, shell: 'desktop' | 'headless'): ProxyStatus {
  const health = core.health() as { accounts: ProxyStatus['accounts'] };
  return {
    running: core.isRunning,
    paused: core.isPaused,
    url: core.server.url,
    version: VERSION,
    dataDir: core.config.dataDir,
    shell,
    apiKeySet: Boolean(core.settings.get('apiKey')) || core.settings.isUnreadable('apiKey'),
    accounts: health.accounts,
    debugLogs: {
      enabled: core.settings.get('debugLogs'),
      written: core.debugLogs.written,
      dropped: core.debugLogs.dropped,
      pending: core.debugLogs.pending,
      dir: core.debugLogs.dir,
    },
  };
}

async function importAccounts(core: OrchidsCore, json: string): Promise<ImportResult> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new AccountError('invalid_input', 'That file is not JSON. Import takes a file made by Export.');
  }
  const list = (parsed as { accounts?: unknown }).accounts;
  if (!Array.isArray(list))
    throw new AccountError('invalid_input', 'No "accounts" list in that file. Import takes a file made by Export.');
  const result: ImportResult = { added: 0, updated: 0, failed: [] };
  // One at a time: each is a Clerk round trip, and Clerk should not see a burst from one address.
  for (const [index, entry] of list.entries()) {
    const item = entry as { cookie?: unknown; name?: unknown; weight?: unknown; enabled?: unknown; email?: unknown };
    const email = typeof item.email === 'string' ? item.email : undefined;
    if (typeof item.cookie !== 'string' || !item.cookie) {
      result.failed.push({
        index,
        email,
        error: 'no cookie in this entry (it was exported from a mode that could not open it)',
      });
      continue;
    }
    try {
      const { account, created } = await core.accounts.add({
        cookie: item.cookie,
        name: typeof item.name === 'string' ? item.name : undefined,
        weight: typeof item.weight === 'number' ? item.weight : undefined,
      });
      if (item.enabled === false) core.accounts.update(account.id, { enabled: false });
      if (created) result.added += 1;
      else result.updated += 1;
    } catch (error) {
      result.failed.push({ index, email, error: (error as Error).message });
    }
  }
  return result;
}
