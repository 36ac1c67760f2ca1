import { decodeJwtPayload } from '../clerk/jwt';
import type { ActionDiscovery } from './action-discovery';
import { parseCreditsReply, MAX_REPLY_CHARS, type CreditsFigure } from './credits-reply';
import type { RouterState, RouterStateSource } from './router-state';
import { BROWSER_USER_AGENT, CreditsError, siteRequest, type SiteHttp } from './site-http';

export interface CreditsReaderOptions {
  siteUrl: string;
  http: SiteHttp;
  discovery: Pick<ActionDiscovery, 'actionId' | 'forget'>;
  routerState: Pick<RouterStateSource, 'kept' | 'get' | 'worked' | 'forget'>;
}

/** One try at the action: a figure, or why not and whether the site's router state might change that. */
type Attempt = { figure: CreditsFigure } | { failure: CreditsError; routerStateMayHelp: boolean };

/**
 * One account's plan and credits: the site's server action called as its page calls it (protocol page 4.1,
 * gen-b 3.6), with the account's session JWT as the `__session` cookie. An id the site no longer knows (a new
 * deploy) is discovered again once and the call repeated.
 *
 * The router-state retry, from what Orchids' own client did: it sent `Next-Router-State-Tree` (a constant tree at
 * first; from 02e194a the tree of an RSC prefetch of `/`) and `x-deployment-id` (the page's `dpl_…`) on every call,
 * because without them "some server actions may fail with a generic 500 digest"; from 76ed396 it called plainly
 * first, rediscovered a stale id, and only when that still failed (any status but 200, no valid credits object, or
 * no answer at all) called once more with both, read afresh for that one retry. Here that retry follows an error
 * status, a reply without a figure or an id still unknown, but not a 401 or 403 or a site that cannot be reached:
 * no header changes those, and a site that timed out would only time out again. The state is read once and kept
 * (router-state.ts), sent from the first call once the site has needed it, and read again when a call with it
 * fails. Every failure is a CreditsError; one that failed both ways says so.
 */
export class CreditsReader {
  private readonly origin: string;

  constructor(private readonly options: CreditsReaderOptions) {
    this.origin = new URL(options.siteUrl).origin;
  }

  async read(jwt: string, userId: string): Promise<CreditsFigure> {
    const user = userId || subjectOf(jwt);
    if (!user) throw new CreditsError('the account has no Orchids user id');
    const { routerState } = this.options;
    const kept = routerState.kept();
    const first = await this.attempt(jwt, user, kept);
    if ('figure' in first) return first.figure;
    if (!first.routerStateMayHelp) throw first.failure;
    if (kept) routerState.forget(kept);
    let state: RouterState;
    try {
      state = await routerState.get();
    } catch (error) {
      throw new CreditsError(`${first.failure.message}; ${(error as Error).message}`);
    }
    if (state === kept) throw new CreditsError(`${first.failure.message} with its router state`);
    const second = await this.attempt(jwt, user, state);
    if ('figure' in second) {
      routerState.worked(state);
      return second.figure;
    }
    routerState.forget(state);
    throw new CreditsError(bothFailed(first.failure.message, second.failure.message, kept !== undefined));
  }

  private async attempt(jwt: string, userId: string, state: RouterState | undefined): Promise<Attempt> {
    const first = await this.options.discovery.actionId();
    const answer = await this.call(first, jwt, userId, state);
    if (answer !== 'stale') return answer;
    this.options.discovery.forget(first);
    const second = await this.options.discovery.actionId();
    const retried = second === first ? 'stale' : await this.call(second, jwt, userId, state);
    if (retried !== 'stale') return retried;
    return {
      failure: new CreditsError('the site does not know its own credits action any more'),
      routerStateMayHelp: true,
    };
  }

  private async call(
    actionId: string,
    jwt: string,
    userId: string,
    state: RouterState | undefined,
  ): Promise<Attempt | 'stale'> {
    const reply = await siteRequest(this.options.http, `${this.options.siteUrl}/`, {
      method: 'POST',
      headers: {
        accept: 'text/x-component',
        'content-type': 'text/plain;charset=UTF-8',
        'user-agent': BROWSER_USER_AGENT,
        'next-action': actionId,
        origin: this.origin,
        referer: `${this.origin}/`,
        cookie: `__session=${jwt}`,
        ...(state ? { 'next-router-state-tree': state.tree } : {}),
        ...(state?.deploymentId ? { 'x-deployment-id': state.deploymentId } : {}),
      },
      body: JSON.stringify([userId]),
      maxBytes: MAX_REPLY_CHARS,
    });
    if (reply.headers['x-nextjs-action-not-found'] === '1' || /server action not found/i.test(reply.text))
      return 'stale';
    const failed = (message: string, routerStateMayHelp = true): Attempt => ({
      failure: new CreditsError(message),
      routerStateMayHelp,
    });
    if (reply.status === 401 || reply.status === 403)
      return failed(`the site refused the session (HTTP ${reply.status})`, false);
    if (reply.status !== 200) return failed(`the site answered HTTP ${reply.status}`);
    const figure = parseCreditsReply(reply.text);
    return figure ? { figure } : failed('the reply held no credits figure');
  }
}

/** One reason for a read that failed twice, saying what each try carried. */
function bothFailed(first: string, second: string, keptFirst: boolean): string {
  if (first === second)
    return `${first}, ${keptFirst ? 'with its router state kept and read again' : 'with and without its router state'}`;
  return keptFirst
    ? `${first} with its kept router state, and ${second} with it read again`
    : `${first} without its router state, and ${second} with it`;
}

function subjectOf(jwt: string): string {
  const sub = decodeJwtPayload(jwt)?.sub;
  return typeof sub === 'string' ? sub : '';
}
