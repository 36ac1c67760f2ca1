import { servingOf, servingWords, type Serving } from '../../../contract/serving';
import type { AccountCache } from '../accounts/account-cache';
import { ADD_ACCOUNT_ARGS } from '../accounts/cookie-parser';
import type { UpstreamFailure } from '../orchids/failure';
import { ApiError } from '../server/errors';
import { cliCommand, printedCommand, type CommandPlace } from '../util/cli-command';

/**
 * The answer when no account can take a request, chosen so that clients show Orchids Tray's own message at once when
 * waiting cannot help, and retry (honouring `retry-after`) when it can. Measured with the real Claude Code CLI
 * (2.1.332, `-p`) against each status and type:
 *
 * - 403 prints "Failed to authenticate" in front of any message: wrong for "no accounts", so it is not used.
 * - 424 and 402 are shown at once, as "API Error: <status> <message>", after one request.
 * - 5xx and 529 are retried for minutes (nothing printed meanwhile), honouring `retry-after` as a floor, unless the
 *   answer says `x-should-retry: false` (the Anthropic SDKs' own header): then the message is shown at once.
 *   A 503 with `overloaded_error` is retried whatever the header says, so 529 is the overloaded status used.
 */
const RETRY_SOON_MS = 60_000;

/**
 * The answer while the person has paused the proxy. Overloaded, as a refusal that is not the request's fault, but
 * with `x-should-retry: false`: a client retrying in silence for minutes would hide the one thing that brings the
 * proxy back, the person resuming it.
 */
export function pausedError(resumeCommand = cliCommand('proxy resume')): ApiError {
  return new ApiError(
    'overloaded_error',
    `Orchids Tray is paused. Resume it from the tray menu, the window, or: ${resumeCommand}`,
    529,
    { 'x-should-retry': 'false' },
  );
}

/**
 * The CLI commands a refusal names, as typed in another terminal: prefixed with the app's data folder when it is not
 * the default one (printedCommand), or the account would be added to, or enabled in, another folder than this app's.
 * Built once when the app is composed: the request path only reads them.
 */
export interface UnavailableCommands {
  addAccount: string;
  enableAccount: string;
  resumeProxy: string;
}

export function unavailableCommands(place: CommandPlace): UnavailableCommands {
  return {
    addAccount: printedCommand(place, ADD_ACCOUNT_ARGS),
    enableAccount: printedCommand(place, 'accounts enable <id>'),
    resumeProxy: printedCommand(place, 'proxy resume'),
  };
}

export function unavailableError(
  accounts: AccountCache,
  summary: { message: string; retryAfterMs: number | undefined },
  lastFailure: UpstreamFailure | undefined,
  commands: UnavailableCommands,
): ApiError {
  const serving = servingOf(accounts.list(), accounts.usableCount, { running: true, paused: false });
  const detail = lastFailure ? ` Last error: ${lastFailure.message}` : '';
  const dontRetry = { 'x-should-retry': 'false' };
  switch (serving.state) {
    case 'no_accounts':
      return new ApiError(
        'api_error',
        `Orchids Tray has no accounts yet. Add one in the Orchids Tray window, or run: ${commands.addAccount}`,
        424,
        dontRetry,
      );
    case 'all_disabled':
      return new ApiError(
        'api_error',
        `Every Orchids account is disabled. Enable one in Orchids Tray, or run: ${commands.enableAccount}`,
        424,
        dontRetry,
      );
    case 'signed_out':
    case 'blocked':
    case 'locked':
      // Waiting does not bring these back: the person has to act, so the client is told so now.
      return new ApiError('api_error', `${sentence(serving)}${detail}`, 424, dontRetry);
    case 'out_of_credits':
      return new ApiError('billing_error', `${sentence(serving)}${detail}`, 402, dontRetry);
    default: {
      const headers: Record<string, string> = {};
      const wait = summary.retryAfterMs;
      if (wait !== undefined) headers['retry-after'] = String(Math.max(1, Math.ceil(wait / 1000)));
      // A client retrying is right for a short pause; for a long one it would sit silent for minutes.
      if (wait !== undefined && wait > RETRY_SOON_MS) headers['x-should-retry'] = 'false';
      return new ApiError('overloaded_error', `${summary.message}${detail}`, 529, headers);
    }
  }
}

function sentence(serving: Serving): string {
  const words = servingWords(serving);
  return `Orchids Tray cannot serve: ${words.headline.toLowerCase()}. ${words.detail}`;
}
