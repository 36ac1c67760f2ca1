import type { DebugRecordView } from '../../../contract/request-views';
import type { ApiName } from '../../../contract/views';

/** Where each API is served: the path of records written before the path itself was kept. */
const API_PATH: Record<ApiName, string> = {
  anthropic: '/v1/messages',
  'openai-chat': '/v1/chat/completions',
  'openai-responses': '/v1/responses',
};

/**
 * The client's headers that change how a request is served, and carry nothing secret. Credentials (authorization,
 * x-api-key, cookies) are never copied: the record holds them redacted, and the key goes in by reference below.
 */
const REPLAYED_HEADERS = ['anthropic-version', 'anthropic-beta'];

/** The environment variable the app and its CLI read the API key from: the command names it, never the key. */
const API_KEY_VARIABLE = 'ORCHIDS_TRAY_API_KEY';

/** Cannot occur as a line of the body: the body is one line of JSON, and a bare word is not JSON. */
const DELIMITER = 'ORCHIDS_TRAY_BODY';

/** The redaction's placeholders (main/core/logs/redact.ts): `[redacted]`, `[redacted-jwt]`, `[redacted-key]`… */
const REDACTION_MARK = '[redacted';

export interface ReplayTarget {
  /** The proxy's base URL, as the Overview shows it. */
  url: string;
  /** Whether the proxy wants an API key: the command then sends the one in the shell's environment. */
  apiKeySet: boolean;
}

type ReplaySource = { incoming: DebugRecordView['incoming']; summary: { api?: ApiName | null } };

export type CurlReplay =
  | {
      command: string;
      /** Set when the command will not send exactly what the client sent, and why. */
      caveat: string | null;
    }
  | { command: null; reason: string };

/** `text` as one single-quoted word of a POSIX shell: every character literal, `'` written as `'\''`. */
const quote = (text: string): string => `'${text.replaceAll("'", `'\\''`)}'`;

/**
 * A POSIX shell command that sends a debug record's incoming request to this app again, on the path it came in on.
 *
 * The body goes through standard input (`--data-binary @-`) from a here-document with a quoted delimiter, not as a
 * single-quoted argument: Linux refuses any one argument over 128 KiB (MAX_ARG_STRLEN), and Claude Code's requests,
 * with their tools and history, are often larger. A quoted delimiter keeps `$`, backticks and backslashes literal;
 * the body is written as one line of JSON, so it cannot contain the delimiter's line. `!` is history expansion's
 * character in interactive shells: bash 5.2 leaves it alone in a quoted here-document, but a person may paste into
 * another shell, and `!` only occurs inside JSON strings, where `\u0021` is the same text.
 *
 * Debug records keep bodies whole (they are never cut to a size), so the only record with nothing to replay is one
 * without a body.
 */
export function curlReplay(record: ReplaySource, target: ReplayTarget): CurlReplay {
  const { body, headers } = record.incoming;
  if (body === undefined) return { command: null, reason: 'this record holds no request body to send again.' };
  const path = record.incoming.path ?? API_PATH[record.summary.api ?? 'anthropic'];
  const lines = [
    `curl ${quote(target.url.replace(/\/+$/, '') + path)}`,
    `-H ${quote('content-type: application/json')}`,
  ];
  for (const name of REPLAYED_HEADERS) {
    const value = headerValue(headers, name);
    if (value !== null) lines.push(`-H ${quote(`${name}: ${value}`)}`);
  }
  // Double quotes so the shell puts the variable's value in: the window never holds the key itself.
  if (target.apiKeySet) lines.push(`-H "x-api-key: $${API_KEY_VARIABLE}"`);
  // A streamed answer is shown as it arrives rather than when curl's buffer fills.
  if (isObject(body) && body.stream === true) lines.push('--no-buffer');
  lines.push(`--data-binary @- <<'${DELIMITER}'`);
  const json = JSON.stringify(body).replaceAll('!', '\\u0021');
  const command = `${lines.join(' \\\n  ')}\n${json}\n${DELIMITER}\n`;
  const caveat = json.includes(REDACTION_MARK)
    ? 'The record’s redaction replaced what looked like secrets in this body; the command sends the placeholders.'
    : null;
  return { command, caveat };
}

/** A header as Node keeps it (a string, or a list for a repeated one), joined as it would be sent in one line. */
function headerValue(headers: Record<string, unknown>, name: string): string | null {
  const value = headers[name];
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join(', ');
  return null;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
