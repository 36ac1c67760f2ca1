/**
 * The wire types: what crosses the contract, in the contract's own words. The core maps its storage rows and
 * in-memory records to these in one place (main/core/app/views.ts); the renderer and the CLI see nothing else.
 * Plain data only, the same over IPC and JSON: no classes, no functions, no `undefined` that JSON would drop
 * unless the field is optional.
 *
 * They are grouped by what they describe: accounts (account-views.ts), finished requests, history, debug records and
 * live totals (request-views.ts), settings (settings-views.ts), and the proxy's status and health (status-views.ts).
 * This file holds the names they share and the live stream's small messages.
 */

/**
 * Why an account is or is not taking requests. `ready` serves; the others name the reason a person can act on.
 * `locked` means this mode cannot open the account's sealed cookie (the core's secrets/secret-box.ts).
 */
export type AccountStatus =
  'ready' | 'cooling_down' | 'quota_exhausted' | 'signed_out' | 'blocked' | 'failing' | 'locked';

/** An upstream protocol by name ('' = none yet): Generation B over a WebSocket or SSE, Generation A over SSE. */
export type UpstreamProtocolName = 'ws' | 'sse-b' | 'sse-a';

/** Which API a request came in on. */
export type ApiName = 'anthropic' | 'openai-chat' | 'openai-responses';

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  at: number;
}

/** The transport's own news about its live stream (see CONNECTION_EVENT). */
export type ConnectionChange =
  | { state: 'open'; resumed: boolean }
  /** `sessionEnded`: the app answers again but refuses this window's session (it restarted: sessions die with it). */
  | { state: 'lost'; sessionEnded?: true };
