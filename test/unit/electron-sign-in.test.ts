/**
 * "Sign in with Orchids" without Electron: the capture of Clerk's `__client` from a fake cookie store, the window's
 * allowlist, and the whole flow (fake window and partition, real core, the simulator as Clerk).
 */
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AddAccountResult } from '../../contract/views';
import { AccountError } from '../../main/core/accounts/account-error';
import type { AddAccountInput } from '../../main/core/accounts/account-service';
import { ClientCookieCapture, type CheckAnswer } from '../../main/electron/sign-in-capture';
import {
  browserUserAgent,
  isOrchidsAppPage,
  isSignInPageAllowed,
  ORCHIDS_SIGN_IN_URL,
} from '../../main/electron/sign-in-policy';
import {
  SignInWindows,
  type SignInSessionLike,
  type SignInWindowLike,
  type SignInWindowOptions,
} from '../../main/electron/sign-in';
import { startStack, type Stack } from '../helpers/stack';
import { until } from '../helpers/wait';

const CLERK_HOST = 'clerk.orchids.app';

/** Emits `changed` the way Electron's session.cookies does: (event, cookie, cause, removed). */
class FakeCookieStore extends EventEmitter {
  set(name: string, value: string, domain = CLERK_HOST): void {
    this.emit('changed', {}, { name, value, domain }, 'explicit', false);
  }
  remove(name: string, value: string, domain = CLERK_HOST, cause = 'explicit'): void {
    this.emit('changed', {}, { name, value, domain }, cause, true);
  }
  /** What Electron emits when a page sets a cookie that already exists: the old one goes, the new one comes. */
  overwrite(name: string, previous: string, next: string, domain = CLERK_HOST): void {
    this.remove(name, previous, domain, 'overwrite');
    this.set(name, next, domain);
  }
}

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

/** Lets every promise reaction already queued run (a check's answer reaching the capture), then returns. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

const settled = <T>(promise: Promise<T>) => {
  let done = false;
  void promise.then(() => (done = true));
  return () => done;
};

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
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) orchids-tray/0.1.0 Chrome/144.0.7559.60 Electron/41.7.1 Safari/537.36';
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

  it('"not signed in yet" keeps waiting; values arriving during a check are asked about after it, newest only', async () => {
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

  it('the window closed before capture: cancelled, with Clerk’s last answer, and the store is no longer watched', async () => {
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

  it('closed while Clerk is being asked, and Clerk says no: cancelled, and the value that came meanwhile is not asked about', async () => {
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

// ---- the whole flow: fake window and partition, real core, the simulator as Clerk ----

class FakeSession extends EventEmitter {
  readonly cookies = new FakeCookieStore();
  permissionRequest:
    ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void) | undefined;
  permissionCheck: (() => boolean) | undefined;
  userAgent = '';
  cleared = 0;
  setPermissionRequestHandler(handler: FakeSession['permissionRequest']) {
    this.permissionRequest = handler;
  }
  setPermissionCheckHandler(handler: () => boolean) {
    this.permissionCheck = handler;
  }
  setUserAgent(userAgent: string) {
    this.userAgent = userAgent;
  }
  clearStorageData() {
    this.cleared++;
    return Promise.resolve();
  }
  clearCache() {
    return Promise.resolve();
  }
}

class FakeContents extends EventEmitter {
  openHandler: ((details: { url: string }) => { action: string }) | undefined;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.openHandler = handler;
  }
  /** Emits like Electron 41 (the url on the event, and as the deprecated second argument); true when prevented. */
  attempt(event: 'will-navigate' | 'will-redirect', url: string): boolean {
    let prevented = false;
    this.emit(event, { url, preventDefault: () => (prevented = true) }, url);
    return prevented;
  }
  arrive(url: string) {
    this.emit('did-navigate', {}, url);
  }
}

class FakeWindow extends EventEmitter {
  readonly webContents = new FakeContents();
  loaded: string[] = [];
  destroyed = false;
  focused = 0;
  loadError: Error | undefined;
  constructor(readonly options: SignInWindowOptions) {
    super();
  }
  loadURL(url: string) {
    this.loaded.push(url);
    return this.loadError ? Promise.reject(this.loadError) : Promise.resolve();
  }
  close() {
    if (this.destroyed) return;
    this.destroyed = true;
    this.emit('closed');
  }
  isDestroyed() {
    return this.destroyed;
  }
  show() {}
  focus() {
    this.focused++;
  }
}

function flows(addAccount: (input: AddAccountInput) => Promise<AddAccountResult>) {
  const sessions = new Map<string, FakeSession>();
  const windows: FakeWindow[] = [];
  const external: string[] = [];
  const logs: string[] = [];
  const nextLoadError: { error?: Error } = {};
  const signIn = new SignInWindows({
    fromPartition: (partition) => {
      const session = new FakeSession();
      sessions.set(partition, session);
      return session as unknown as SignInSessionLike;
    },
    createWindow: (options) => {
      const window = new FakeWindow(options);
      window.loadError = nextLoadError.error;
      windows.push(window);
      return window as unknown as SignInWindowLike;
    },
    openExternal: (url) => void external.push(url),
    addAccount,
    clerkHost: CLERK_HOST,
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/144.0.0.0',
    log: (line) => void logs.push(line),
  });
  const window = () => windows.at(-1)!;
  const session = () => sessions.get(window().options.webPreferences.partition)!;
  return { signIn, sessions, windows, window, session, external, logs, nextLoadError };
}

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

describe('Sign in with Orchids (fake window, real core)', () => {
  it('opens a locked-down window on the sign-in page, in a fresh in-memory partition', async () => {
    const add = vi.fn<(input: AddAccountInput) => Promise<AddAccountResult>>();
    const f = flows(add);
    const first = f.signIn.signIn();
    const { options } = f.window();
    expect(options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      webviewTag: false,
      devTools: false,
    });
    expect(options.webPreferences).not.toHaveProperty('preload');
    const partition = options.webPreferences.partition;
    expect(partition).toMatch(/^orchids-sign-in-[0-9a-f-]{36}$/); // no "persist:": memory only
    expect(f.window().loaded).toEqual([ORCHIDS_SIGN_IN_URL]);
    expect(f.signIn.owns(f.session())).toBe(true);

    // The partition: permissions denied, downloads refused, a plain browser's user agent.
    const granted = vi.fn();
    f.session().permissionRequest!({}, 'notifications', granted);
    expect(granted).toHaveBeenCalledWith(false);
    expect(f.session().permissionCheck!()).toBe(false);
    const download = { preventDefault: vi.fn() };
    f.session().emit('will-download', download);
    expect(download.preventDefault).toHaveBeenCalled();
    expect(f.session().userAgent).toBe('Mozilla/5.0 (X11; Linux x86_64) Chrome/144.0.0.0');

    // One at a time: a second request brings the open window forward and says so.
    await expect(f.signIn.signIn()).rejects.toMatchObject({ code: 'busy' });
    expect(f.window().focused).toBe(1);
    expect(f.windows).toHaveLength(1);

    // Closing it cancels, empties the partition, and frees the way for the next one, in a new partition.
    const firstSession = f.session();
    f.window().close();
    expect(await first).toEqual({ outcome: 'cancelled' });
    expect(firstSession.cleared).toBe(1);
    expect(f.signIn.owns(firstSession)).toBe(false);
    expect(add).not.toHaveBeenCalled();
    void f.signIn.signIn();
    expect(f.windows).toHaveLength(2);
    expect(f.window().options.webPreferences.partition).not.toBe(partition);
    f.signIn.closeAll();
    expect(f.window().destroyed).toBe(true);
  });

  it('navigation: Orchids, Clerk and the providers load; a link elsewhere goes to the browser; no new windows', () => {
    const f = flows(vi.fn());
    void f.signIn.signIn();
    const contents = f.window().webContents;
    expect(contents.attempt('will-navigate', 'https://accounts.google.com/o/oauth2/v2/auth?x=1')).toBe(false);
    expect(contents.attempt('will-redirect', 'https://clerk.orchids.app/v1/oauth_callback?code=x')).toBe(false);
    expect(contents.attempt('will-redirect', 'https://www.orchids.app/')).toBe(false);

    expect(contents.attempt('will-navigate', 'https://example.com/privacy')).toBe(true);
    expect(f.external).toEqual(['https://example.com/privacy']);
    expect(contents.attempt('will-redirect', 'https://tracker.example.com/')).toBe(true);
    expect(contents.attempt('will-navigate', 'http://accounts.orchids.app/')).toBe(true);
    expect(f.external).toEqual(['https://example.com/privacy']); // a redirect or plain http never opens anything
    expect(f.logs.filter((line) => line.startsWith('[sign-in] blocked'))).toHaveLength(2);

    expect(contents.openHandler!({ url: 'https://accounts.orchids.app/sign-up' })).toEqual({ action: 'deny' });
    expect(contents.openHandler!({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    expect(f.external).toEqual(['https://example.com/privacy', 'https://accounts.orchids.app/sign-up']);
    const webview = { preventDefault: vi.fn() };
    contents.emit('will-attach-webview', webview);
    expect(webview.preventDefault).toHaveBeenCalled();
    f.signIn.closeAll();
  });

  it('after sign-in: Clerk confirms the captured __client, the account is added, the window closes, storage is emptied', async () => {
    stack = await startStack({ accounts: 0, sim: { rotateClientCookie: true } });
    const core = stack.core;
    const user = stack.sim.addUser();
    const f = flows((input) => core.accounts.add(input));
    const result = f.signIn.signIn({ name: 'Work', weight: 3 });
    const session = f.session();

    session.cookies.set('__client', user.clientCookie);
    f.window().webContents.arrive('https://accounts.orchids.app/sign-in/factor-one');
    expect(core.accounts.list()).toEqual([]); // nothing is asked while the sign-in is under way
    expect(stack.sim.stats.clientLookups).toBe(0);
    f.window().webContents.arrive('https://www.orchids.app/projects');

    expect(await result).toMatchObject({
      outcome: 'signedIn',
      created: true,
      account: { email: user.email, name: 'Work', weight: 3, status: 'ready' },
    });
    expect(f.window().destroyed).toBe(true);
    expect(session.cleared).toBe(1);
    expect(session.cookies.listenerCount('changed')).toBe(0);
    // Clerk was asked once; the account keeps what Clerk rotated on that call.
    expect(stack.sim.stats.clientLookups).toBe(1);
    const [account] = stack.core.internals.cache.list();
    expect(stack.core.internals.accounts.openCookies(account!).client).toBe(stack.sim.currentCookie(user.userId));
  });

  it('a client Clerk finds no session on keeps the window open; the next __client signs in', async () => {
    stack = await startStack({ accounts: 0 });
    const core = stack.core;
    const signedOut = stack.sim.addUser();
    stack.sim.signOut(signedOut.userId);
    const user = stack.sim.addUser();
    const f = flows((input) => core.accounts.add(input));
    const result = f.signIn.signIn();
    const done = settled(result);
    f.session().cookies.set('__session', 'never-read', '.orchids.app');
    f.session().cookies.set('__client', signedOut.clientCookie);
    await until(() => stack!.sim.stats.clientLookups === 1, { what: 'Clerk to be asked about the first __client' });
    expect(done()).toBe(false);
    expect(f.window().destroyed).toBe(false);

    f.session().cookies.overwrite('__client', signedOut.clientCookie, user.clientCookie);
    expect(await result).toMatchObject({ outcome: 'signedIn', account: { email: user.email } });
    expect(core.accounts.list().map((a) => a.email)).toEqual([user.email]);
  });

  it('closing after Clerk said "no session" reports it, and adds nothing', async () => {
    stack = await startStack({ accounts: 0 });
    const core = stack.core;
    const signedOut = stack.sim.addUser();
    stack.sim.signOut(signedOut.userId);
    const f = flows((input) => core.accounts.add(input));
    const result = f.signIn.signIn();
    f.session().cookies.set('__client', signedOut.clientCookie);
    f.window().webContents.arrive('https://www.orchids.app/');
    await until(() => stack!.sim.stats.clientLookups === 1, { what: 'Clerk to be asked' });
    f.window().close();
    expect(await result).toEqual({
      outcome: 'cancelled',
      reason: expect.stringContaining('Clerk says this cookie has no active session'),
    });
    expect(core.accounts.list()).toEqual([]);
  });

  it('Refresh sign-in: someone else is refused and nothing changes; the same Orchids user brings the account back', async () => {
    stack = await startStack({ accounts: 1 });
    const core = stack.core;
    const accountId = stack.accountIds[0]!;
    const owner = stack.users[0]!;
    core.internals.states.recordFailure(accountId, { kind: 'signed_out', message: 'Clerk refused the cookie' });
    const before = core.accounts.get(accountId);
    expect(before.status).toBe('signed_out');
    const other = stack.sim.addUser();
    const f = flows((input) => core.accounts.add(input));

    const wrong = f.signIn.refresh(accountId);
    f.session().cookies.set('__client', other.clientCookie);
    f.window().webContents.arrive('https://www.orchids.app/');
    await expect(wrong).rejects.toMatchObject({
      code: 'wrong_user',
      message: `That is ${other.email}, not ${owner.email}. Nothing was changed: sign in as ${owner.email} to refresh this account.`,
    });
    expect(f.window().destroyed).toBe(true);
    expect(f.session().cleared).toBe(1);
    expect(core.accounts.list()).toEqual([before]);

    const right = f.signIn.refresh(accountId);
    f.session().cookies.set('__client', owner.clientCookie);
    f.session().cookies.set('__session', 'never-read', '.orchids.app');
    expect(await right).toMatchObject({
      outcome: 'signedIn',
      created: false,
      account: { id: accountId, email: owner.email, status: 'ready' },
    });
    expect(core.accounts.list()).toHaveLength(1);
  });

  it('a sign-in page that does not load ends the flow with the reason; a superseded load does not', async () => {
    const f = flows(vi.fn());
    f.nextLoadError.error = new Error('ERR_INTERNET_DISCONNECTED (-106) loading https://accounts.orchids.app/sign-in');
    await expect(f.signIn.signIn()).rejects.toMatchObject({
      code: 'unavailable',
      message: expect.stringMatching(/^The Orchids sign-in page did not load \(ERR_INTERNET_DISCONNECTED/),
    });
    expect(f.window().destroyed).toBe(true);

    f.nextLoadError.error = new Error('ERR_ABORTED (-3) loading https://accounts.orchids.app/sign-in');
    const result = f.signIn.signIn();
    const done = settled(result);
    await until(() => f.windows.length === 2, { what: 'the second window' });
    await Promise.resolve();
    expect(done()).toBe(false);
    f.window().close();
    expect(await result).toEqual({ outcome: 'cancelled' });
  });
});
