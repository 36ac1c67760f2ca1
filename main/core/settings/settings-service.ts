import type { Statement } from 'better-sqlite3';
import type { z } from 'zod';
import type { Db } from '../db/database';
import type { SecretBox } from '../secrets/secret-box';
import { SECRET_SETTINGS, SETTING_DEFINITIONS, SETTING_KEYS, type SettingKey, type Settings } from './definitions';
import { SWITCH_WORDS_HINT } from '../util/switch-word';

export type SettingSource = 'environment' | 'database' | 'default';

export interface SettingView<K extends SettingKey = SettingKey> {
  key: K;
  value: Settings[K];
  source: SettingSource;
  env: string | undefined;
  needsRestart: boolean;
}

export class SettingError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(`${key}: ${message}`);
    this.name = 'SettingError';
  }
}

type Listener = (key: SettingKey, value: unknown) => void;

/**
 * What a setting wants, in the words of someone typing it (`settings set debugLogs maybe`): zod says "Invalid input:
 * expected boolean, received string", which names a type rather than the values that work.
 */
const WANTED: Record<string, string> = {
  boolean: 'true or false',
  number: 'a whole number',
  int: 'a whole number',
  array: 'a list (comma-separated, or a JSON array)',
  string: 'text',
};

/** What a bound counts, after "at most 3": nothing for a number. */
const UNITS: Record<string, string> = { string: ' characters', array: ' items' };

function issueText(issues: readonly z.core.$ZodIssue[], value: unknown): string {
  const issue = issues[0];
  if (!issue) return 'invalid value';
  // zod says "Invalid URL" (or a pattern's own words) of one entry of a list without saying which: the entry, and
  // what one looks like. A pattern's message is written to follow "is not" (definitions.ts).
  if (issue.code === 'invalid_format' && (issue.format === 'url' || issue.format === 'regex')) {
    const at = issue.path[0];
    const entry: unknown = Array.isArray(value) && typeof at === 'number' ? (value as unknown[])[at] : value;
    const wanted = issue.format === 'url' ? 'a URL such as https://app.example.test' : issue.message;
    return `${JSON.stringify(entry)} is not ${wanted}`;
  }
  // zod says 'Invalid option: expected one of "auto"|"ws"|…': the choices as a person would list them.
  if (issue.code === 'invalid_value' && issue.values.length > 1) {
    const words = issue.values.map(String);
    return `use ${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
  }
  if (issue.code === 'invalid_type') {
    const wanted = WANTED[issue.expected];
    return wanted ? `expected ${wanted}` : issue.message;
  }
  // zod says "Too big: expected number to be <=65535"; a person typing a port wants the bound in words.
  if (issue.code === 'too_big' || issue.code === 'too_small') {
    const big = issue.code === 'too_big';
    const bound = Number(big ? issue.maximum : issue.minimum);
    const words = issue.inclusive ? (big ? 'at most' : 'at least') : big ? 'less than' : 'more than';
    const must = `must be ${words} ${bound.toLocaleString('en-US')}${UNITS[issue.origin] ?? ''}`;
    // One entry of a list too long: which one, as a wrong-looking entry is named (its start: it is long).
    const at = issue.path[0];
    if (typeof at !== 'number' || !Array.isArray(value)) return must;
    const entry: unknown = value[at];
    if (typeof entry !== 'string') return must;
    const start = entry.length > 40 ? `${entry.slice(0, 40)}…` : entry;
    return `entry ${at + 1}, ${JSON.stringify(start)} (${entry.length.toLocaleString('en-US')} characters), ${must}`;
  }
  return issue.message;
}

/**
 * Effective settings: an environment variable wins, then the database, then the default. Values are cached in
 * memory so the request path reads a field, never SQLite; `reload()` re-reads after another process wrote.
 */
export class SettingsService {
  private values = {} as Settings;
  private sources = {} as Record<SettingKey, SettingSource>;
  private readonly listeners = new Set<Listener>();
  private unreadable = new Set<SettingKey>();
  private readonly selectAll: Statement<[], { key: string; value: string }>;
  private readonly upsert: Statement<[string, string, number]>;
  private readonly deleteOne: Statement<[string]>;

  constructor(
    db: Db,
    private readonly secrets: SecretBox,
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly now: () => number = Date.now,
  ) {
    this.selectAll = db.prepare('SELECT key, value FROM settings');
    this.upsert = db.prepare(
      `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
       ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
    );
    this.deleteOne = db.prepare('DELETE FROM settings WHERE key = ?');
    this.reload();
  }

  get<K extends SettingKey>(key: K): Settings[K] {
    return this.values[key];
  }

  /** Where a setting's value comes from: an environment variable, the database, or the default. */
  sourceOf(key: SettingKey): SettingSource {
    return this.sources[key];
  }

  /** A secret is stored but cannot be unsealed (its key file was replaced): callers must fail closed. */
  isUnreadable(key: SettingKey): boolean {
    return this.unreadable.has(key);
  }

  all(): Settings {
    return { ...this.values };
  }

  view(): SettingView[] {
    return SETTING_KEYS.map((key) => ({
      key,
      value: this.values[key],
      source: this.sources[key],
      env: SETTING_DEFINITIONS[key].env,
      needsRestart: SETTING_DEFINITIONS[key].needsRestart,
    }));
  }

  /** Stores a value; returns the effective value, which an environment variable may still override. */
  set<K extends SettingKey>(key: K, value: unknown): Settings[K] {
    const definition = SETTING_DEFINITIONS[key];
    if (!definition) throw new SettingError(String(key), 'no such setting');
    const parsed = definition.schema.safeParse(value);
    if (!parsed.success) throw new SettingError(key, issueText(parsed.error.issues, value));
    const json = JSON.stringify(parsed.data);
    this.upsert.run(key, SECRET_SETTINGS.has(key) ? JSON.stringify(this.secrets.seal(json)) : json, this.now());
    this.reload();
    return this.values[key];
  }

  /** Forgets the stored value so the default (or the environment) applies again. */
  reset(key: SettingKey): void {
    this.deleteOne.run(key);
    this.reload();
  }

  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  reload(): void {
    const stored = new Map(this.selectAll.all().map((row) => [row.key, row.value]));
    const previous = this.values;
    const next = {} as Record<SettingKey, unknown>;
    this.unreadable = new Set();
    for (const key of SETTING_KEYS) {
      const definition = SETTING_DEFINITIONS[key];
      const envName = definition.env;
      const raw = envName ? this.env[envName] : undefined;
      if (envName && raw !== undefined && raw !== '' && definition.fromEnv) {
        const fromEnv = definition.fromEnv(raw);
        const parsed = definition.schema.safeParse(fromEnv);
        if (!parsed.success) {
          // An on/off variable takes more words than the `true` or `false` that `settings set` takes as JSON.
          const wanted =
            typeof definition.default === 'boolean' ? SWITCH_WORDS_HINT : issueText(parsed.error.issues, fromEnv);
          throw new SettingError(envName, `cannot use ${JSON.stringify(raw)}: ${wanted}`);
        }
        next[key] = parsed.data;
        this.sources[key] = 'environment';
        continue;
      }
      const fromDb = stored.get(key);
      const value = fromDb === undefined ? undefined : this.decode(key, fromDb);
      if (fromDb !== undefined && value === undefined && SECRET_SETTINGS.has(key)) this.unreadable.add(key);
      if (value !== undefined) {
        next[key] = value;
        this.sources[key] = 'database';
      } else {
        next[key] = definition.default;
        this.sources[key] = 'default';
      }
    }
    this.values = next as Settings;
    for (const key of SETTING_KEYS) {
      if (JSON.stringify(previous[key]) !== JSON.stringify(next[key])) {
        for (const listener of this.listeners) listener(key, next[key]);
      }
    }
  }

  /**
   * A stored value that no longer validates (or cannot be unsealed) falls back to the default instead of failing
   * start-up.
   */
  private decode(key: SettingKey, stored: string): unknown {
    try {
      let json = JSON.parse(stored) as unknown;
      if (SECRET_SETTINGS.has(key)) json = JSON.parse(this.secrets.open(json as string));
      const parsed = SETTING_DEFINITIONS[key].schema.safeParse(json);
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }
}
