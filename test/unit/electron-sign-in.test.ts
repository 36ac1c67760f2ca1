/**
 * "Sign in with Orchids" as a whole, without Electron: a fake window and partition (its cookie store emitting what
 * the page would set), the real core, and the simulator as Clerk.
 */
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AddAccountResult } from '../../contract/account-views';
import type { AddAccountInput } from '../../main/core/accounts/account-service';
import { SignInWindows, type SignInWindowOptions } from '../../main/electron/sign-in';
import { ORCHIDS_SIGN_IN_URL } from '../../main/electron/sign-in-policy';
import { CLERK_HOST, FakeCookieStore, settled } from '../helpers/fake-cookies';
import { startStack, type Stack } from '../helpers/stack';
import { until } from '../helpers/wait';

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
      return session;
    },
    createWindow: (options) => {
      const window = new FakeWindow(options);
      window.loadError = nextLoadError.error;
      windows.push(window);
      return window;
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
    // The minimum is the page's width, not the frame's (on Windows a frame-sized minimum left the page narrower).
    expect(options).toMatchObject({ minWidth: 360, useContentSize: true });
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

  it('after sign-in: Clerk confirms the captured __client; account added, window closed, storage emptied', async () => {
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

  it('Refresh sign-in: someone else is refused, nothing changes; the same Orchids user brings it back', async () => {
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
      message:
        `That is ${other.email}, not ${owner.email}. ` +
        `Nothing was changed: sign in as ${owner.email} to refresh this account.`,
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
