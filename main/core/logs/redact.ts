/**
 * Secrets never reach a log file. Two layers: headers known to carry credentials are replaced by name, and a
 * pass over the final text catches anything shaped like a JWT, a Clerk cookie, an Anthropic key, a bearer token or
 * one of Orchids Tray's own tokens (a user can paste a token into a conversation; it is redacted too), plus the
 * literal secrets the app holds (the API key, the install token).
 */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key']);

export const REDACTED = '[redacted]';

/**
 * The headers with every credential replaced by name. They are returned as they are when they hold none (the
 * common case for the upstream's answer), and copied only when one is replaced, so that the caller's object (the
 * request's own headers) is never changed.
 */
export function redactHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || value === '' || !SECRET_HEADERS.has(name.toLowerCase())) continue;
    out ??= { ...headers };
    out[name] = REDACTED;
  }
  return out ?? headers;
}

/**
 * One pattern per secret shape, each starting with fixed text: V8 finds such a prefix with a fast string search,
 * which made five passes several times cheaper than one pattern of five alternatives (this runs on every debug
 * record, a thousand a second in a burst).
 */
const PATTERNS: Array<[RegExp, string]> = [
  // JWTs: three base64url segments, the first starting like a JSON header ({"al… → eyJ).
  [/eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, '[redacted-jwt]'],
  // Clerk cookies as header text or as JSON members.
  [
    /\b(__client(?:_uat)?|__session|__refresh|clerk_active_context)(_[A-Za-z0-9-]+)?(=|\\?"\s*:\s*\\?")[^;\s"\\,]+/g,
    `$1$2$3${REDACTED}`,
  ],
  // Anthropic-style API keys.
  [/\bsk-ant-[A-Za-z0-9_-]{8,}/g, '[redacted-key]'],
  // Bearer credentials in any text.
  [/\b(Bearer\s+)[A-Za-z0-9._~+/-]{8,}=*/gi, `$1${REDACTED}`],
  // Orchids Tray's own: install tokens (ott_), dashboard sessions (ots_) and sign-in codes (otc_).
  [/\bot[tsc]_[A-Za-z0-9_-]{16,}/g, '[redacted-token]'],
  // API keys the window generates.
  [/\bot-[A-Za-z0-9_-]{32}/g, '[redacted-key]'],
];

/** Redacts the literal secrets given (the configured API key, the install token) and every secret shape. */
export function redactText(text: string, literals: readonly string[] = []): string {
  let out = text;
  for (const literal of literals) {
    if (literal.length >= 6 && out.includes(literal)) out = out.split(literal).join(REDACTED);
  }
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/**
 * The literal secrets the app holds, gathered from each part that knows one (the settings know the API key, the
 * control layer the install token), and the one redaction every sink of error text uses: debug records, history
 * rows, account reasons, log lines, the account test's report. Sources are read at each call, so a rotated token
 * or a new key is covered at once.
 */
export class SecretRedactor {
  private readonly sources: Array<() => readonly string[]> = [];

  addSource(source: () => readonly string[]): void {
    this.sources.push(source);
  }

  literals(): string[] {
    return this.sources.flatMap((source) => source());
  }

  /** Only failures call this (error text is short and rare): a successful request never pays for it. */
  readonly redact = (text: string): string => redactText(text, this.literals());
}
