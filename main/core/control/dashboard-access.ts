import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { loadOrCreateControlToken, rotateControlToken } from './install-token';

/**
 * Who may use the headless dashboard, and for how long. The install token (`<data dir>/control-token`) never
 * travels in a link: a link carries a one-time sign-in code, valid a few minutes, which the browser trades for a
 * session cookie with a value of its own. Browser history, session restore and favicon databases that keep the
 * link's address therefore keep a spent code. Sessions end after a working day, at a restart, or when the install
 * token is rotated; exporting cookies wants a session signed in within the last few minutes.
 *
 * Codes and sessions live in memory only, stored by their SHA-256 digest, so a lookup's timing says nothing about
 * a guess. The install token itself is still what the CLI presents (as a Bearer header), since reading it needs
 * the user's own access to the data folder.
 */

export const CODE_TTL_MS = 5 * 60_000;
export const SESSION_TTL_MS = 12 * 60 * 60_000;
/** How recent a sign-in must be for `accounts:export`. */
export const EXPORT_FRESH_MS = 5 * 60_000;
const MAX_CODES = 16;
const MAX_SESSIONS = 64;

export interface DashboardSession {
  id: string;
  signedInAt: number;
  expiresAt: number;
}

interface DashboardAccessOptions {
  dataDir: string;
  now?: () => number;
}

const digest = (value: string): string => createHash('sha256').update(value).digest('base64url');
const secret = (prefix: string): string => `${prefix}_${randomBytes(32).toString('base64url')}`;

export class DashboardAccess {
  private currentToken: string;
  private tokenDigest: Buffer;
  private readonly codes = new Map<string, number>();
  private readonly sessions = new Map<string, DashboardSession>();
  private readonly now: () => number;

  constructor(private readonly options: DashboardAccessOptions) {
    this.now = options.now ?? Date.now;
    this.currentToken = loadOrCreateControlToken(options.dataDir);
    this.tokenDigest = createHash('sha256').update(this.currentToken).digest();
  }

  /** The install token, for the runtime file through which the CLI reaches the app. */
  get token(): string {
    return this.currentToken;
  }

  /** Literal secrets for the debug-log redactor: the install token (codes and sessions carry a prefix it knows). */
  readonly secrets = (): string[] => [this.currentToken];

  /** Whether `candidate` is the install token (constant time). */
  matchesToken(candidate: string): boolean {
    return timingSafeEqual(createHash('sha256').update(candidate).digest(), this.tokenDigest);
  }

  /** A link that signs one browser in, once, within CODE_TTL_MS. */
  signInLink(baseUrl: string): { url: string; expiresAt: number } {
    this.prune();
    const code = secret('otc');
    const expiresAt = this.now() + CODE_TTL_MS;
    this.codes.set(digest(code), expiresAt);
    while (this.codes.size > MAX_CODES) this.codes.delete(this.codes.keys().next().value!);
    return { url: `${baseUrl}/_tray/?code=${code}`, expiresAt };
  }

  /** Trades a code for a new session; undefined when the code is unknown, already used or expired. */
  redeem(code: string): { session: DashboardSession; cookieValue: string } | undefined {
    this.prune();
    const key = digest(code);
    if (!this.codes.has(key)) return undefined;
    this.codes.delete(key);
    return this.startSession();
  }

  /** The live session a cookie value names. */
  session(cookieValue: string): DashboardSession | undefined {
    const session = this.sessions.get(digest(cookieValue));
    if (!session) return undefined;
    if (session.expiresAt <= this.now()) {
      this.sessions.delete(session.id);
      return undefined;
    }
    return session;
  }

  /** Signed in recently enough to export every cookie in the clear. */
  isFresh(session: DashboardSession): boolean {
    return this.now() - session.signedInAt <= EXPORT_FRESH_MS;
  }

  /**
   * A new install token on disk and in memory; every code and session ends (the caller, if a session asked for
   * this, gets a new one from the transport).
   */
  rotateToken(): void {
    this.currentToken = rotateControlToken(this.options.dataDir);
    this.tokenDigest = createHash('sha256').update(this.currentToken).digest();
    this.codes.clear();
    this.sessions.clear();
  }

  /** A session for a browser that just proved itself (a code, or a rotation it asked for). */
  startSession(): { session: DashboardSession; cookieValue: string } {
    const cookieValue = secret('ots');
    const signedInAt = this.now();
    const session = { id: digest(cookieValue), signedInAt, expiresAt: signedInAt + SESSION_TTL_MS };
    this.sessions.set(session.id, session);
    while (this.sessions.size > MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value!);
    return { session, cookieValue };
  }

  private prune(): void {
    const now = this.now();
    for (const [key, expiresAt] of this.codes) if (expiresAt <= now) this.codes.delete(key);
    for (const [key, session] of this.sessions) if (session.expiresAt <= now) this.sessions.delete(key);
  }
}

/**
 * Lets a person at the terminal ask the headless app for a fresh link: Enter (when stdin is a terminal) or
 * SIGUSR2 (for a service). Returns a function that stops listening.
 */
export function listenForLinkRequests(print: () => void): () => void {
  const onSignal = (): void => print();
  const onInput = (chunk: Buffer): void => {
    if (chunk.includes(0x0a) || chunk.includes(0x0d)) print();
  };
  if (process.platform !== 'win32') process.on('SIGUSR2', onSignal);
  const tty = process.stdin.isTTY === true;
  if (tty) {
    process.stdin.on('data', onInput);
    process.stdin.resume();
    process.stdin.unref?.();
  }
  return () => {
    process.off('SIGUSR2', onSignal);
    if (tty) {
      process.stdin.off('data', onInput);
      process.stdin.pause();
    }
  };
}
