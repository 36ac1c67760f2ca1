/**
 * Catches Clerk's `__client` cookie in a sign-in window's own cookie store, and asks Clerk about it once the
 * sign-in is over. Written against a small cookie-store interface, so the tests drive it with a fake store.
 */
import { isClerkClientCookie, isOrchidsSessionCookie, type CookieLike } from './sign-in-policy';

type CookieChangeListener = (event: unknown, cookie: CookieLike, cause: string, removed: boolean) => void;

/** The part of Electron's `session.cookies` the capture uses: its `changed` event. */
export interface CookieStoreLike {
  on(event: 'changed', listener: CookieChangeListener): unknown;
  removeListener(event: 'changed', listener: CookieChangeListener): unknown;
}

/** Clerk's answer about a captured `__client`: whose it is, or why it does not sign anyone in (yet). */
export type CheckAnswer<T> = { signedIn: true; value: T } | { signedIn: false; reason: string };

export type CaptureOutcome<T> =
  | { kind: 'captured'; value: T }
  /** The window closed first; `reason` is Clerk's last answer, if it was asked and said no. */
  | { kind: 'cancelled'; reason?: string }
  | { kind: 'failed'; error: unknown };

interface CaptureOptions<T> {
  cookies: CookieStoreLike;
  /** Orchids' Clerk frontend API host (clerk.orchids.app): the only domain whose `__client` is taken. */
  clerkHost: string;
  /** Asks Clerk about the value (and keeps the account when it signs someone in). A throw ends the capture. */
  check(client: string): Promise<CheckAnswer<T>>;
}

/**
 * Clerk sets `__client` as soon as a sign-in starts, before anyone is signed in, and it may rotate that cookie on
 * any call made with it. Asking Clerk mid-way would at best hear "no session" and at worst rotate the cookie under
 * the page and break the sign-in in progress. So the capture waits for a sign that the sign-in is over (a session
 * cookie appeared, or the window reached Orchids' own site: `signInLooksDone`), then asks about the newest
 * `__client`, one call at a time. A "not signed in" answer keeps it waiting for the next change.
 */
export class ClientCookieCapture<T> {
  readonly outcome: Promise<CaptureOutcome<T>>;
  private settle!: (outcome: CaptureOutcome<T>) => void;
  private finished = false;
  /** The window closed: no new question is started, whatever arrives now. */
  private closing = false;
  private client: string | undefined;
  /** The value Clerk was last asked about since the last sign of a finished sign-in. */
  private asked: string | undefined;
  private looksDone = false;
  private checking: Promise<void> | undefined;
  private lastReason: string | undefined;

  constructor(private readonly options: CaptureOptions<T>) {
    this.outcome = new Promise((resolve) => (this.settle = resolve));
    options.cookies.on('changed', this.onChanged);
  }

  /** The window reached a page that only signed-in people are sent to. */
  signInLooksDone(): void {
    if (this.finished) return;
    this.looksDone = true;
    this.asked = undefined; // a new sign: the same value may be asked about once more
    this.pump();
  }

  /**
   * The window closed. A check already under way is let finish (it may have stored the account by now, and the
   * person should hear so); otherwise the capture ends cancelled.
   */
  async cancel(): Promise<CaptureOutcome<T>> {
    if (!this.finished) {
      this.closing = true;
      await this.checking;
      this.finish({ kind: 'cancelled', ...(this.lastReason ? { reason: this.lastReason } : {}) });
    }
    return this.outcome;
  }

  /** Ends the capture with an error that happened outside it (the page did not load). */
  fail(error: unknown): void {
    this.finish({ kind: 'failed', error });
  }

  private readonly onChanged: CookieChangeListener = (_event, cookie, _cause, removed) => {
    if (this.finished) return;
    if (isClerkClientCookie(cookie, this.options.clerkHost)) {
      // A removal is either the old value of an overwrite (the new one follows) or a sign-out: nothing to ask about.
      this.client = removed ? undefined : cookie.value;
      this.pump();
    } else if (!removed && isOrchidsSessionCookie(cookie)) {
      this.signInLooksDone();
    }
  };

  private pump(): void {
    if (this.finished || this.closing || this.checking || !this.looksDone) return;
    const client = this.client;
    if (!client || client === this.asked) return;
    this.asked = client;
    this.checking = this.ask(client).finally(() => {
      this.checking = undefined;
      this.pump();
    });
  }

  private async ask(client: string): Promise<void> {
    let answer: CheckAnswer<T>;
    try {
      answer = await this.options.check(client);
    } catch (error) {
      this.finish({ kind: 'failed', error });
      return;
    }
    if (answer.signedIn) this.finish({ kind: 'captured', value: answer.value });
    else this.lastReason = answer.reason;
  }

  private finish(outcome: CaptureOutcome<T>): void {
    if (this.finished) return;
    this.finished = true;
    this.client = undefined;
    this.options.cookies.removeListener('changed', this.onChanged);
    this.settle(outcome);
  }
}
