export type AccountErrorCode =
  | 'not_found'
  | 'invalid_cookie'
  | 'rejected'
  | 'unavailable'
  | 'invalid_input'
  | 'locked'
  /** The cookie is another Orchids user's than the account it was meant to refresh. */
  | 'wrong_user'
  /** Signing in through a window: only the desktop app has one. */
  | 'desktop_only'
  /** A sign-in window is already open. */
  | 'busy';

/** What the account operations refuse with; `message` is a plain sentence the window and the CLI show as it is. */
export class AccountError extends Error {
  constructor(
    readonly code: AccountErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AccountError';
  }
}
