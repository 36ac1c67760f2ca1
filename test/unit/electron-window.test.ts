import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import {
  CONTENT_SECURITY_POLICY,
  guardSession,
  guardWebContents,
  isSafeExternalUrl,
  MAIN_WINDOW_SIZE,
  secureWebPreferences,
  withCsp,
} from '../../main/electron/window';

const RENDERER = 'file:///app/dist/renderer/index.html';

/** Enough of WebContents for the guards: events, and the window-open handler it was given. */
class FakeContents extends EventEmitter {
  openHandler: ((details: { url: string }) => { action: string }) | undefined;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.openHandler = handler;
  }
  /** Emits like Electron 41: the details object carries `url`; the second argument is the deprecated url. */
  navigate(event: 'will-navigate' | 'will-redirect', url: string): boolean {
    let prevented = false;
    this.emit(event, { url, preventDefault: () => (prevented = true) }, url);
    return prevented;
  }
}

function guarded() {
  const contents = new FakeContents();
  const openExternal = vi.fn();
  const log = vi.fn();
  guardWebContents(contents as never, { rendererUrl: RENDERER, openExternal, log });
  return { contents, openExternal, log };
}

describe('window hardening', () => {
  it('web preferences: isolated, sandboxed, no Node, web security on', () => {
    const prefs = secureWebPreferences('/app/dist/preload/index.js', { devTools: false });
    expect(prefs).toMatchObject({
      preload: '/app/dist/preload/index.js',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: false,
    });
  });

  it('the CSP is the strict one: only our own files, nothing inline, nothing remote', () => {
    for (const directive of [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      "font-src 'self'",
      "connect-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
    ]) {
      expect(CONTENT_SECURITY_POLICY).toContain(directive);
    }
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
  });

  it('no navigation away from the renderer; https links go to the system browser instead', () => {
    const { contents, openExternal } = guarded();
    expect(contents.navigate('will-navigate', `${RENDERER}#/logs`)).toBe(false);
    expect(contents.navigate('will-navigate', 'https://docs.anthropic.com/en/api')).toBe(true);
    expect(openExternal).toHaveBeenCalledWith('https://docs.anthropic.com/en/api');
    for (const url of [
      'file:///etc/passwd',
      'http://example.com/',
      'javascript:alert(1)',
      'smb://host/share',
      'https://user:pw@example.com/',
    ]) {
      expect(contents.navigate('will-navigate', url), url).toBe(true);
    }
    expect(openExternal).toHaveBeenCalledTimes(1);
    expect(contents.navigate('will-redirect', 'https://example.com/')).toBe(true);
  });

  it('no new windows: window.open is denied, https handed to the system browser', () => {
    const { contents, openExternal } = guarded();
    expect(contents.openHandler!({ url: 'https://github.com/' })).toEqual({ action: 'deny' });
    expect(contents.openHandler!({ url: 'file:///etc/hosts' })).toEqual({ action: 'deny' });
    expect(openExternal.mock.calls).toEqual([['https://github.com/']]);
  });

  it('no <webview>', () => {
    const { contents } = guarded();
    const event = { preventDefault: vi.fn() };
    contents.emit('will-attach-webview', event);
    expect(event.preventDefault).toHaveBeenCalled();
  });

  it('sizes the page, not the frame, and never below the 360 px the layout tests measure', () => {
    // On Windows a frame-sized minWidth of 360 left a page of ~346 px, narrower than test/e2e/layout.spec.ts proves.
    expect(MAIN_WINDOW_SIZE).toMatchObject({ minWidth: 360, useContentSize: true });
    expect(MAIN_WINDOW_SIZE.width).toBeGreaterThanOrEqual(MAIN_WINDOW_SIZE.minWidth);
    expect(MAIN_WINDOW_SIZE.height).toBeGreaterThanOrEqual(MAIN_WINDOW_SIZE.minHeight);
  });

  it('isSafeExternalUrl takes https only', () => {
    expect(isSafeExternalUrl('https://example.com/a?b#c')).toBe(true);
    expect(isSafeExternalUrl('http://example.com/')).toBe(false);
    expect(isSafeExternalUrl('file:///C:/Windows/System32/calc.exe')).toBe(false);
    expect(isSafeExternalUrl('ms-msdt:/id')).toBe(false);
    expect(isSafeExternalUrl('not a url')).toBe(false);
  });
});

describe('session hardening', () => {
  function session() {
    const ours = { id: 1 };
    const other = { id: 2 };
    const fake = Object.assign(new EventEmitter(), {
      request: undefined as
        | undefined
        | ((contents: unknown, permission: string, callback: (granted: boolean) => void, details: unknown) => void),
      check: undefined as
        undefined | ((contents: unknown, permission: string, origin: string, details: unknown) => boolean),
      headers: undefined as
        | undefined
        | ((details: { responseHeaders?: Record<string, string[]> }, callback: (response: unknown) => void) => void),
      setPermissionRequestHandler(handler: never) {
        fake.request = handler;
      },
      setPermissionCheckHandler(handler: never) {
        fake.check = handler;
      },
      webRequest: {
        onHeadersReceived(handler: never) {
          fake.headers = handler;
        },
      },
    });
    guardSession(fake as never, { isOwnContents: (contents) => contents === (ours as never) });
    const ask = (contents: unknown, permission: string) => {
      let granted: boolean | undefined;
      fake.request!(contents, permission, (g) => (granted = g), {});
      return granted;
    };
    return { fake, ours, other, ask };
  }

  it('denies every permission request, except clipboard writes from our own window (its copy buttons)', () => {
    const { fake, ours, other, ask } = session();
    for (const permission of [
      'media',
      'geolocation',
      'notifications',
      'openExternal',
      'midiSysex',
      'display-capture',
      'clipboard-read',
      'fullscreen',
      'unknown',
    ]) {
      expect(ask(ours, permission), permission).toBe(false);
      expect(fake.check!(ours, permission, 'file://', {}), permission).toBe(false);
    }
    expect(ask(ours, 'clipboard-sanitized-write')).toBe(true);
    expect(ask(other, 'clipboard-sanitized-write')).toBe(false);
    expect(fake.check!(null, 'clipboard-sanitized-write', 'file://', {})).toBe(false);
  });

  it('sets the CSP header on every response, replacing any other', () => {
    const { fake } = session();
    let response: { responseHeaders: Record<string, string[]> } | undefined;
    fake.headers!(
      { responseHeaders: { 'content-security-policy': ['default-src *'], 'Content-Type': ['text/html'] } },
      (r) => (response = r as never),
    );
    expect(response!.responseHeaders).toEqual({
      'Content-Type': ['text/html'],
      'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
    });
    expect(withCsp(undefined)).toEqual({ 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
  });

  it('lets the page save what it made (blob:, data:) and nothing fetched from elsewhere', () => {
    const { fake } = session();
    const download = (url: string) => {
      const event = { preventDefault: vi.fn() };
      fake.emit('will-download', event, { getURL: () => url });
      return event.preventDefault.mock.calls.length > 0;
    };
    expect(download('blob:file:///5b1c-export')).toBe(false);
    expect(download('data:application/json,{}')).toBe(false);
    expect(download('https://evil.example/payload.exe')).toBe(true);
    expect(download('file:///etc/shadow')).toBe(true);
  });
});
