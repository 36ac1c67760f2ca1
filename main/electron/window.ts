/**
 * The window: created locked down, closed to the tray, shown again on demand. The Electron calls are typed with
 * Electron's own types (type-only imports), so the tests hand in small fakes and nothing here loads Electron.
 */
import type { Session, WebContents, WebPreferences } from 'electron';
import { isRendererDocument } from './ipc';

/**
 * Same policy as the headless dashboard's header: only our own files, no inline script or style, no remote
 * anything. Set as a response header for every load in the window's session (file:// included); the renderer
 * build may carry the same policy in a <meta> tag as a second line of defence.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Every window's renderer: isolated, sandboxed, no Node anywhere, web security on, no <webview>. */
export const LOCKED_WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  navigateOnDragDrop: false,
  spellcheck: false,
  safeDialogs: true,
} as const satisfies WebPreferences;

export function secureWebPreferences(preload: string, options: { devTools: boolean }): WebPreferences {
  return { preload, ...LOCKED_WEB_PREFERENCES, devTools: options.devTools };
}

/**
 * The main window's size. The narrowest page is a tray popover's width, which test/e2e/layout.spec.ts measures every
 * view at (issue 13). Sizes are the page's, not the frame's (`useContentSize`): on Windows a frame-sized minimum
 * left the page ~14 px narrower than asked, below the width the layout is proven at.
 */
export const MAIN_WINDOW_SIZE = {
  width: 1120,
  height: 780,
  minWidth: 360,
  minHeight: 520,
  useContentSize: true,
} as const;

/** Links the window may hand to the system browser: https only (no file:, no custom schemes, no http). */
export function isSafeExternalUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' && parsed.username === '' && parsed.password === '';
  } catch {
    return false;
  }
}

export interface GuardOptions {
  rendererUrl: string;
  openExternal(url: string): void;
  log?(line: string): void;
}

/**
 * No navigation away from the renderer document, no new windows, no <webview>. An https link the page tries to
 * open (a click on an external link, window.open) goes to the system browser instead.
 */
export function guardWebContents(contents: WebContents, options: GuardOptions): void {
  const leave = (url: string): void => {
    if (isSafeExternalUrl(url)) options.openExternal(url);
    else options.log?.(`[window] blocked a navigation to ${url.slice(0, 200)}`);
  };
  contents.on('will-navigate', (event, legacyUrl) => {
    const url = (event as { url?: string }).url ?? legacyUrl;
    if (isRendererDocument(url, options.rendererUrl)) return;
    event.preventDefault();
    leave(url);
  });
  contents.on('will-redirect', (event, legacyUrl) => {
    const url = (event as { url?: string }).url ?? legacyUrl;
    if (isRendererDocument(url, options.rendererUrl)) return;
    event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    leave(url);
    return { action: 'deny' };
  });
}

/** Permissions the window may use: writing to the clipboard (its copy buttons), from our own window only. */
const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

export function guardSession(
  session: Session,
  options: { isOwnContents(contents: WebContents | null): boolean },
): void {
  session.setPermissionRequestHandler((contents, permission, callback) => {
    callback(ALLOWED_PERMISSIONS.has(permission) && options.isOwnContents(contents));
  });
  session.setPermissionCheckHandler(
    (contents, permission) => ALLOWED_PERMISSIONS.has(permission) && options.isOwnContents(contents),
  );
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withCsp(details.responseHeaders) });
  });
  // Export saves a blob the page made; anything else (a link to a remote file) is not ours to download.
  session.on('will-download', (event, item) => {
    if (!/^(blob|data):/i.test(item.getURL())) event.preventDefault();
  });
}

/** Replaces any Content-Security-Policy header (whatever its case) with ours. */
export function withCsp(headers: Record<string, string[]> | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() !== 'content-security-policy') out[name] = value;
  }
  out['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
  return out;
}

/** The parts of BrowserWindow the close-to-tray logic uses. */
export interface WindowLike {
  show(): void;
  hide(): void;
  focus(): void;
  isMinimized(): boolean;
  restore(): void;
  isDestroyed(): boolean;
  on(event: 'close', listener: (event: { preventDefault(): void }) => void): unknown;
  on(event: 'closed', listener: () => void): unknown;
}

export interface MainWindowOptions<W extends WindowLike> {
  create(): W;
  isQuitting(): boolean;
  /** Called each time closing hid the window; the caller shows its notice the first time only. */
  onHiddenToTray(): void;
}

/**
 * One window, created on first use. Closing it hides it to the tray (the proxy keeps serving); only a quit lets
 * the close through. A second launch, the tray's "Open" and the dock icon all come through `show()`.
 */
export class MainWindow<W extends WindowLike = WindowLike> {
  private window: W | undefined;

  constructor(private readonly options: MainWindowOptions<W>) {}

  get current(): W | undefined {
    return this.window && !this.window.isDestroyed() ? this.window : undefined;
  }

  /** Creates the window if needed, without showing it (start-up at login stays in the tray). */
  ensure(): W {
    const existing = this.current;
    if (existing) return existing;
    const window = this.options.create();
    window.on('close', (event) => {
      if (this.options.isQuitting()) return;
      event.preventDefault();
      window.hide();
      this.options.onHiddenToTray();
    });
    window.on('closed', () => {
      if (this.window === window) this.window = undefined;
    });
    this.window = window;
    return window;
  }

  show(): W {
    const window = this.ensure();
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
    return window;
  }
}
