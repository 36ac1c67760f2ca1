import { decodeJwtPayload } from '../clerk/jwt';
import type { ActionDiscovery } from './action-discovery';
import { parseCreditsReply, MAX_REPLY_CHARS, type CreditsFigure } from './credits-reply';
import { CreditsError, siteRequest, type SiteHttp } from './site-http';

/** The browser the site's own page runs in; the action is the page's, so it is asked the way the page asks. */
const BROWSER_USER_AGENT =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) ' +
  'Chrome/144.0.0.0 Safari/537.36';

export interface CreditsReaderOptions {
  siteUrl: string;
  http: SiteHttp;
  discovery: Pick<ActionDiscovery, 'actionId' | 'forget'>;
}

/**
 * One account's plan and credits: the site's server action called as its page calls it (protocol page 4.1,
 * gen-b 3.6), with the account's session JWT as the `__session` cookie. An id the site no longer knows (a new
 * deploy) is discovered again once and the call repeated; every other failure is a CreditsError.
 */
export class CreditsReader {
  private readonly origin: string;

  constructor(private readonly options: CreditsReaderOptions) {
    this.origin = new URL(options.siteUrl).origin;
  }

  async read(jwt: string, userId: string): Promise<CreditsFigure> {
    const user = userId || subjectOf(jwt);
    if (!user) throw new CreditsError('the account has no Orchids user id');
    const first = await this.options.discovery.actionId();
    const answer = await this.call(first, jwt, user);
    if (answer !== 'stale') return answer;
    this.options.discovery.forget(first);
    const second = await this.options.discovery.actionId();
    const retried = second === first ? 'stale' : await this.call(second, jwt, user);
    if (retried === 'stale') throw new CreditsError('the site does not know its own credits action any more');
    return retried;
  }

  private async call(actionId: string, jwt: string, userId: string): Promise<CreditsFigure | 'stale'> {
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
      },
      body: JSON.stringify([userId]),
      maxBytes: MAX_REPLY_CHARS,
    });
    if (reply.headers['x-nextjs-action-not-found'] === '1' || /server action not found/i.test(reply.text))
      return 'stale';
    if (reply.status === 401 || reply.status === 403)
      throw new CreditsError(`the site refused the session (HTTP ${reply.status})`);
    if (reply.status !== 200) throw new CreditsError(`the site answered HTTP ${reply.status}`);
    const figure = parseCreditsReply(reply.text);
    if (!figure) throw new CreditsError('the reply held no credits figure');
    return figure;
  }
}

function subjectOf(jwt: string): string {
  const sub = decodeJwtPayload(jwt)?.sub;
  return typeof sub === 'string' ? sub : '';
}
