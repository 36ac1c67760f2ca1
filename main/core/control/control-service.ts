import type { Handlers } from '../../../contract/api';
import { AccountError } from '../accounts/account-error';
import type { OrchidsCore } from '../core';
import { SettingError } from '../settings/settings-service';

/** What every client but the desktop app's own window hears when it asks for a sign-in window. */
const SIGN_IN_NEEDS_DESKTOP =
  'Sign in with Orchids needs the desktop app, which opens the Orchids sign-in page in a window of its own; ' +
  'here, paste the __client cookie instead.';

const desktopOnly = (): never => {
  throw new AccountError('desktop_only', SIGN_IN_NEEDS_DESKTOP);
};

/** The slice of the core the contract is implemented against: its facade, nothing behind it. */
export type ControlFacade = Pick<OrchidsCore, 'accounts' | 'settings' | 'history' | 'proxy'>;

export interface ControlOptions {
  /**
   * Replaces the install token: in the app, ending every dashboard session (control/dashboard-access.ts); in the
   * CLI on its own data folder, on disk only.
   */
  rotateInstallToken?: () => void;
}

/**
 * The contract's channels, each a call into the core's facade. Both transports (Electron IPC, the HTTP control
 * transport) and the CLI on its own database call these after `dispatch` validated the input, so the window, the
 * browser tab and the command line behave the same.
 */
export function createHandlers(core: ControlFacade, options: ControlOptions = {}): Handlers {
  return {
    'accounts:list': () => core.accounts.list(),
    'accounts:add': (input) => core.accounts.add(input),
    'accounts:update': ({ id, ...update }) => core.accounts.update(id, update),
    'accounts:remove': ({ id }) => ({ removed: id, name: core.accounts.remove(id).name }),
    'accounts:reset': ({ id }) => core.accounts.reset(id),
    'accounts:import': ({ json }) => core.accounts.importJson(json),
    'accounts:export': () => core.accounts.exportJson(),
    // The desktop app answers these two over IPC itself (main/electron/sign-in.ts).
    'accounts:signIn': desktopOnly,
    'accounts:refreshSignIn': desktopOnly,
    'accounts:checkCredits': ({ id }) => core.accounts.checkCredits(id),
    'accounts:test': ({ id, ...options }) => core.accounts.test(id, options),
    'settings:get': () => core.settings.list(),
    'settings:set': ({ key, value }) => {
      core.settings.set(key, value);
      return core.settings.list();
    },
    'settings:reset': ({ key }) => {
      core.settings.reset(key);
      return core.settings.list();
    },
    'settings:generateApiKey': () => core.settings.generateApiKey(),
    'settings:rotateInstallToken': () => {
      if (!options.rotateInstallToken) throw new SettingError('installToken', 'this client holds no install token');
      options.rotateInstallToken();
      return { rotatedAt: Date.now() };
    },
    'stats:get': () => core.history.stats(),
    'history:query': (query) => core.history.query(query),
    'history:record': ({ requestId }) => core.history.record(requestId),
    'proxy:status': () => core.proxy.status(),
    'proxy:health': () => core.proxy.health(),
    'proxy:pause': () => core.proxy.pause(),
    'proxy:resume': () => core.proxy.resume(),
    'proxy:dismissDamagedDatabase': () => core.proxy.dismissDamagedDatabase(),
  };
}
