/**
 * Schema migrations, applied in order; `PRAGMA user_version` records how many ran. Never edit a shipped step:
 * append a new one.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: accounts and settings
  `
  CREATE TABLE accounts (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    name           TEXT    NOT NULL,
    email          TEXT    NOT NULL DEFAULT '',
    user_id        TEXT    NOT NULL UNIQUE,
    session_id     TEXT    NOT NULL DEFAULT '',
    client_cookie  TEXT    NOT NULL,          -- sealed, never plain text
    client_uat     TEXT    NOT NULL DEFAULT '',
    project_id     TEXT    NOT NULL DEFAULT '',
    weight         INTEGER NOT NULL DEFAULT 1 CHECK (weight >= 0),
    enabled        INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    request_count  INTEGER NOT NULL DEFAULT 0,
    last_used_at   INTEGER,                   -- ms since epoch
    status         TEXT    NOT NULL DEFAULT 'ready',
    status_reason  TEXT    NOT NULL DEFAULT '',
    status_until   INTEGER,                   -- ms since epoch, when the status may heal
    failure_streak INTEGER NOT NULL DEFAULT 0,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
  );
  CREATE INDEX idx_accounts_enabled ON accounts (enabled);
  CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,                 -- JSON
    updated_at INTEGER NOT NULL
  );
  `,
  // 2: request history, one row per request whether or not debug logging is on
  `
  CREATE TABLE request_history (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id      TEXT    NOT NULL,
    started_at      INTEGER NOT NULL,       -- ms since epoch
    account_id      INTEGER,                -- the account that served (or failed) last;
                                            -- no foreign key: history outlives accounts
    model           TEXT    NOT NULL,
    upstream_model  TEXT    NOT NULL,
    stream          INTEGER NOT NULL,
    status          INTEGER NOT NULL,
    stop_reason     TEXT,
    input_tokens    INTEGER NOT NULL,
    output_tokens   INTEGER NOT NULL,
    first_byte_ms   INTEGER,
    duration_ms     INTEGER NOT NULL,
    error_type      TEXT,
    error_message   TEXT,
    retries         INTEGER NOT NULL,
    accounts_tried  TEXT    NOT NULL,       -- JSON array of account ids, in order
    debug_log       TEXT                    -- file name of the debug record, when one was written
  );
  CREATE INDEX idx_history_started ON request_history (started_at);
  CREATE UNIQUE INDEX idx_history_request ON request_history (request_id);
  `,
  // 3: counts leave the wide accounts row for a narrow table, so the once-a-second flush touches small pages
  // even with thousands of accounts in use; request ids need lookup, not a uniqueness check on every insert.
  `
  CREATE TABLE account_usage (
    account_id    INTEGER PRIMARY KEY,
    request_count INTEGER NOT NULL DEFAULT 0,
    last_used_at  INTEGER
  );
  INSERT INTO account_usage (account_id, request_count, last_used_at)
    SELECT id, request_count, last_used_at FROM accounts;
  ALTER TABLE accounts DROP COLUMN request_count;
  ALTER TABLE accounts DROP COLUMN last_used_at;
  DROP INDEX idx_history_request;
  CREATE INDEX idx_history_request ON request_history (request_id);
  `,
  // 4: which upstream protocol (ws, sse-b, sse-a) each account answered on last, and which served each request
  `
  ALTER TABLE accounts ADD COLUMN protocol TEXT NOT NULL DEFAULT '';
  ALTER TABLE accounts ADD COLUMN protocol_checked_at INTEGER;   -- ms since epoch
  ALTER TABLE request_history ADD COLUMN protocol TEXT;
  `,
  // 5: which API each request came in on (the Messages API, or OpenAI's Chat Completions or Responses)
  `
  ALTER TABLE request_history ADD COLUMN api TEXT NOT NULL DEFAULT 'anthropic';
  `,
  // 6: the serving account's name and e-mail as they were, so history stays readable after an account is removed
  `
  ALTER TABLE request_history ADD COLUMN account_name TEXT;
  ALTER TABLE request_history ADD COLUMN account_email TEXT;
  `,
  // 7: each account's Orchids plan and credits left, as the site last told them (credits/credits-sync.ts)
  `
  ALTER TABLE accounts ADD COLUMN credits_plan TEXT;
  ALTER TABLE accounts ADD COLUMN credits_left INTEGER;
  ALTER TABLE accounts ADD COLUMN credits_limit INTEGER;      -- the plan's monthly credits
  ALTER TABLE accounts ADD COLUMN credits_checked_at INTEGER; -- ms since epoch
  `,
  // 8: error text written before it was redacted at the point of writing. Once, here, rather than on every read:
  // the window, the live view, both exports and the CLI each read these columns, and a redaction on read would have
  // to be repeated (and not forgotten) in each. Only rows whose text changes are written; it runs once, at the
  // first start of this version: about 0.4 s for 100,000 rows that all have an error (the worst case, successful
  // rows have none), 1% of them holding a secret, measured on this 2-core machine. `redact_secrets` is the
  // debug-log redactor's shape pass (database.ts). The install token, the generated API keys, Clerk's tokens and
  // cookies and Anthropic keys all have shapes it knows; a hand-typed API key has none, and it is sealed in settings,
  // which cannot be opened here: old text keeps one only if an upstream echoed a prompt that quoted it (the proxy
  // never sends the client's key upstream).
  `
  UPDATE request_history SET error_message = redact_secrets(error_message)
    WHERE error_message IS NOT NULL AND redact_secrets(error_message) IS NOT error_message;
  UPDATE accounts SET status_reason = redact_secrets(status_reason)
    WHERE status_reason <> '' AND redact_secrets(status_reason) IS NOT status_reason;
  `,
  // 9: the notice of a database set aside, kept in the fresh one that replaced it until someone dismisses it: a CLI
  // command or a headless start may meet the damaged file long before anyone opens the window. One row at most.
  `
  CREATE TABLE damaged_database_notice (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    kept_as TEXT    NOT NULL,                -- the set-aside file's full path
    at      INTEGER NOT NULL,                -- ms since epoch, when it was set aside
    code    TEXT    NOT NULL                 -- SQLite's code: SQLITE_NOTADB, SQLITE_CORRUPT…
  );
  `,
  // 10: a pinned upstream protocol the service did not answer on (proxy/pinned-mismatch.ts), kept so that the start
  // after a restart (which the warning itself may advise) still says it. One row at most.
  `
  CREATE TABLE pinned_mismatch (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    protocol TEXT    NOT NULL,               -- ws, sse-b or sse-a: the pin that met a wrong-protocol answer
    at       INTEGER NOT NULL                -- ms since epoch, when a request last met it (kept to the minute)
  );
  `,
  // 11: the name of each account a request tried, as it was then (a JSON array in accounts_tried's order), so an
  // account that was tried, did not answer and was then removed still reads by name; NULL when one account was tried
  // (account_name holds it) and in rows written before.
  `
  ALTER TABLE request_history ADD COLUMN accounts_tried_names TEXT;
  `,
];
