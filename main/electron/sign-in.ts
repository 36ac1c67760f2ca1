/**
 * "Sign in with Orchids": a window on Orchids' sign-in page, in a session partition of its own that lives in memory
 * only, from which Orchids Tray takes Clerk's `__client` cookie once the person has signed in, and nothing else.
 * The Electron objects are handed in through the small `…Like` interfaces below, so the tests run it with fakes.
 */
import { randomUUID } from 'node:crypto';
import type { AddAccountResult, SignInResult } from '../../contract/account-views';
import { AccountError } from '../core/accounts/account-error';
import type { AddAccountInput } from '../core/accounts/account-service';
import { ClientCookieCapture, type CaptureOutcome, type CookieStoreLike } from './sign-in-capture';
import { isOrchidsAppPage, isSignInPageAllowed, ORCHIDS_SIGN_IN_URL } from './sign-in-policy';
import { isSafeExternalUrl, LOCKED_WEB_PREFERENCES } from './window';

interface PreventableLike {
  preventDefault(): void;
}

/** The parts of a sign-in window's WebContents the guard uses. */
interface SignInContentsLike {
  on(
    event: 'will-navigate' | 'will-redirect',
    listener: (event: PreventableLike & { url?: string }, url: string) => void,
  ): unknown;
  on(event: 'did-navigate', listener: (event: unknown, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: PreventableLike) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

export interface SignInWindowLike {
  readonly webContents: SignInContentsLike;
  loadURL(url: string): Promise<unknown>;
  on(event: 'closed', listener: () => void): unknown;
  on(event: 'page-title-updated', listener: (event: PreventableLike) => void): unknown;
  close(): void;
  isDestroyed(): boolean;
  show(): void;
  focus(): void;
}

type PermissionRequestHandler = (contents: unknown, permission: string, callback: (granted: boolean) => void) => void;

/** The parts of the partition's Session the flow uses. */
export interface SignInSessionLike {
  readonly cookies: CookieStoreLike;
  setPermissionRequestHandler(handler: PermissionRequestHandler): void;
  setPermissionCheckHandler(handler: () => boolean): void;
  setUserAgent(userAgent: string): void;
  on(event: 'will-download', listener: (event: PreventableLike) => void): unknown;
  clearStorageData(): Promise<void>;
  clearCache(): Promise<void>;
}

interface SignInDeps {
  /** `session.fromPartition(name, { cache: false })`. */
  fromPartition(partition: string): SignInSessionLike;
  /** `new BrowserWindow(options)`; the options come from `signInWindowOptions`. */
  createWindow(options: SignInWindowOptions): SignInWindowLike;
  openExternal: (url: string) => void;
  /** The core's `accounts.add`: asks Clerk whose the cookie is, and adds or refreshes that account. */
  addAccount(input: AddAccountInput): Promise<AddAccountResult>;
  /** Orchids' Clerk frontend API host: clerk.orchids.app unless ORCHIDS_CLERK_URL says otherwise. */
  clerkHost: string;
  userAgent: string;
  log: (line: string) => void;
  signInUrl?: string;
}

const SIGN_IN_WINDOW_TITLE = 'Sign in with Orchids';
const ALREADY_OPEN = 'A sign-in window is already open: finish signing in there, or close it first.';

function signInWindowOptions(partition: string) {
  return {
    width: 520,
    height: 760,
    minWidth: 360,
    minHeight: 480,
    // The page's size, as the main window's (window.ts MAIN_WINDOW_SIZE): Orchids' sign-in page gets its 360 px.
    useContentSize: true,
    title: SIGN_IN_WINDOW_TITLE,
    autoHideMenuBar: true,
    show: true,
    // No preload: the page gets nothing of Orchids Tray, and no developer tools to read its cookies with.
    webPreferences: { ...LOCKED_WEB_PREFERENCES, partition, devTools: false },
  };
}

export type SignInWindowOptions = ReturnType<typeof signInWindowOptions>;

/**
 * Where the window may go: pages on the allowlist (sign-in-policy.ts) only. A link elsewhere opens in the system
 * browser; a redirect elsewhere is stopped. No new windows, no <webview>. `onOrchidsPage` hears when the window
 * reaches Orchids' own site, where the Account Portal sends people once they are signed in.
 */
function guardSignInContents(
  contents: SignInContentsLike,
  options: { openExternal(url: string): void; log(line: string): void; onOrchidsPage(): void },
): void {
  const blocked = (url: string) => options.log(`[sign-in] blocked a page outside the allowlist: ${url.slice(0, 200)}`);
  contents.on('will-navigate', (event, legacyUrl) => {
    const url = event.url ?? legacyUrl;
    if (isSignInPageAllowed(url)) return;
    event.preventDefault();
    if (isSafeExternalUrl(url)) options.openExternal(url);
    else blocked(url);
  });
  contents.on('will-redirect', (event, legacyUrl) => {
    const url = event.url ?? legacyUrl;
    if (isSignInPageAllowed(url)) return;
    event.preventDefault();
    blocked(url);
  });
  contents.on('did-navigate', (_event, url) => {
    if (isOrchidsAppPage(url)) options.onOrchidsPage();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternalUrl(url)) options.openExternal(url);
    return { action: 'deny' };
  });
}

/** The partition's own lockdown: every permission denied, no downloads, a plain browser's user agent. */
function lockDownSession(session: SignInSessionLike, userAgent: string): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.on('will-download', (event) => event.preventDefault());
  session.setUserAgent(userAgent);
}

interface OpenFlow {
  window: SignInWindowLike;
  result: Promise<SignInResult>;
}

/** At most one sign-in window at a time; each in a fresh partition that is emptied when the window goes. */
export class SignInWindows {
  private current: OpenFlow | undefined;
  private readonly sessions = new Set<unknown>();

  constructor(private readonly deps: SignInDeps) {}

  /** True for a sign-in window's session: the main window's guards must leave those windows alone. */
  owns(session: unknown): boolean {
    return session !== undefined && this.sessions.has(session);
  }

  /** Adds the account of whoever signs in (or refreshes it, if Orchids Tray already has that Orchids user). */
  signIn(input: { name?: string; weight?: number } = {}): Promise<SignInResult> {
    return this.open({ ...input });
  }

  /** Refreshes this account's cookie; someone else signing in is refused and changes nothing. */
  refresh(accountId: number): Promise<SignInResult> {
    return this.open({ forAccount: accountId });
  }

  /** Quitting: an open sign-in window closes, and its flow ends cancelled. */
  closeAll(): void {
    const window = this.current?.window;
    if (window && !window.isDestroyed()) window.close();
  }

  private open(input: Omit<AddAccountInput, 'cookie'>): Promise<SignInResult> {
    if (this.current) {
      const { window } = this.current;
      if (!window.isDestroyed()) {
        window.show();
        window.focus();
      }
      return Promise.reject(new AccountError('busy', ALREADY_OPEN));
    }
    const { deps } = this;
    // No "persist:" prefix: the partition lives in memory only, and a fresh name shares nothing with earlier ones.
    const partition = `orchids-sign-in-${randomUUID()}`;
    const session = deps.fromPartition(partition);
    this.sessions.add(session);
    lockDownSession(session, deps.userAgent);
    const capture = new ClientCookieCapture<AddAccountResult>({
      cookies: session.cookies,
      clerkHost: deps.clerkHost,
      check: async (client) => {
        try {
          return { signedIn: true, value: await deps.addAccount({ ...input, cookie: `__client=${client}` }) };
        } catch (error) {
          // Clerk knows the client but finds no session on it (yet): keep waiting for the next change.
          if (error instanceof AccountError && error.code === 'rejected')
            return { signedIn: false, reason: error.message };
          throw error;
        }
      },
    });
    const window = deps.createWindow(signInWindowOptions(partition));
    window.on('page-title-updated', (event) => event.preventDefault());
    window.on('closed', () => void capture.cancel());
    guardSignInContents(window.webContents, {
      openExternal: deps.openExternal,
      log: deps.log,
      onOrchidsPage: () => capture.signInLooksDone(),
    });
    window.loadURL(deps.signInUrl ?? ORCHIDS_SIGN_IN_URL).catch((error: unknown) => {
      const message = (error as Error)?.message ?? String(error);
      // ERR_ABORTED: the page moved on (a redirect, a blocked one included) before the first load finished.
      if (/ERR_ABORTED/.test(message)) return;
      capture.fail(
        new AccountError(
          'unavailable',
          `The Orchids sign-in page did not load (${message}). Check the connection and try again.`,
        ),
      );
    });
    const result = capture.outcome.then(async (outcome) => {
      this.current = undefined;
      if (!window.isDestroyed()) window.close();
      await this.forget(session);
      return resultOf(outcome);
    });
    this.current = { window, result };
    return result;
  }

  /** Empties the partition (cookies, storage, cache) so nothing of the sign-in outlives its window. */
  private async forget(session: SignInSessionLike): Promise<void> {
    try {
      await Promise.all([session.clearStorageData(), session.clearCache()]);
    } catch (error) {
      this.deps.log(`[sign-in] could not empty the sign-in window's storage: ${(error as Error)?.message ?? error}`);
    } finally {
      this.sessions.delete(session);
    }
  }
}

function resultOf(outcome: CaptureOutcome<AddAccountResult>): SignInResult {
  if (outcome.kind === 'captured') return { outcome: 'signedIn', ...outcome.value };
  if (outcome.kind === 'cancelled')
    return { outcome: 'cancelled', ...(outcome.reason ? { reason: outcome.reason } : {}) };
  throw outcome.error;
}
