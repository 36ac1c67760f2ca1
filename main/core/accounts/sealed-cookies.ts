import { SecretUnavailableError, sealKindOf, type SecretBox } from '../secrets/secret-box';
import type { AccountPatch } from '../db/accounts-repo';
import type { AccountRecord } from './types';

export interface SealedCookiesDeps {
  accounts: () => AccountRecord[];
  /** This mode's box: the OS keychain in the desktop app (with the key file as a reader), the key file elsewhere. */
  secrets: SecretBox;
  lock: (accountId: number, reason: string) => void;
  unlock: (accountId: number) => void;
  write: (accountId: number, patch: AccountPatch) => void;
}

export interface SealReport {
  locked: number;
  unlocked: number;
  resealed: number;
}

/**
 * Makes each account's `locked` state match what this mode can open, now rather than on the first request that
 * picks it: a cookie this mode cannot open is locked with the reason; one locked by another mode that opens here
 * is ready again; and one opened through a fallback (the key file, in the desktop app) is re-sealed with this
 * mode's own box, so cookies end up under the keychain wherever one exists. It writes, so only a running app does
 * it (at start and after another process changed the accounts), never a CLI command.
 */
export function reconcileSealedCookies(deps: SealedCookiesDeps): SealReport {
  const report: SealReport = { locked: 0, unlocked: 0, resealed: 0 };
  for (const account of deps.accounts()) {
    let plain: string;
    try {
      plain = deps.secrets.open(account.sealedCookie);
    } catch (error) {
      if (!(error instanceof SecretUnavailableError)) throw error;
      if (account.status !== 'locked') {
        deps.lock(account.id, error.message);
        report.locked += 1;
      }
      continue;
    }
    if (sealKindOf(account.sealedCookie) !== deps.secrets.kind) {
      deps.write(account.id, { sealedCookie: deps.secrets.seal(plain) });
      report.resealed += 1;
    }
    if (account.status === 'locked') {
      deps.unlock(account.id);
      report.unlocked += 1;
    }
  }
  return report;
}
