/**
 * The sign-in window's rules without Electron: which pages it may show (the allowlist), how it introduces itself,
 * and the capture of Clerk's `__client` from a fake cookie store emitting changes.
 */
import { describe, expect, it } from 'vitest';
import { AccountError } from '../../main/core/accounts/account-error';
import { ClientCookieCapture, type CheckAnswer } from '../../main/electron/sign-in-capture';
import {
  browserUserAgent,
  isOrchidsAppPage,
  isSignInPageAllowed,
  ORCHIDS_SIGN_IN_URL,
} from '../../main/electron/sign-in-policy';
import { CLERK_HOST, FakeCookieStore, settled, turn } from '../helpers/fake-cookies';
import { until } from '../helpers/wait';

/** A check whose answers the test gives, one question at a time. */
function scriptedCheck() {
  const asked: string[] = [];
  const pending: Array<(answer: CheckAnswer<string> | Error) => void> = [];
  const check = (client: string): Promise<CheckAnswer<string>> => {
    asked.push(client);
    return new Promise((resolve, reject) =>
      pending.push((answer) => (answer instanceof Error ? reject(answer) : resolve(answer))),
    );
  };
  const answer = (value: CheckAnswer<string> | Error) => pending.shift()!(value);
  return { asked, check, answer, pending };
}

describe('the sign-in window may only show Orchids, Clerk and the identity providers', () => {
  it.each([
    ORCHIDS_SIGN_IN_URL,
    'https://accounts.orchids.app/sign-in/factor-one',
    'https://accounts.orchids.app/sso-callback?x=1',
    'https://www.orchids.app/',
    'https://orchids.app/projects',
    'https://clerk.orchids.app/v1/oauth_callback?code=fake',
    'https://accounts.google.com/o/oauth2/v2/auth?client_id=fake',
    'https://accounts.youtube.com/accounts/SetSID',
    'https://github.com/login/oauth/authorize?client_id=fake',
    'https://github.com/sessions/two-factor',
  ])('allows %s', (url) => {
    expect(isSignInPageAllowed(url)).toBe(true);
  });

  it.each([
    ['plain http', 'http://accounts.orchids.app/sign-in'],
    ['another site', 'https://example.com/'],
    ['a look-alike suffix', 'https://evilorchids.app/'],
    ['Orchids as a subdomain of another site', 'https://orchids.app.example.com/'],
    ['credentials in the URL', 'https://user:pw@accounts.orchids.app/'],
    ['a non-default port', 'https://accounts.orchids.app:8443/'],
    ["a provider Orchids' sign-in does not offer", 'https://login.microsoftonline.com/common/oauth2'],
    ['Apple', 'https://appleid.apple.com/auth/authorize'],
    ['a Google page that is not its sign-in', 'https://www.google.com/search?q=x'],
    ['a file', 'file:///etc/passwd'],
    ['script', 'javascript:alert(1)'],
    ['not a URL', 'accounts.orchids.app'],
  ])('refuses %s', (_what, url) => {
    expect(isSignInPageAllowed(url)).toBe(false);
  });

  it("Orchids' own site is where the portal sends people once signed in; the portal and Clerk are not", () => {
    expect(isOrchidsAppPage('https://www.orchids.app/projects')).toBe(true);
    expect(isOrchidsAppPage('https://orchids.app/')).toBe(true);
    expect(isOrchidsAppPage(ORCHIDS_SIGN_IN_URL)).toBe(false);
    expect(isOrchidsAppPage('https://clerk.orchids.app/v1/client')).toBe(false);
    expect(isOrchidsAppPage('http://www.orchids.app/')).toBe(false);
  });

  it("introduces itself as the Chrome it is built on, without Electron's or the app's name", () => {
    const electron =
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) ' +
      'orchids-tray/0.1.0 Chrome/144.0.7559.60 Electron/41.7.1 Safari/537.36';
    expect(browserUserAgent(electron, '144.0.7559.60')).toBe(
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/144.0.0.0 Safari/537.36',
    );
  });
});

describe('capturing __client from the cookie store', () => {
  function capture() {
    const cookies = new FakeCookieStore();
    const script = scriptedCheck();
    const capturing = new ClientCookieCapture<string>({ cookies, clerkHost: CLERK_HOST, check: script.check });
    return { cookies, capturing, ...script };
  }

  it('asks Clerk about __client only once the sign-in looks finished: a session cookie appeared', async () => {
    const { cookies, capturing, asked, answer } = capture();
    cookies.set('__client', 'client-at-sign-in-start');
    expect(asked).toEqual([]); // Clerk set it as the sign-in began: asking now could rotate it under the page
    cookies.set('__session', 'session-jwt-never-read', '.orchids.app');
    expect(asked).toEqual(['client-at-sign-in-start']);
    answer({ signedIn: true, value: 'user1@example.test' });
    expect(await capturing.outcome).toEqual({ kind: 'captured', value: 'user1@example.test' });
  });

  it('a session cookie first, then __client: asked as soon as __client arrives', async () => {
    const { cookies, capturing, asked, answer } = capture();
    cookies.set('__session', 'session-jwt-never-read', 'accounts.orchids.app');
    expect(asked).toEqual([]);
    cookies.set('__client', 'client-signed-in');
    expect(asked).toEqual(['client-signed-in']);
    answer({ signedIn: true, value: 'ok' });
    expect(await capturing.outcome).toMatchObject({ kind: 'captured' });
  });

  it('reaching Orchids’ own site counts as finished too', () => {
    const { cookies, capturing, asked } = capture();
    cookies.set('__client', 'client-value');
    capturing.signInLooksDone();
    expect(asked).toEqual(['client-value']);
  });

  it('ignores __client of any other domain, and never takes __session or other cookies as the credential', () => {
    const { cookies, capturing, asked } = capture();
    capturing.signInLooksDone();
    cookies.set('__client', 'someone-elses', 'clerk.example.test');
    cookies.set('__client', 'a-parent-domain-cookie', '.orchids.app');
    cookies.set('__client', 'a-look-alike', 'clerk.orchids.app.example.test');
    cookies.set('__session', 'session-jwt', '.orchids.app');
    cookies.set('__client_uat', '1700000000', '.orchids.app');
    cookies.set('SID', 'google-cookie', '.google.com');
    expect(asked).toEqual([]);
    // The host-only cookie and the same cookie as a domain cookie (leading dot) are both Clerk's.
    cookies.set('__client', 'the-one', `.${CLERK_HOST}`);
    expect(asked).toEqual(['the-one']);
  });

  it('a session cookie on a domain that is not Orchids’ says nothing', () => {
    const { cookies, asked } = capture();
    cookies.set('__client', 'client-value');
    cookies.set('__session', 'x', 'example.test');
    expect(asked).toEqual([]);
  });

  it('removal events: a removed __client is not asked about; an overwrite asks about the new value only', async () => {
    const { cookies, capturing, asked, answer } = capture();
    cookies.set('__client', 'first');
    cookies.remove('__client', 'first');
    cookies.remove('__session', 'gone', '.orchids.app'); // a removal is no sign of a finished sign-in
    expect(asked).toEqual([]);
    capturing.signInLooksDone();
    expect(asked).toEqual([]); // nothing held: the cookie went

    cookies.set('__client', 'second');
    expect(asked).toEqual(['second']);
    answer({ signedIn: false, reason: 'no session yet' });
    await turn();
    cookies.overwrite('__client', 'second', 'third');
    expect(asked).toEqual(['second', 'third']);
    answer({ signedIn: true, value: 'done' });
    expect(await capturing.outcome).toEqual({ kind: 'captured', value: 'done' });
  });

  it('"not signed in yet" keeps waiting; values that arrive mid-check are asked after it, newest only', async () => {
    const { cookies, capturing, asked, answer } = capture();
    capturing.signInLooksDone();
    cookies.set('__client', 'a');
    cookies.set('__client', 'b'); // while Clerk is being asked about a: one question at a time
    cookies.set('__client', 'c');
    expect(asked).toEqual(['a']);
    answer({ signedIn: false, reason: 'Clerk says this cookie has no active session' });
    await until(() => asked.length === 2, { what: 'the newest value to be asked about' });
    expect(asked).toEqual(['a', 'c']);
    answer({ signedIn: true, value: 'user' });
    expect(await capturing.outcome).toEqual({ kind: 'captured', value: 'user' });
  });

  it('the same value is not asked about twice, unless a new sign of a finished sign-in comes', async () => {
    const { cookies, capturing, asked, answer } = capture();
    capturing.signInLooksDone();
    cookies.set('__client', 'same');
    answer({ signedIn: false, reason: 'no session' });
    await turn();
    cookies.set('__client', 'same');
    expect(asked).toEqual(['same']);
    cookies.set('__session', 'refreshed', '.orchids.app');
    expect(asked).toEqual(['same', 'same']);
  });

  it('window closed before capture: cancelled, with Clerk’s last answer; the store is no longer watched', async () => {
    const { cookies, capturing, asked, answer } = capture();
    capturing.signInLooksDone();
    cookies.set('__client', 'not-yet');
    answer({ signedIn: false, reason: 'Clerk says this cookie has no active session.' });
    await turn();
    expect(await capturing.cancel()).toEqual({
      kind: 'cancelled',
      reason: 'Clerk says this cookie has no active session.',
    });
    expect(cookies.listenerCount('changed')).toBe(0);
    cookies.set('__client', 'too-late');
    expect(asked).toEqual(['not-yet']);
  });

  it('closed before anything happened: cancelled without a reason', async () => {
    const { cookies, capturing, asked } = capture();
    expect(await capturing.cancel()).toEqual({ kind: 'cancelled' });
    cookies.set('__client', 'after');
    cookies.set('__session', 'after', '.orchids.app');
    expect(asked).toEqual([]);
  });

  it('closed while Clerk is being asked: the answer still counts, and nothing new is asked', async () => {
    const { cookies, capturing, asked, answer } = capture();
    capturing.signInLooksDone();
    cookies.set('__client', 'in-flight');
    const cancelled = capturing.cancel();
    const done = settled(cancelled);
    cookies.set('__client', 'newer');
    await Promise.resolve();
    expect(done()).toBe(false);
    answer({ signedIn: true, value: 'added before the close' });
    expect(await cancelled).toEqual({ kind: 'captured', value: 'added before the close' });
    expect(asked).toEqual(['in-flight']);
  });

  it('closed while Clerk is asked and Clerk says no: cancelled; a value that came meanwhile is not asked', async () => {
    const { cookies, capturing, asked, answer } = capture();
    capturing.signInLooksDone();
    cookies.set('__client', 'in-flight');
    const cancelled = capturing.cancel();
    cookies.set('__client', 'newer');
    answer({ signedIn: false, reason: 'no session' });
    expect(await cancelled).toEqual({ kind: 'cancelled', reason: 'no session' });
    await turn();
    expect(asked).toEqual(['in-flight']);
  });

  it('a check that throws ends the capture with its error', async () => {
    const { cookies, capturing, answer } = capture();
    capturing.signInLooksDone();
    cookies.set('__client', 'x');
    const error = new AccountError('unavailable', 'Clerk cannot be reached');
    answer(error);
    expect(await capturing.outcome).toEqual({ kind: 'failed', error });
  });
});
