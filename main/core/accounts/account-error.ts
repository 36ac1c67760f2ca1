export type AccountErrorCode = 'not_found' | 'invalid_cookie' | 'rejected' | 'unavailable' | 'invalid_input' | 'locked';

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
