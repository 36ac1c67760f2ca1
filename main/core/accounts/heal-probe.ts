import type { UpstreamProtocol } from '../upstream/protocol';
import type { Prober } from './account-states';

export interface HealProbeDeps {
  /** Asks Clerk whether a signed-out account is signed in again (keeping the cookie Clerk rotates). */
  checkSignIn: (accountId: number) => Promise<unknown>;
  /** A fresh session token for the account: proof that Clerk lets it in. */
  renewToken: (accountId: number) => Promise<unknown>;
  /** Whether the host serving this protocol answers at all (a GET costs no credits). */
  upstreamAnswers: (protocol: UpstreamProtocol | '') => Promise<boolean>;
}

/**
 * The cheap check that decides whether an account whose wait has passed may serve again: a signed-out account
 * must sign in, every other one must get a token, and a failing one also needs its upstream host to answer.
 */
export function healProbe(deps: HealProbeDeps): Prober {
  return async (account) => {
    if (account.status === 'signed_out') {
      // Through the account service, which keeps the __client Clerk rotates; dropping it would sign the account
      // out again on its first request.
      await deps.checkSignIn(account.id);
      return true;
    }
    await deps.renewToken(account.id);
    if (account.status !== 'failing') return true;
    return deps.upstreamAnswers(account.protocol);
  };
}
